/**
 * The synchronous fingerprint and output check of a re-run give what the
 * full ones give, or say they cannot tell.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir, tempProject } from "../_cli.ts";
import { fingerprint, fingerprintNow } from "../../src/engine/fingerprint.ts";
import { outputsPresent, outputsPresentNow } from "../../src/engine/files.ts";
import {
  RACY_MS,
  saveStatCache,
  useStatCache,
} from "../../src/engine/stat_cache.ts";
import type { Task } from "../../src/plan/ir.ts";

const task = (inputs: string[], outputs: string[] = []) =>
  ({ inputs, outputs }) as unknown as Task;

/** Past the racy window (ctime has whole seconds): what was written can be read from the cache. */
const settle = () => new Promise((r) => setTimeout(r, 1000 + RACY_MS + 50));

Deno.test("fingerprintNow and outputsPresentNow: the full answer, or undefined when they cannot tell", async () => {
  const root = await tempProject({
    "in/a.txt": "a",
    "in/b.txt": "b",
    "in/sub/c.txt": "c",
    "out/x.txt": "x",
  });
  const outside = await tempDir();
  await Deno.writeTextFile(join(outside, "o.txt"), "o");
  await Deno.symlink(join(root, "in"), join(root, "alias"));
  await Deno.symlink(outside, join(root, "away"));
  await Deno.mkdir(join(root, "empty"));
  await settle();
  useStatCache(root);
  const inputSets = [
    ["in/a.txt"],
    ["in/b.txt", "in/a.txt", "in/b.txt"],
    ["./in//a.txt", "in/sub/c.txt"],
    ["in/missing.txt"],
    ["in/a.txt", "in/missing.txt"],
    ["in"],
    ["in/*.txt"],
    ["alias/a.txt"],
    ["away/o.txt"],
    ["empty"],
  ];
  const deps = [[], ["d1"], ["d1", "d2"]];
  // Cache entries recorded (all files are old enough to be trusted).
  for (const inputs of inputSets) {
    await fingerprint(root, task(inputs), "h", []);
  }
  let answered = 0;
  for (const inputs of inputSets) {
    for (const d of deps) {
      const now = fingerprintNow(root, task(inputs), "h", d);
      const full = await fingerprint(root, task(inputs), "h", d);
      if (now !== undefined) {
        answered++;
        assert.equal(now, full, `${inputs} ${d}`);
      }
    }
  }
  assert.equal(answered, 3 * 3, "the three sets of plain files are answered");
  assert.equal(fingerprintNow(root, task([]), "h", []), null);
  assert.equal(fingerprintNow(root, task(["in/a.txt"]), "h", [null]), null);
  // A changed file: no longer a hit, so not answered.
  await Deno.writeTextFile(join(root, "in/a.txt"), "A");
  assert.equal(fingerprintNow(root, task(["in/a.txt"]), "h", []), undefined);

  const outputSets = [
    [],
    ["out/x.txt"],
    ["out/x.txt", "out/missing.txt"],
    ["out/missing.txt"],
    ["out"],
    ["out/*.txt"],
    ["alias/a.txt"],
    ["away/o.txt"],
    ["empty"],
  ];
  let outputsAnswered = 0;
  for (const outputs of outputSets) {
    const now = outputsPresentNow(root, task([], outputs));
    if (now === undefined) continue;
    outputsAnswered++;
    assert.equal(
      now,
      await outputsPresent(root, task([], outputs)),
      `${outputs}`,
    );
  }
  assert.equal(outputsAnswered, 4, "no outputs, a file, a missing one");
  await saveStatCache(root);
});

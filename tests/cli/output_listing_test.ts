/**
 * A no-op re-run checks the outputs of a folder that holds many from one
 * listing of it: through the CLI, a missing output, a link out or an empty
 * folder in its place among many present ones makes its task run again,
 * as an lstat of each would; a folder with a file in it does not.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { RACY_MS } from "../../src/engine/stat_cache.ts";

const N = 40;

Deno.test("output listing: among 40 outputs of one folder, a missing one, a link out and an empty folder re-run their tasks, a folder with a file does not", async () => {
  const tasks = Array.from({ length: N }, (_, i) =>
    `  - id: T${i}
    title: T${i}
    inputs: ["in/T${i}"]
    outputs: ["out/T${i}"]
    commands: { c: "mkdir -p out && rm -rf out/T${i} && cp in/T${i} out/T${i}" }`);
  const files: Record<string, string> = {
    "orchestrator.yml": `version: 1\ntasks:\n${tasks.join("\n")}\n`,
  };
  for (let i = 0; i < N; i++) files[`in/T${i}`] = `${i}\n`;
  const dir = await tempProject(files);
  await new Promise((r) => setTimeout(r, 1000 + RACY_MS + 50));
  const ran = async () => {
    const r = await cli(["run"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    return (await latestEvents(dir)).filter((e) => e.type === "task_completed")
      .map((e) => e.task);
  };
  assert.equal((await ran()).length, N);
  assert.deepEqual(await ran(), []);
  // Late in plan order, past the point where the folder is listed; one at
  // a time (a task that runs ends the listing's use for the run).
  await Deno.remove(join(dir, "out/T30"));
  assert.deepEqual(await ran(), ["T30"]);
  const elsewhere = await tempProject({ "b": "" });
  await Deno.remove(join(dir, "out/T36"));
  await Deno.symlink(join(elsewhere, "b"), join(dir, "out/T36"));
  assert.deepEqual(await ran(), ["T36"]);
  await Deno.remove(join(dir, "out/T33"));
  await Deno.mkdir(join(dir, "out/T33"));
  await Deno.writeTextFile(join(dir, "out/T33/x"), "");
  assert.deepEqual(await ran(), []);
  await Deno.remove(join(dir, "out/T33/x"));
  assert.deepEqual(await ran(), ["T33"]);
  assert.deepEqual(await ran(), []);
});

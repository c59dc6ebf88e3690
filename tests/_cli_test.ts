/**
 * The test rig cleans up after itself: the folders `tempProject` and
 * `tempDir` make, and its own cache folder, are gone once a test module's
 * tests end, even a folder a test made unreadable; the process's state
 * folder alone stays, for the next test process to remove.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { alive, PERMISSIONS, repoPath, tempDir } from "./_cli.ts";

const MODULE = `
import { cli, tempDir, tempProject } from ${
  JSON.stringify(repoPath("tests/_cli.ts"))
};

Deno.test("makes folders", async () => {
  const project = await tempProject({
    "orchestrator.yml": "version: 1\\ntasks:\\n  - id: A\\n    title: a\\n    commands: { say: 'echo hi' }\\n",
  });
  const run = await cli(["run"], { cwd: project }); // .codex/, runs, the plan cache
  if (run.code !== 0) throw new Error(run.stderr);
  const locked = await tempDir();
  await Deno.mkdir(locked + "/locked/inner", { recursive: true });
  await Deno.writeTextFile(locked + "/locked/inner/file", "x");
  await Deno.chmod(locked + "/locked", 0o000);
  const made = [...Deno.readDirSync(Deno.env.get("TMPDIR")!)].length;
  await Deno.writeTextFile(Deno.env.get("RIG_REPORT")!, String(made));
});
`;

Deno.test("tempProject and tempDir: every folder is removed when the module's tests end", async () => {
  const tmp = await tempDir("orchestrate-rig-tmp-");
  const rig = await tempDir("orchestrate-rig-");
  const module = join(rig, "rig_test.ts");
  await Deno.writeTextFile(module, MODULE);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "test",
      "--quiet",
      `--config=${repoPath("deno.json")}`,
      ...PERMISSIONS,
      module,
    ],
    env: { TMPDIR: tmp, RIG_REPORT: join(rig, "made"), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
  // The project, the locked folder and the rig's cache folder.
  const made = Number(await Deno.readTextFile(join(rig, "made")));
  assert.ok(made >= 3, `the module made ${made} folders in TMPDIR`);
  // Only the process's state folder stays (see USER_DIRS in _cli.ts): the
  // next test process removes it, since the process that made it has ended.
  const left = [...Deno.readDirSync(tmp)].map((e) => e.name);
  assert.equal(left.length, 1, left.join(", "));
  assert.match(left[0]!, /^orchestrate-test-user-\d+$/);
  const pid = Number(left[0]!.slice("orchestrate-test-user-".length));
  assert.equal(alive(pid), false, `process ${pid} has ended`);
  assert.deepEqual(
    [...Deno.readDirSync(join(tmp, left[0]!))].map((e) => e.name),
    ["state"],
  );
});

/**
 * `deno task demo` runs the example end to end and removes its folder;
 * `--keep` keeps it.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { repoPath, SOURCE_FLAGS, tempDir } from "../_cli.ts";

async function demo(args: string[]) {
  const tmp = await tempDir("orchestrate-demo-tmp-");
  const user = await tempDir("orchestrate-demo-user-");
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...SOURCE_FLAGS,
      repoPath("scripts/demo.ts"),
      ...args,
    ],
    env: {
      TMPDIR: tmp,
      XDG_CACHE_HOME: join(user, "cache"),
      XDG_STATE_HOME: join(user, "state"),
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    text,
    stderr,
    left: [...Deno.readDirSync(tmp)].map((e) => join(tmp, e.name)),
    project: /^Demo project: (\S+)/m.exec(text)?.[1] ?? "",
  };
}

Deno.test("demo: runs the example through a gate to the end, then removes its folder", async () => {
  const r = await demo([]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.text, /\$ orchestrate approve deploy --task REL-001/);
  // The agent part: a scripted agent learns from feedback; the run stops at apply_patch.
  assert.match(r.text, /attempt 1 failed: in the worktree/);
  assert.match(r.text, /awaiting approval: apply_patch/);
  assert.match(r.text, /\+echo "hello, world"/);
  assert.match(r.text, new RegExp(`Removed ${r.project}`));
  assert.deepEqual(r.left, []);
});

Deno.test("demo: --keep keeps the folder, with its dashboard and event log", async () => {
  const r = await demo(["--keep"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.left, [r.project]);
  const dashboard = /^Dashboard: (\S+)/m.exec(r.text)?.[1] ?? "";
  assert.equal(dashboard, join(r.project, "TASKS.md"));
  assert.match(await Deno.readTextFile(dashboard), /REL-001/);
  const log = /^Event log: (\S+)/m.exec(r.text)?.[1] ?? "";
  const events = await Deno.readTextFile(log);
  assert.match(events, /"type":"approval_granted"/);
  assert.match(events, /"type":"completed"/);
});

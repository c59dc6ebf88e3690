/**
 * The plan's words mean what they say: `retry: N` retries N times (0:
 * never), a task-level `timeout:` points at `constraints.timebox`, and a
 * mistyped number in a mapping says what the field wants.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

async function attemptsOf(dir: string): Promise<number> {
  const runs = join(dir, ".codex", "runs");
  const log = [...Deno.readDirSync(runs)].find((e) =>
    e.name.endsWith(".jsonl")
  )!;
  return (await Deno.readTextFile(join(runs, log.name))).split("\n")
    .filter((l) => l.includes('"type":"command_run"')).length;
}

for (const [retry, attempts] of [[0, 1], [2, 3]] as const) {
  Deno.test(`run: retry: ${retry} runs a failing command ${attempts} time(s)`, async () => {
    const dir = await tempProject({
      "orchestrator.yml": `version: 1
orchestrator:
  retry: 5
tasks:
  - id: B
    title: fails
    commands:
      y: { run: "false", retry: ${retry} }
`,
    });
    const r = await cli(["run", "--task", "B"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await attemptsOf(dir), attempts);
  });
}

Deno.test("plan validate: a task-level timeout points at constraints.timebox; a non-whole agent attempts says so at its place", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: a
    timeout: 10m
    agent: { attempts: 2.5 }
  - id: B
    title: b
    needs: [A]
    retry: -1
`,
  });
  const r = await cli(["plan", "validate"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /^orchestrator\.yml:5:5: Unknown key "timeout": did you mean "constraints\.timebox"\? \(a task's time limit; one command's own limit is written \{ run, timeout \}\)$/m,
  );
  assert.match(
    r.stderr,
    /^orchestrator\.yml:6:24: tasks\[0\]\.agent\.attempts: expected a whole number, got number 2\.5$/m,
  );
  assert.match(
    r.stderr,
    /^orchestrator\.yml:9:5: Unknown key "needs": did you mean "dependencies"\?/m,
  );
  assert.match(
    r.stderr,
    /^orchestrator\.yml:10:12: Invalid value -1: must be at least 0$/m,
  );
  assert.doesNotMatch(r.stderr, /expected true/);
});

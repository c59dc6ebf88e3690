/**
 * One state of the project across runs: after `run` then `run --task A`,
 * the tasks the second run left out keep the result the first gave them
 * (naming that run) in `status`, `list` and TASKS.md; the second run
 * changes only the tasks it ran.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - id: A
    title: first
    commands: { x: "true" }
  - id: B
    title: second
    commands: { x: "true" }
    shards:
      - { id: B1, title: one }
      - { id: B2, title: two }
  - id: C
    title: third
    dependencies: [A]
    commands: { x: "sh -c 'test -f fail && exit 1 || true'" }
`;

async function runIds(dir: string): Promise<string[]> {
  return (await Deno.readTextFile(join(dir, ".codex/runs/index"))).trim()
    .split("\n");
}

Deno.test("project state: a run of a selection changes only its tasks; status, list and TASKS.md keep the others' latest results and their runs", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(join(dir, "fail"), "");
  assert.equal((await cli(["run", "--task", "C"], { cwd: dir })).code, 1);
  const [first, second] = await runIds(dir);

  const status = await cli(["status", "--json"], { cwd: dir });
  const tasks = JSON.parse(status.stdout).tasks as {
    id: string;
    state: string;
    run: string;
    shards: { id: string; state: string }[];
  }[];
  const byId = Object.fromEntries(tasks.map((t) => [t.id, t]));
  assert.equal(byId.A!.state, "completed");
  assert.equal(byId.A!.run, second);
  assert.equal(byId.B!.state, "completed");
  assert.equal(byId.B!.run, first);
  assert.deepEqual(byId.B!.shards.map((s) => s.state), [
    "completed",
    "completed",
  ]);
  assert.equal(byId.C!.state, "failed");
  assert.equal(status.code, 1); // the latest run failed

  const text = await cli(["status"], { cwd: dir });
  assert.doesNotMatch(text.stdout, /outside the selection/);

  const list = await cli(["list"], { cwd: dir });
  assert.match(list.stdout, /^ {2}B +second +completed/m);

  const md = await Deno.readTextFile(join(dir, "TASKS.md"));
  assert.match(md, /^- \[x\] B — second/m);
  assert.match(md, /^ {2}- \[x\] B1 — one/m);
  assert.doesNotMatch(md, /outside the selection/);
  assert.match(md, /^- \[ \] C — third \(failed/m);
});

Deno.test("project state: a task the latest run did not reach keeps its earlier result in status; a task no run touched stays pending", async () => {
  const dir = await tempProject({
    "orchestrator.yml": PLAN +
      `  - id: D\n    title: never\n    dependencies: [C]\n    commands: { x: "true" }\n`,
  });
  await Deno.writeTextFile(join(dir, "fail"), "");
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  assert.equal((await cli(["run", "--task", "B"], { cwd: dir })).code, 0);
  const status = JSON.parse(
    (await cli(["status", "--json"], { cwd: dir })).stdout,
  );
  const state = Object.fromEntries(
    status.tasks.map((t: { id: string; state: string }) => [t.id, t.state]),
  );
  assert.deepEqual(state, {
    A: "completed",
    B: "completed",
    C: "failed",
    D: "blocked",
  });
});

Deno.test("project state: report of a run of a selection lists the tasks it left out with their latest result and run", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  const [first] = await runIds(dir);
  const md = await cli(["report"], { cwd: dir });
  assert.equal(md.code, 0, md.stderr);
  assert.match(
    md.stdout,
    /Not in this run \(their latest result, from an earlier run\):/,
  );
  assert.match(md.stdout, new RegExp(`^- B: completed in run ${first}$`, "m"));
  const json = JSON.parse(
    (await cli(["report", "--json"], { cwd: dir })).stdout,
  );
  assert.deepEqual(
    json.earlier.map((e: { id: string }) => e.id).sort(),
    ["B", "C"],
  );
});

Deno.test("project state: after more than fifty runs of one task (a watch session), the others still show the result an early run gave them", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: first, commands: { x: "true" } }
  - { id: B, title: second, commands: { x: "true" } }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  for (let i = 0; i < 55; i++) {
    assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  }
  const [first] = await runIds(dir);
  const status = await cli(["status", "--json"], { cwd: dir });
  const byId = Object.fromEntries(
    (JSON.parse(status.stdout).tasks as {
      id: string;
      state: string;
      run: string;
    }[])
      .map((t) => [t.id, t]),
  );
  assert.equal(byId.B!.state, "completed");
  assert.equal(byId.B!.run, first);
  const md = await Deno.readTextFile(join(dir, "TASKS.md"));
  assert.match(md, /^- \[x\] B — second/m);
});

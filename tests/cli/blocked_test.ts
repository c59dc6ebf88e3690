/**
 * Blocked is `decideTask`'s call: a task downstream of a failure is blocked
 * by the failed task at the root (through a blocked dependency too), ahead
 * of a gate upstream; the dry run of the resume says each of them runs
 * again, as the resume then does.
 */
import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import type { RunEvent } from "../../src/events/types.ts";

const TWO_FAILURES = `version: 1
orchestrator: { strategy: keep_going, concurrency: 1 }
tasks:
  - { id: OK, title: passes, commands: { x: "true" } }
  - { id: F1, title: first failure, commands: { x: "exit 4" } }
  - { id: F2, title: second failure, dependencies: [OK], commands: { x: "exit 5" } }
  - { id: J, title: joins, dependencies: [OK, F2, F1], commands: { x: "touch j" } }
  - { id: K, title: behind J, dependencies: [J], commands: { x: "touch k" } }
  - { id: M, title: behind F2, dependencies: [F2], commands: { x: "touch m" } }
`;

const blocks = (events: RunEvent[]) =>
  events.flatMap((e) =>
    e.type === "task_blocked" ? [[e.task, e.by, e.reason]] : []
  );

Deno.test("blocked: each task downstream of a failure is blocked by the failure at its root, through blocked tasks too", async () => {
  const dir = await tempProject({ "orchestrator.yml": TWO_FAILURES });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.deepEqual(blocks(await latestEvents(dir)), [
    ["J", "F1", "dependency F1 failed"],
    ["K", "F1", "dependency F1 failed"],
    ["M", "F2", "dependency F2 failed"],
  ]);
  const status = await cli(["status"], { cwd: dir });
  assert.match(status.stdout, /^K +blocked .*blocked by F1$/m);
  assert.match(status.stdout, /^M +blocked .*blocked by F2$/m);
  for (const file of ["j", "k", "m"]) {
    await assert.rejects(Deno.stat(`${dir}/${file}`));
  }

  // The resume runs the failures and what they blocked again: its dry run says so first.
  const dry = await cli(["run", "--resume", "--dry-run", "--json"], {
    cwd: dir,
  });
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as {
    tasks: { id: string; action: string; reason: string | null }[];
  };
  assert.deepEqual(plan.tasks.map((t) => [t.id, t.action, t.reason]), [
    ["OK", "skip", "done earlier in this run (completed or skipped before)"],
    ["F1", "run", null],
    ["F2", "run", null],
    ["J", "run", null],
    ["K", "run", null],
    ["M", "run", null],
  ]);
  const resumed = await cli(["run", "--resume"], { cwd: dir });
  assert.equal(resumed.code, 1);
  const again = await latestEvents(dir);
  const started = again.filter((e) => e.type === "task_started").map((e) =>
    e.task
  );
  assert.deepEqual(started.slice(-2), ["F1", "F2"]);
  assert.deepEqual(blocks(again).slice(-3), [
    ["J", "F1", "dependency F1 failed"],
    ["K", "F1", "dependency F1 failed"],
    ["M", "F2", "dependency F2 failed"],
  ]);
});

const GATE_AND_FAILURE = `version: 1
orchestrator: { strategy: keep_going, concurrency: 1 }
tasks:
  - { id: G, title: gated, approvals: [manual], commands: { x: "true" } }
  - { id: F, title: fails, commands: { x: "exit 1" } }
  - { id: T, title: behind both, dependencies: [G, F], commands: { x: "touch t" } }
`;

Deno.test("blocked: a failure upstream outranks a gate upstream; the dry run, which runs nothing, says it waits for the gate", async () => {
  const dir = await tempProject({ "orchestrator.yml": GATE_AND_FAILURE });
  const dry = await cli(["run", "--dry-run"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /^wait +G — gated +\(stops at gate manual: orchestrate approve manual --task G\)$/m,
  );
  assert.match(dry.stdout, /^run +F — fails$/m);
  assert.match(
    dry.stdout,
    /^wait +T — behind both +\(waits for G \(gate manual\)\)$/m,
  );

  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  const events = await latestEvents(dir);
  assert.ok(
    events.some((e) => e.type === "awaiting_approval" && e.task === "G"),
  );
  assert.deepEqual(blocks(events), [["T", "F", "dependency F failed"]]);
  const completed = events.at(-1)!;
  assert.ok(completed.type === "completed" && completed.outcome === "failed");
});

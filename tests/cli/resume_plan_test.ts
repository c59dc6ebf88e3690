/**
 * `resume`, `status` and `approve` work from the IR a run recorded when it
 * started, through the real CLI: a TypeScript plan that reads the clock or
 * random values reruns nothing; a real change reruns exactly the changed
 * task and says why; an invalid plan file leaves `status` and `approve`
 * working from the recorded IR while `resume` refuses.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";

const DSL = `import { definePlan, defineTask } from "orchestrate";`;

/**
 * A, then B (fails until the file `ok` exists), then C after B. Titles,
 * descriptions and the project name read the clock and `Math.random()`;
 * B's command is `bCommand`.
 */
function clockPlan(bCommand = "test -f ok && echo B >> log.txt") {
  return `${DSL}
const stamp = \`\${Date.now()}-\${Math.random()}\`;
const a = defineTask({
  id: "A",
  title: \`A at \${stamp}\`,
  description: \`generated \${new Date().toISOString()} \${Math.random()}\`,
  commands: { x: "echo A >> log.txt" },
});
const b = defineTask({
  id: "B",
  title: \`B \${Math.random()}\`,
  dependencies: [a],
  commands: { x: ${JSON.stringify(bCommand)} },
});
const c = defineTask({
  id: "C",
  title: "C",
  dependencies: [b],
  commands: { x: "echo C >> log.txt" },
});
export default definePlan({
  version: 1,
  project: { name: \`demo \${stamp}\` },
  tasks: [a, b, c],
});
`;
}

async function lines(dir: string): Promise<string[]> {
  const text = await Deno.readTextFile(join(dir, "log.txt"));
  return text.trim().split("\n");
}

Deno.test("resume plan: a TS plan that reads the clock and Math.random() reruns only the failed task and what follows, then has nothing to resume", async () => {
  const dir = await tempProject({ "orchestrator.ts": clockPlan() });
  const first = await cli(["run", "--concurrency", "1"], { cwd: dir });
  assert.equal(first.code, 1, first.stderr);
  assert.deepEqual(await lines(dir), ["A"]);
  const started = (await latestEvents(dir)).find((e) =>
    e.type === "run_started"
  );
  assert.ok(started?.type === "run_started");
  const recorded = join(
    dir,
    ".codex/runs",
    started.run,
    `plan-${started.plan_hash}.json`,
  );
  assert.equal(await exists(recorded), true, "the IR is stored with the run");

  await Deno.writeTextFile(join(dir, "ok"), "");
  const dry = await cli(["resume", "--dry-run", "--json"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  assert.deepEqual(
    JSON.parse(dry.stdout).tasks.map((t: { id: string; action: string }) =>
      `${t.id} ${t.action}`
    ),
    ["A skip", "B run", "C run"],
  );
  const resumed = await cli(["resume", "--concurrency", "1"], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(await lines(dir), ["A", "B", "C"], "A did not run again");
  assert.doesNotMatch(resumed.stderr, /plan changed/);
  const events = await latestEvents(dir);
  assert.equal(events.some((e) => e.type === "plan_updated"), false);
  const rerun = events.find((e) => e.type === "resumed");
  assert.ok(rerun?.type === "resumed");
  assert.deepEqual(rerun.rerun, ["B", "C"]);

  const again = await cli(["resume"], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /Nothing to resume: run \S+ completed/);
  assert.deepEqual(await lines(dir), ["A", "B", "C"], "nothing ran again");

  const status = await cli(["status"], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.doesNotMatch(status.stdout, /plan changed/);
  // The status shows the titles the run recorded, not a fresh evaluation.
  const ir = JSON.parse(await Deno.readTextFile(recorded));
  assert.ok(status.stdout.includes(ir.tasks[0].title), status.stdout);
});

Deno.test("resume plan: a TS plan whose command really changes reruns exactly that task and its dependents, and says which and why", async () => {
  const dir = await tempProject({ "orchestrator.ts": clockPlan() });
  await Deno.writeTextFile(join(dir, "ok"), "");
  assert.equal(
    (await cli(["run", "--concurrency", "1"], { cwd: dir })).code,
    0,
  );
  assert.deepEqual(await lines(dir), ["A", "B", "C"]);

  await Deno.writeTextFile(
    join(dir, "orchestrator.ts"),
    clockPlan("echo B2 >> log.txt"),
  );
  const status = await cli(["status"], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /plan changed since this run recorded it/);
  assert.match(status.stdout, /^ {2}B: command "x" changed$/m);
  assert.match(status.stdout, /^ {2}C: its dependency B changed$/m);
  assert.doesNotMatch(status.stdout, /^ {2}A:/m);
  const json = JSON.parse(
    (await cli(["status", "--json"], { cwd: dir })).stdout,
  );
  assert.deepEqual(json.plan, {
    recorded: true,
    valid: true,
    changes: {
      tasks: [
        { task: "B", kind: "changed", why: ['command "x" changed'] },
        { task: "C", kind: "upstream", on: "B" },
      ],
      plan: [],
    },
  });

  const r = await cli(["resume", "--concurrency", "1"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^ {2}B: command "x" changed$/m);
  assert.match(r.stderr, /^ {2}C: its dependency B changed$/m);
  assert.doesNotMatch(r.stderr, /^ {2}A:/m);
  assert.deepEqual(await lines(dir), ["A", "B", "C", "B2", "C"]);
  const events = await latestEvents(dir);
  const updated = events.find((e) => e.type === "plan_updated");
  assert.ok(updated?.type === "plan_updated");
  assert.deepEqual(updated.changed, ["B", "C"]);
  assert.deepEqual([...updated.added, ...updated.removed], []);
  // The resumed run's IR is recorded too: the next status sees no change.
  const after = await cli(["status"], { cwd: dir });
  assert.doesNotMatch(after.stdout, /plan changed/);
});

Deno.test("resume plan: a new task and a removed one are named; the new one runs, completed ones stay done", async () => {
  const plan = (extra: string) =>
    `${DSL}
export default definePlan({
  version: 1,
  tasks: [
    defineTask({ id: "A", title: \`A \${Date.now()}\`, commands: { x: "echo A >> log.txt" } }),
    ${extra}
    defineTask({ id: "F", title: "F", commands: { x: "test -f ok" } }),
  ],
});
`;
  const dir = await tempProject({
    "orchestrator.ts": plan(
      `defineTask({ id: "OLD", title: "old", commands: { x: "echo OLD >> log.txt" } }),`,
    ),
  });
  assert.equal(
    (await cli(["run", "--concurrency", "1"], { cwd: dir })).code,
    1,
  );
  await Deno.writeTextFile(join(dir, "ok"), "");
  await Deno.writeTextFile(
    join(dir, "orchestrator.ts"),
    plan(
      `defineTask({ id: "NEW", title: "new", commands: { x: "echo NEW >> log.txt" } }),`,
    ),
  );
  const r = await cli(["resume", "--concurrency", "1"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^ {2}NEW: new task$/m);
  assert.match(r.stderr, /^ {2}OLD: removed from the plan$/m);
  assert.doesNotMatch(r.stderr, /^ {2}[AF]:/m);
  assert.deepEqual(await lines(dir), ["A", "OLD", "NEW"]);
});

Deno.test("resume plan: with the plan file broken, status and approve work from the recorded IR and say so; resume refuses with the located error", async () => {
  const good = `${DSL}
export default definePlan({
  version: 1,
  orchestrator: { approvals: { required: ["deploy"] } },
  tasks: [
    defineTask({ id: "BUILD", title: \`build \${Date.now()}\`, commands: { x: "echo BUILD >> log.txt" } }),
    defineTask({ id: "SHIP", title: "ship", type: "deploy", dependencies: ["BUILD"], commands: { x: "echo SHIP >> log.txt" } }),
  ],
});
`;
  const dir = await tempProject({ "orchestrator.ts": good });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const broken = good.replace('id: "SHIP"', 'id: "SHIP", titel: "typo"');
  await Deno.writeTextFile(join(dir, "orchestrator.ts"), broken);
  assert.equal((await cli(["plan", "validate"], { cwd: dir })).code, 2);

  const status = await cli(["status"], { cwd: dir });
  assert.equal(status.code, 3, status.stderr);
  assert.match(status.stderr, /^orchestrator\.ts:\d+:\d+: /m);
  assert.match(
    status.stderr,
    /plan file is invalid .*using the plan run \S+ recorded/,
  );
  assert.match(status.stdout, /^BUILD\s+completed/m);
  assert.match(status.stdout, /^SHIP\s+pending/m);
  const json = JSON.parse(
    (await cli(["status", "--json"], { cwd: dir })).stdout,
  );
  assert.deepEqual(json.plan, { recorded: true, valid: false, changes: null });

  const approve = await cli(["approve", "deploy", "--task", "SHIP"], {
    cwd: dir,
  });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stderr, /plan file is invalid/);
  const events = await latestEvents(dir);
  const started = events.find((e) => e.type === "run_started");
  const grant = events.findLast((e) => e.type === "approval_granted");
  assert.ok(started?.type === "run_started");
  assert.ok(grant?.type === "approval_granted");
  assert.deepEqual(grant.task_hashes, { SHIP: started.task_hashes.SHIP });
  assert.equal(grant.plan_hash, started.plan_hash);

  const resume = await cli(["resume"], { cwd: dir });
  assert.equal(resume.code, 2);
  assert.match(resume.stderr, /^orchestrator\.ts:\d+:\d+: .*titel/m);
  assert.deepEqual(await lines(dir), ["BUILD"], "nothing ran");

  // Fixed again (with a new clock value in BUILD's title): the approval holds, SHIP runs, BUILD does not.
  await Deno.writeTextFile(join(dir, "orchestrator.ts"), good);
  const done = await cli(["resume"], { cwd: dir });
  assert.equal(done.code, 0, done.stderr);
  assert.deepEqual(await lines(dir), ["BUILD", "SHIP"]);
});

Deno.test("resume plan: a gate approved for a clock-reading TS plan holds on resume", async () => {
  const dir = await tempProject({
    "orchestrator.ts": `${DSL}
export default definePlan({
  version: 1,
  orchestrator: { approvals: { required: ["deploy"] } },
  tasks: [
    defineTask({
      id: "SHIP",
      title: "ship",
      description: \`built at \${new Date().toISOString()} \${Math.random()}\`,
      type: "deploy",
      commands: { x: "touch shipped" },
    }),
  ],
});
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  assert.equal((await cli(["approve", "deploy"], { cwd: dir })).code, 0);
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await exists(join(dir, "shipped")), true);
});

Deno.test("resume plan: a gate only the changed plan file has is refused by approve with what to do", async () => {
  const plan = (gates: string) =>
    `version: 1
tasks:
  - { id: A, title: a, commands: { x: "test -f ok" }${gates} }
`;
  const dir = await tempProject({ "orchestrator.yml": plan("") });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    plan(", approvals: [ship]"),
  );
  const r = await cli(["approve", "ship"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /"ship" is not a gate of any task: the plan file has it, but run \S+ does not yet; `orchestrate resume` runs the changed plan/,
  );
});

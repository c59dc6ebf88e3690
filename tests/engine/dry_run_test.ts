/**
 * The dry run and the run decide with one function: over generated plans
 * and histories (runs, `--task` runs, approvals, changed inputs, removed
 * outputs, forced runs, resumes), what `--dry-run` predicts is what the run
 * then does.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import fc from "fast-check";
import { dryRun } from "../../src/engine/dry_run.ts";
import {
  wordedDryRun,
  type WordedDryRunReport,
} from "../../src/render/dry_run.ts";
import { executeRun } from "../../src/engine/run.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { logPath } from "../../src/events/log.ts";
import { sealApproval } from "../../src/events/approval_seal.ts";
import { RunStore } from "../../src/events/store.ts";

const listRuns = (dir: string) => new RunStore(dir).runs();
import type { RunEvent } from "../../src/events/types.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { cli, tempProject } from "../_cli.ts";

interface GenTask {
  deps: number[];
  gate: boolean;
  inputs: boolean;
  outputs: boolean;
  skipWhenAccepted: boolean;
}

type Op =
  | { op: "run"; task: number | null; force: boolean }
  | { op: "resume" }
  | { op: "approve"; task: number | null }
  | { op: "touch"; task: number }
  | { op: "unoutput"; task: number }
  | { op: "flag"; task: number };

const genTask = (i: number) =>
  fc.record({
    deps: fc.subarray([...Array(i).keys()], { maxLength: Math.min(i, 2) }),
    gate: fc.boolean(),
    inputs: fc.boolean(),
    outputs: fc.boolean(),
    skipWhenAccepted: fc.boolean(),
  });

const genPlan = fc.integer({ min: 1, max: 5 }).chain((n) =>
  fc.tuple(...[...Array(n).keys()].map(genTask))
);

const genOps = (n: number) =>
  fc.array(
    fc.oneof(
      {
        arbitrary: fc.record({
          op: fc.constant("run" as const),
          task: fc.option(fc.integer({ min: 0, max: n - 1 })),
          force: fc.boolean(),
        }),
        weight: 4,
      },
      fc.constant({ op: "resume" as const }),
      fc.record({
        op: fc.constant("approve" as const),
        task: fc.option(fc.integer({ min: 0, max: n - 1 })),
      }),
      fc.record({
        op: fc.constant("touch" as const),
        task: fc.integer({ min: 0, max: n - 1 }),
      }),
      fc.record({
        op: fc.constant("unoutput" as const),
        task: fc.integer({ min: 0, max: n - 1 }),
      }),
      fc.record({
        op: fc.constant("flag" as const),
        task: fc.integer({ min: 0, max: n - 1 }),
      }),
    ),
    { minLength: 1, maxLength: 7 },
  );

function planYaml(tasks: GenTask[]): string {
  const lines = ["version: 1", "orchestrator: { concurrency: 2 }", "tasks:"];
  tasks.forEach((t, i) => {
    // Commands succeed and make their checks pass: only decisions can differ.
    const steps = [
      ...(t.outputs ? [`mkdir -p out && touch out/T${i}.txt`] : []),
      ...(t.skipWhenAccepted ? [`mkdir -p flag && touch flag/T${i}`] : []),
    ];
    const make = steps.length > 0 ? steps.join(" && ") : "true";
    lines.push(
      `  - id: T${i}`,
      `    title: Task ${i}`,
      `    commands: { make: "${make}" }`,
      `    dependencies: [${t.deps.map((d) => `T${d}`).join(", ")}]`,
    );
    if (t.gate) lines.push("    approvals: [deploy]");
    if (t.inputs) lines.push(`    inputs: ["in/T${i}.txt"]`);
    if (t.outputs) lines.push(`    outputs: ["out/T${i}.txt"]`);
    if (t.skipWhenAccepted) {
      lines.push(
        "    skip_when_accepted: true",
        `    acceptance: ["File exists: flag/T${i}"]`,
      );
    }
  });
  return lines.join("\n") + "\n";
}

async function eventsOf(dir: string, run: string): Promise<RunEvent[]> {
  const text = await Deno.readTextFile(logPath(dir, run));
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

async function approve(dir: string, task: string | null): Promise<void> {
  const runs = await listRuns(dir);
  const run = runs.at(-1);
  if (run === undefined) return;
  const event = {
    ts: new Date().toISOString(),
    run,
    type: "approval_granted",
    task,
    shard: null,
    gate: "deploy",
    by: "test",
    plan_hash: "",
  };
  // Sealed as `orchestrate approve` seals it (an unsealed line is refused).
  const sealed = sealApproval(event as Parameters<typeof sealApproval>[0]);
  await Deno.writeTextFile(logPath(dir, run), JSON.stringify(sealed) + "\n", {
    append: true,
  });
}

async function execute(
  dir: string,
  target: number | null,
  resume: boolean,
  force: boolean,
): Promise<void> {
  const loaded = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(loaded.ok);
  await executeRun({
    loaded: loaded.value,
    target: target === null ? undefined : `T${target}`,
    resume,
    force,
    noBuild: true,
    runner: new DenoRunner(),
    observers: [],
    interrupt: new AbortController().signal,
    toolVersion: "test",
    warn: () => {},
  });
}

/** Whether what the run did (its new events) is what the dry run said. */
function agrees(
  report: WordedDryRunReport,
  events: RunEvent[],
  tasks: GenTask[],
): string | null {
  for (const entry of report.tasks) {
    const mine = events.filter((e) => e.task === entry.id);
    const started = mine.some((e) => e.type === "task_started");
    const skipped = mine.find((e) => e.type === "skipped");
    const waited = mine.some((e) => e.type === "awaiting_approval");
    const hasChecks = tasks[Number(entry.id.slice(1))]!.skipWhenAccepted;
    const ok = (() => {
      switch (entry.action) {
        case "run":
          return entry.reason === null
            ? started
            : started || skipped?.type === "skipped" &&
                (skipped.reason === "acceptance already holds" ||
                  entry.reason.includes("up to date once"));
        case "skip":
          if (entry.reason === "outside the selection") {
            // A fresh run records the skip; a resume has recorded it already.
            return (skipped?.type === "skipped" &&
              skipped.reason === entry.reason) || mine.length === 0;
          }
          if (entry.reason?.startsWith("up to date")) {
            // Acceptance is re-checked when run: a missing flag runs it.
            return (skipped?.type === "skipped" &&
              skipped.reason === "up to date") || (started && hasChecks);
          }
          return mine.length === 0; // done earlier in the resumed run
        case "wait":
          return entry.gates.length > 0 && !entry.reason?.startsWith("waits")
            ? waited && !started
            : !started;
      }
    })();
    if (!ok) {
      return `${entry.id}: dry run said ${entry.action} (${entry.reason}), the run did ${
        mine.map((e) => e.type).join(", ") || "nothing"
      }`;
    }
  }
  return null;
}

Deno.test("dry run: predicts what the run does, over generated plans and histories", async () => {
  await fc.assert(
    fc.asyncProperty(
      genPlan.chain((tasks) =>
        fc.tuple(fc.constant(tasks as GenTask[]), genOps(tasks.length))
      ),
      async ([tasks, ops]) => {
        const files: Record<string, string> = {
          "orchestrator.yml": planYaml(tasks),
        };
        tasks.forEach((_, i) => (files[`in/T${i}.txt`] = "v1"));
        const dir = await tempProject(files);
        try {
          for (const [n, op] of ops.entries()) {
            const last = n === ops.length - 1;
            if (op.op === "approve") {
              await approve(dir, op.task === null ? null : `T${op.task}`);
            } else if (op.op === "touch") {
              await Deno.writeTextFile(join(dir, `in/T${op.task}.txt`), `${n}`);
            } else if (op.op === "unoutput") {
              await Deno.remove(join(dir, `out/T${op.task}.txt`)).catch(
                () => {},
              );
            } else if (op.op === "flag") {
              await Deno.mkdir(join(dir, "flag"), { recursive: true });
              await Deno.writeTextFile(join(dir, `flag/T${op.task}`), "");
            }
            const isRun = op.op === "run" || op.op === "resume";
            if (!isRun && !last) continue;
            const resume = op.op === "resume";
            const target = op.op === "run" ? op.task : null;
            const force = op.op === "run" && op.force;
            const runs = await listRuns(dir);
            if (resume && runs.length === 0) continue;
            const loaded = await loadPlan(join(dir, "orchestrator.yml"));
            assert.ok(loaded.ok);
            // Reasons as `--dry-run --json` words them.
            const report = wordedDryRun(
              await dryRun({
                loaded: loaded.value,
                target: target === null ? undefined : `T${target}`,
                resume,
                force,
              }),
            );
            const before = resume
              ? (await eventsOf(dir, runs.at(-1)!)).length
              : 0;
            await execute(dir, target, resume, force);
            const after = await listRuns(dir);
            const events = (await eventsOf(dir, after.at(-1)!)).slice(before);
            const nothingToResume = resume && events.length === 0;
            if (nothingToResume) continue;
            const problem = agrees(report, events, tasks);
            assert.equal(
              problem,
              null,
              `${problem}\nplan:\n${planYaml(tasks)}\nops: ${
                JSON.stringify(ops.slice(0, n + 1))
              }`,
            );
          }
        } finally {
          await Deno.remove(dir, { recursive: true });
        }
      },
    ),
    { numRuns: 80 },
  );
});

Deno.test("dry run: a task with inputs and skip_when_accepted behind one that runs names both ways it may be skipped, as the run finds", async () => {
  const dir = await tempProject({
    "src/a": "x\n",
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: a
    inputs: ["src/**"]
    outputs: ["out/a"]
    commands: { a: "mkdir -p out && touch out/a" }
  - id: B
    title: b
    dependencies: [A]
    inputs: ["src/**"]
    skip_when_accepted: true
    acceptance: ["File exists: flag/b"]
    commands: { b: "mkdir -p flag && touch flag/b" }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.remove(join(dir, "out"), { recursive: true }); // A runs again.
  const dry = await cli(["run", "--dry-run", "--json"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  const b = (JSON.parse(dry.stdout) as WordedDryRunReport).tasks.find((t) =>
    t.id === "B"
  )!;
  const run = await cli(["run"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /\[B\] skipped: up to date/);
  assert.equal(b.action, "run");
  assert.equal(
    b.reason,
    "runs unless it is up to date once its dependencies have run, or its acceptance already holds (checked when run)",
  );
});

Deno.test("dry run: a task with inputs behind one that runs says it may turn out up to date, as the run finds", async () => {
  const dir = await tempProject({
    "src/a": "x\n",
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: a
    inputs: ["src/**"]
    outputs: ["out/a"]
    commands: { a: "mkdir -p out && touch out/a" }
  - id: B
    title: b
    dependencies: [A]
    inputs: ["src/**"]
    commands: { b: "echo b" }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.remove(join(dir, "out"), { recursive: true }); // A runs again.
  const dry = await cli(["run", "--dry-run", "--json"], { cwd: dir });
  assert.equal(dry.code, 0, dry.stderr);
  const b = (JSON.parse(dry.stdout) as WordedDryRunReport).tasks.find((t) =>
    t.id === "B"
  )!;
  const run = await cli(["run"], { cwd: dir });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /\[B\] skipped: up to date/);
  assert.equal(b.action, "run");
  assert.match(
    b.reason ?? "",
    /unless it is up to date once its dependencies have run/,
  );
});

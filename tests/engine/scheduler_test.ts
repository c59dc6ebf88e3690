import assert from "node:assert/strict";
import { schedule, type ScheduleOptions } from "../../src/engine/scheduler.ts";
import { definitionHashes } from "../../src/engine/fingerprint.ts";
import { projectWorkspaces } from "../../src/engine/workspace.ts";
import type {
  ProcessRunner,
  RunRequest,
  RunResult,
} from "../../src/exec/runner.ts";
import type { NewEvent } from "../../src/events/types.ts";
import { normalizePlan } from "../../src/plan/normalize.ts";
import type { PlanFile } from "../../src/plan/schema.ts";

/** A scripted runner: `exit N` fails with N, `wait` parks until released; tracks concurrency. */
class FakeRunner implements ProcessRunner {
  running = 0;
  maxRunning = 0;
  started: string[] = [];
  #parked: (() => void)[] = [];

  async run(request: RunRequest): Promise<RunResult> {
    this.started.push(request.command);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    await new Promise<void>((resolve) => this.#parked.push(resolve));
    this.running--;
    const exit = /^exit (\d+)$/.exec(request.command);
    const status = exit ? Number(exit[1]) : 0;
    return {
      status,
      signal: null,
      durationMs: 1,
      timedOut: false,
      aborted: false,
      wroteOutput: false,
    };
  }

  /** Lets every parked command finish. */
  releaseAll(): void {
    const parked = this.#parked.splice(0);
    for (const resolve of parked) resolve();
  }

  killAll(): void {}
}

function plan(
  tasks: PlanFile["tasks"],
  strategy: "conservative" | "keep_going" = "conservative",
) {
  return normalizePlan(
    { version: 1, orchestrator: { strategy }, tasks },
    [],
    "test",
  );
}

async function drive(
  options: Partial<ScheduleOptions> & { plan: ScheduleOptions["plan"] },
  runner: FakeRunner,
) {
  const events: NewEvent[] = [];
  const p = options.plan;
  const pump = setInterval(() => runner.releaseAll(), 1);
  try {
    const result = await schedule({
      toRun: new Set(p.tasks.map((t) => t.id)),
      done: new Map(),
      concurrency: 2,
      strategy: p.orchestrator.strategy,
      force: false,
      definitionHashes: definitionHashes(p),
      previousFingerprints: new Map(),
      gates: () => [],
      workspaces: projectWorkspaces(Deno.cwd(), "test", runner),
      context: {
        runId: "test",
        artifacts: "/nonexistent",
        artifactsRelative: ".codex/runs/test",
        emit: (e) => events.push(e),
        interrupt: new AbortController().signal,
        sleep: () => Promise.resolve(),
      },
      ...options,
    });
    return { result, events };
  } finally {
    clearInterval(pump);
  }
}

Deno.test("schedule: never more than N commands at once, and all of them run", async () => {
  const tasks = Array.from(
    { length: 12 },
    (_, i) => ({ id: `T${i}`, title: `t${i}`, commands: { x: `t${i}` } }),
  );
  for (const n of [1, 2, 3]) {
    const runner = new FakeRunner();
    const { result } = await drive(
      { plan: plan(tasks), concurrency: n },
      runner,
    );
    assert.deepEqual(result.failed, []);
    assert.equal(runner.started.length, 12);
    assert.equal(runner.maxRunning, n);
  }
});

Deno.test("schedule: dependencies finish before dependents start; ties go by plan order", async () => {
  const runner = new FakeRunner();
  const p = plan([
    { id: "D", title: "d", dependencies: ["B", "C"], commands: { x: "D" } },
    { id: "C", title: "c", dependencies: ["A"], commands: { x: "C" } },
    { id: "B", title: "b", dependencies: ["A"], commands: { x: "B" } },
    { id: "A", title: "a", commands: { x: "A" } },
  ]);
  await drive({ plan: p, concurrency: 1 }, runner);
  assert.deepEqual(runner.started, ["A", "C", "B", "D"]);
});

Deno.test("schedule: keep_going runs independent work after a failure; conservative does not start it", async () => {
  const tasks = [
    { id: "F", title: "f", commands: { x: "exit 2" } },
    { id: "G", title: "g", dependencies: ["F"], commands: { x: "G" } },
    { id: "H", title: "h", commands: { x: "H" } },
  ];
  const keep = new FakeRunner();
  const k = await drive(
    { plan: plan(tasks, "keep_going"), concurrency: 1 },
    keep,
  );
  assert.deepEqual(keep.started, ["exit 2", "H"]);
  assert.deepEqual(k.result.blocked, ["G"]);
  const stop = new FakeRunner();
  const c = await drive(
    { plan: plan(tasks, "conservative"), concurrency: 1 },
    stop,
  );
  assert.deepEqual(stop.started, ["exit 2"]);
  assert.deepEqual(c.result.notStarted, ["H"]);
  const types = c.events.map((e) => `${e.type} ${e.task}`);
  assert.deepEqual(types, [
    "task_started F",
    "command_run F",
    "task_failed F",
    "task_blocked G",
  ]);
});

Deno.test("schedule: tasks already done are not run again and release their dependents", async () => {
  const runner = new FakeRunner();
  const p = plan([
    { id: "A", title: "a", commands: { x: "A" } },
    { id: "B", title: "b", dependencies: ["A"], commands: { x: "B" } },
  ]);
  await drive(
    { plan: p, toRun: new Set(["B"]), done: new Map([["A", null]]) },
    runner,
  );
  assert.deepEqual(runner.started, ["B"]);
});

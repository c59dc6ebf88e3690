import assert from "node:assert/strict";
import { schedule } from "../../src/engine/scheduler.ts";
import { definitionHashes, fingerprint } from "../../src/engine/fingerprint.ts";
import { projectWorkspaces } from "../../src/engine/workspace.ts";
import type {
  ProcessRunner,
  RunRequest,
  RunResult,
} from "../../src/exec/runner.ts";
import type { NewEvent } from "../../src/events/types.ts";
import { normalizePlan } from "../../src/plan/normalize.ts";

/** Records, in order, each `warm()` and each command run. */
class WarmRunner implements ProcessRunner {
  calls: string[] = [];
  run(request: RunRequest): Promise<RunResult> {
    this.calls.push(`run ${request.command}`);
    return Promise.resolve({
      status: 0,
      signal: null,
      durationMs: 1,
      timedOut: false,
      aborted: false,
      wroteOutput: false,
    });
  }
  warm(): void {
    this.calls.push("warm");
  }
  killAll(): void {}
}

/** Three tasks reading in/<id> and writing out/<id>, all up to date. */
async function upToDate() {
  const root = await Deno.makeTempDir();
  const plan = normalizePlan(
    {
      version: 1,
      tasks: ["a", "b", "c"].map((id) => ({
        id,
        title: id,
        inputs: [`in/${id}`],
        outputs: [`out/${id}`],
        commands: { copy: `cp in/${id} out/${id}` },
      })),
    },
    [],
    "test",
  );
  await Deno.mkdir(`${root}/in`);
  await Deno.mkdir(`${root}/out`);
  for (const id of ["a", "b", "c"]) {
    await Deno.writeTextFile(`${root}/in/${id}`, id);
    await Deno.writeTextFile(`${root}/out/${id}`, id);
  }
  const hashes = definitionHashes(plan);
  const previous = new Map<string, string>();
  for (const task of plan.tasks) {
    previous.set(
      task.id,
      (await fingerprint(root, task, hashes[task.id]!, []))!,
    );
  }
  return { root, plan, hashes, previous };
}

async function drive(
  project: Awaited<ReturnType<typeof upToDate>>,
  runner: WarmRunner,
) {
  const events: NewEvent[] = [];
  await schedule({
    plan: project.plan,
    toRun: new Set(project.plan.tasks.map((t) => t.id)),
    done: new Map(),
    concurrency: 2,
    strategy: "conservative",
    force: false,
    definitionHashes: project.hashes,
    previousFingerprints: project.previous,
    gates: () => [],
    workspaces: projectWorkspaces(project.root, "test", runner),
    context: {
      runId: "test",
      artifacts: `${project.root}/artifacts`,
      artifactsRelative: "artifacts",
      emit: (e) => events.push(e),
      interrupt: new AbortController().signal,
      sleep: () => Promise.resolve(),
    },
    emitAll: (batch) => events.push(...batch),
  });
  return events;
}

Deno.test("schedule: a no-op never warms the runner", async () => {
  const project = await upToDate();
  try {
    const runner = new WarmRunner();
    const events = await drive(project, runner);
    assert.deepEqual(runner.calls, []);
    assert.equal(events.filter((e) => e.type === "skipped").length, 3);
  } finally {
    await Deno.remove(project.root, { recursive: true });
  }
});

Deno.test("schedule: the first task that runs warms the runner once, before its command", async () => {
  const project = await upToDate();
  try {
    await Deno.writeTextFile(`${project.root}/in/b`, "changed");
    await Deno.writeTextFile(`${project.root}/in/c`, "changed");
    const runner = new WarmRunner();
    const events = await drive(project, runner);
    // b and c run side by side (concurrency 2): either may go first.
    assert.equal(runner.calls[0], "warm");
    assert.deepEqual(runner.calls.slice(1).sort(), [
      "run cp in/b out/b",
      "run cp in/c out/c",
    ]);
    assert.deepEqual(
      events.filter((e) => e.type === "task_completed").map((e) => e.task)
        .sort(),
      ["b", "c"],
    );
  } finally {
    await Deno.remove(project.root, { recursive: true });
  }
});

/**
 * A bug in the run loop (an exception the engine did not expect) ends the
 * run with exit 70, one `error: internal error: …` line and a `completed`
 * event with outcome `error`; no task is marked failed by it. A fault (the
 * runner's `OutputError`) still fails its task with reason `error`.
 * Driven by an injected runner: orchestrate has no bug to provoke on purpose.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { executeRun } from "../../src/engine/run.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { OutputError } from "../../src/exec/output_file.ts";
import type {
  ProcessRunner,
  RunRequest,
  RunResult,
} from "../../src/exec/runner.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "./_events.ts";

const PLAN = `version: 1
orchestrator: { concurrency: 1 }
tasks:
  - { id: A, title: fine, commands: { x: "touch a" } }
  - { id: B, title: meets the bug, dependencies: [A], commands: { x: "touch b" } }
  - { id: C, title: after it, dependencies: [B], commands: { x: "touch c" } }
`;

/** The real runner, except that B's command throws `error`. */
function throwingRunner(error: Error): ProcessRunner {
  const real = new DenoRunner();
  return {
    run(request: RunRequest): Promise<RunResult> {
      if (request.command === "touch b") return Promise.reject(error);
      return real.run(request);
    },
    killAll: (signal) => real.killAll(signal),
  };
}

async function runWith(dir: string, runner: ProcessRunner) {
  const loaded = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(loaded.ok);
  const warnings: string[] = [];
  const code = await executeRun({
    loaded: loaded.value,
    resume: false,
    force: false,
    noBuild: true,
    runner,
    observers: [],
    interrupt: new AbortController().signal,
    toolVersion: "test",
    warn: (m) => warnings.push(m),
  });
  return { code, warnings };
}

for (
  const bug of [
    new TypeError("Cannot read properties of undefined (reading 'status')"),
    new RangeError("Invalid array length"),
  ]
) {
  Deno.test(`run: a ${bug.name} in the run loop is exit 70 with one line and outcome error, not a failed task`, async () => {
    const dir = await tempProject({ "orchestrator.yml": PLAN });
    const { code, warnings } = await runWith(dir, throwingRunner(bug));
    assert.equal(code, 70);
    assert.deepEqual(warnings, [
      `error: internal error: ${bug.name}: ${bug.message}`,
    ]);
    const events = await latestEvents(dir);
    assert.equal(events.filter((e) => e.type === "task_failed").length, 0);
    assert.equal(events.filter((e) => e.type === "task_blocked").length, 0);
    const end = events.at(-1)!;
    assert.ok(end.type === "completed", JSON.stringify(end));
    assert.equal(end.outcome, "error");
    assert.equal(end.counts.completed, 1);

    // The lock is released and the run stands as not completed; resume finishes it.
    const status = await cli(["status"], { cwd: dir });
    assert.equal(status.code, 1, status.stderr);
    const resumed = await cli(["run", "--resume"], { cwd: dir });
    assert.equal(resumed.code, 0, resumed.stderr + resumed.stdout);
    for (const file of ["a", "b", "c"]) await Deno.stat(join(dir, file));
  });
}

Deno.test("run: a fault of the runner (OutputError) still fails its task with reason error, and the run goes on to exit 1", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const fault = new OutputError("No space left on device (os error 28)");
  const { code, warnings } = await runWith(dir, throwingRunner(fault));
  assert.equal(code, 1);
  assert.deepEqual(warnings, []);
  const events = await latestEvents(dir);
  const failed = events.find((e) => e.type === "task_failed");
  assert.ok(failed?.type === "task_failed" && failed.task === "B");
  assert.equal(failed.reason, "error");
  assert.match(failed.detail, /OutputError: No space left/);
  const blocked = events.find((e) => e.type === "task_blocked");
  assert.ok(blocked?.type === "task_blocked" && blocked.task === "C");
  const end = events.at(-1)!;
  assert.ok(end.type === "completed" && end.outcome === "failed");
});

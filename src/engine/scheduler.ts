/**
 * The DAG scheduler: starts tasks whose dependencies are done, at most N at
 * once, ties broken by plan order; marks tasks downstream of a failure
 * blocked; stops after the first failure under the conservative strategy.
 * @module
 */

import { MinHeap } from "../graph/topo.ts";
import type { Plan, Task } from "../plan/ir.ts";
import type { NewEvent } from "../events/types.ts";
import { evaluateCheck } from "./acceptance.ts";
import { fingerprint } from "./fingerprint.ts";
import { gatesOf, pendingGates } from "./gates.ts";
import { logFileName, runTask, type TaskContext } from "./task_runner.ts";
import { join } from "node:path";

/** What the scheduler needs besides the task context. */
export interface ScheduleOptions {
  plan: Plan;
  /** Ids to run (a selection closed under dependencies). */
  toRun: ReadonlySet<string>;
  /** Ids already done before this schedule (completed or skipped earlier in the run). */
  done: ReadonlyMap<string, string | null>;
  concurrency: number;
  strategy: "conservative" | "keep_going";
  force: boolean;
  /** Definition hashes (see `definitionHashes`). */
  definitionHashes: Record<string, string>;
  /** Fingerprint of each task's last completed run, from earlier runs. */
  previousFingerprints: ReadonlyMap<string, string>;
  approvals: ReadonlySet<string>;
  context: Omit<TaskContext, "approvedGates">;
}

/** How the schedule ended. */
export interface ScheduleResult {
  failed: string[];
  blocked: string[];
  paused: string[];
  /** Selected tasks never started (conservative stop, interrupt, gates upstream). */
  notStarted: string[];
}

type Done = "completed" | "skipped";
type Settled = Done | "failed" | "blocked" | "paused";

/**
 * Runs the selected tasks of the plan to the end of the DAG.
 */
export async function schedule(
  options: ScheduleOptions,
): Promise<ScheduleResult> {
  const { plan, toRun, context } = options;
  const emit = (event: NewEvent) => context.emit(event);
  const index = new Map(plan.tasks.map((t, i) => [t.id, i]));
  const tasks = plan.tasks;
  const settled = new Map<string, Settled>();
  const fingerprints = new Map<string, string | null>(options.done);
  for (const id of options.done.keys()) settled.set(id, "completed");

  const dependents = new Map<string, string[]>();
  const waiting = new Map<string, number>();
  for (const task of tasks) {
    if (!toRun.has(task.id)) continue;
    let count = 0;
    for (const dep of new Set(task.dependencies)) {
      if (settled.has(dep)) continue;
      count++;
      if (!dependents.has(dep)) dependents.set(dep, []);
      dependents.get(dep)!.push(task.id);
    }
    waiting.set(task.id, count);
  }
  const ready = new MinHeap();
  for (const [id, count] of waiting) {
    if (count === 0) ready.push(index.get(id)!);
  }

  const result: ScheduleResult = {
    failed: [],
    blocked: [],
    paused: [],
    notStarted: [],
  };
  let stopped = false;
  const running = new Map<string, Promise<void>>();

  const block = (root: string) => {
    const stack = [...(dependents.get(root) ?? [])];
    const newlyBlocked: string[] = [];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (settled.has(id)) continue;
      settled.set(id, "blocked");
      newlyBlocked.push(id);
      stack.push(...(dependents.get(id) ?? []));
    }
    newlyBlocked.sort((a, b) => index.get(a)! - index.get(b)!);
    for (const id of newlyBlocked) {
      result.blocked.push(id);
      emit({
        type: "task_blocked",
        task: id,
        shard: null,
        reason: `dependency ${root} failed`,
        by: root,
      });
    }
  };

  const finish = (id: string, outcome: Settled, print: string | null) => {
    settled.set(id, outcome);
    if (outcome === "completed" || outcome === "skipped") {
      fingerprints.set(id, print);
      for (const next of dependents.get(id) ?? []) {
        const left = waiting.get(next)! - 1;
        waiting.set(next, left);
        if (left === 0 && !settled.has(next)) ready.push(index.get(next)!);
      }
    } else if (outcome === "failed") {
      result.failed.push(id);
      // An interrupted task did not fail on its own: its dependents stay pending for resume.
      if (!context.interrupt.aborted) block(id);
      if (options.strategy === "conservative") stopped = true;
    } else if (outcome === "paused") {
      result.paused.push(id);
    }
  };

  const start = async (task: Task) => {
    const gates = pendingGates(gatesOf(plan, task), task.id, options.approvals);
    if (gates.length > 0) {
      emit({ type: "awaiting_approval", task: task.id, shard: null, gates });
      return finish(task.id, "paused", null);
    }
    const depPrints = task.dependencies.map((d) => fingerprints.get(d) ?? null);
    const defHash = options.definitionHashes[task.id]!;
    // Without inputs a task has no fingerprint: skip the (async) computation.
    const print = () =>
      task.inputs.length === 0
        ? null
        : fingerprint(context.root, task, defHash, depPrints);
    if (!options.force) {
      const before = await print();
      const upToDate = before !== null &&
        before === options.previousFingerprints.get(task.id);
      const worthChecking = upToDate ||
        (task.skip_when_accepted && task.acceptance.length > 0);
      if (worthChecking && await acceptanceHolds(task, context)) {
        emit({
          type: "skipped",
          task: task.id,
          shard: null,
          reason: upToDate ? "up to date" : "acceptance already holds",
          fingerprint: before,
        });
        return finish(task.id, "skipped", before);
      }
    }
    const approvedGates = new Set(gatesOf(plan, task));
    const outcome = await runTask(task, { ...context, approvedGates });
    if (outcome.ok) {
      const after = await print();
      emit({
        type: "task_completed",
        task: task.id,
        shard: null,
        duration_ms: outcome.durationMs,
        fingerprint: after,
      });
      return finish(task.id, "completed", after);
    }
    emit({
      type: "task_failed",
      task: task.id,
      shard: null,
      duration_ms: outcome.durationMs,
      reason: outcome.reason,
      detail: outcome.detail,
    });
    finish(task.id, "failed", null);
  };

  for (;;) {
    while (
      !stopped && !context.interrupt.aborted &&
      running.size < options.concurrency && ready.size > 0
    ) {
      const task = tasks[ready.pop()]!;
      if (settled.has(task.id)) continue;
      const promise = start(task).finally(() => running.delete(task.id));
      running.set(task.id, promise);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const id of toRun) if (!settled.has(id)) result.notStarted.push(id);
  return result;
}

async function acceptanceHolds(
  task: Task,
  context: ScheduleOptions["context"],
): Promise<boolean> {
  if (task.acceptance.some((c) => c.kind === "manual")) return false;
  for (const [i, check] of task.acceptance.entries()) {
    const file = logFileName(`${task.id}.precheck${i + 1}`);
    const outcome = await evaluateCheck(check, {
      root: context.root,
      runner: context.runner,
      searchPaths: task.paths.preferred,
      output: {
        absolute: join(context.artifacts, file),
        relative: `${context.artifactsRelative}/${file}`,
      },
      signal: context.interrupt,
    });
    if (!outcome.passed) return false;
  }
  return true;
}

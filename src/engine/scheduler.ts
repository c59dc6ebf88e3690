/**
 * The DAG scheduler: starts tasks whose dependencies are done, at most N at
 * once, ties broken by plan order; marks tasks downstream of a failure
 * blocked; stops after the first failure under the conservative strategy.
 * What each ready task does, and that a task downstream of a failure is
 * blocked, is `decideTask`'s call on facts from `gatherTaskFacts` (the dry
 * run asks the same two functions); the scheduler only acts.
 * @module
 */

import { InternalError } from "../fault.ts";
import { MinHeap } from "../graph/topo.ts";
import type { Plan, Task } from "../plan/ir.ts";
import { realTimers } from "../output/timers.ts";
import { blockedReason, type NewEvent } from "../events/types.ts";
import type { PatchState } from "../events/fold.ts";
import { decideTask, type GateStatus } from "./decide.ts";
import { fingerprint } from "./fingerprint.ts";
import { gatherTaskFacts, type Upstream } from "./task_facts.ts";
import { loadSteps, runTask, type TaskContext } from "./task_runner.ts";
import type { TaskWorkspace, WorkspaceProvider } from "./workspace.ts";
import type { ProcessRunner, RunRequest } from "../exec/runner.ts";
import { nextTurn } from "./next_turn.ts";

/** What the scheduler needs besides the task context. */
export interface ScheduleOptions {
  plan: Plan;
  /** Ids to run (a selection closed under dependencies, less what is done). */
  toRun: ReadonlySet<string>;
  /** Ids already done before this schedule, with their fingerprints. */
  done: ReadonlyMap<string, string | null>;
  concurrency: number;
  strategy: "conservative" | "keep_going";
  force: boolean;
  /** Definition hashes (see `definitionHashes`). */
  definitionHashes: Readonly<Record<string, string>>;
  /** Fingerprint of each task's last completed run, from earlier runs. */
  previousFingerprints: ReadonlyMap<string, string>;
  /**
   * The status of each gate of a task. Asked when a task is ready, and again
   * for paused tasks while the run goes on, so an approval given during the
   * run lets the task start.
   */
  gates: (task: Task) => GateStatus[] | Promise<GateStatus[]>;
  workspaces: WorkspaceProvider;
  context: TaskContext;
  /**
   * An agent task's patch validated earlier in this run for its current
   * definition and not applied yet: the task resumes from it.
   */
  agentPatch?: (task: Task) => PatchState | null;
  /**
   * Called once when starting or finishing a task throws (the log cannot be
   * written, a bug): the caller stops the running commands. The schedule
   * then waits for them and rethrows the error.
   */
  onError?: (error: unknown) => void;
  /**
   * Writes several events in one append. The skips of up-to-date tasks are
   * gathered and written so, before any other event of the run (and so
   * before anything is spawned, which a `task_started` precedes), before a
   * task's pre-check, and when the schedule ends. Without it, each skip is
   * emitted alone.
   */
  emitAll?: (events: NewEvent[]) => void;
}

/** How the schedule ended. */
export interface ScheduleResult {
  failed: string[];
  blocked: string[];
  paused: string[];
  /** Selected tasks never started (conservative stop, interrupt, gates upstream). */
  notStarted: string[];
}

type Settled = "completed" | "skipped" | "failed" | "blocked" | "paused";

/** How long decided skips may wait for more to be written with them. */
const SKIP_FLUSH_MS = 15;

/**
 * How long the schedule waits on its running tasks, with tasks ready for
 * the next free slot, before it asks their runner to start spares of
 * their first commands (see `ProcessRunner.prepare`), and again as long
 * as the runner says it is too early.
 */
const SPARES_AFTER_MS = 10;

/**
 * How long the schedule may decide tasks without a turn of the event loop
 * (see `next_turn.ts`): a run of up-to-date tasks would otherwise hold
 * back the I/O of the one task that runs (its changed input's hash, its
 * runner's modules, the sandbox's probe) until every skip is decided.
 */
const TURN_MS = 2;

/** Settled tasks between two reads of the clock while skipping (a skip takes ~35 µs). */
const CLOCK_EVERY = 8;

/** The signal of a request made only to start a spare (never aborted: it runs nothing). */
const NEVER = new AbortController().signal;

/**
 * Runs the selected tasks of the plan to the end of the DAG.
 */
export async function schedule(
  options: ScheduleOptions,
): Promise<ScheduleResult> {
  const { plan, toRun } = options;
  /** Skips not written yet: written before anything else happens. */
  const skips: NewEvent[] = [];
  let idle: unknown;
  const flushSkips = () => {
    if (idle !== undefined) realTimers.clearTimeout(idle);
    idle = undefined;
    if (skips.length === 0) return;
    const batch = skips.splice(0);
    if (options.emitAll) options.emitAll(batch);
    else batch.forEach((e) => options.context.emit(e));
  };
  // Every event of the run (the tasks' own too) goes after the skips before it.
  const context: TaskContext = {
    ...options.context,
    emit: (event) => {
      flushSkips();
      options.context.emit(event);
    },
  };
  const emit = (event: NewEvent) => context.emit(event);
  const skip = (event: NewEvent) => {
    if (!options.emitAll) return emit(event);
    skips.push(event);
    // Written too once the run waits on something (a running command):
    // skips decided between two commands are not held back while one runs.
    // Not at the next turn of the event loop: every file read of the next
    // fingerprint is one, and a no-op would write a batch per task.
    // The web timer: the global setTimeout loads Node's timers (~13 ms) on first use.
    idle ??= realTimers.setTimeout(() => {
      try {
        flushSkips();
      } catch (error) {
        fail(error);
      }
    }, SKIP_FLUSH_MS);
  };
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
  let failure: { error: unknown } | null = null;
  const running = new Map<string, Promise<void>>();
  /** Paused at a gate; asked again when something settles. */
  const paused = new Set<string>();

  /** The failed task at the root of each blocked task's block. */
  const blockedBy = new Map<string, string>();
  /**
   * Asks `decideTask` about each task downstream of a failure (it decides
   * `blocked`, by the failure) and records the blocks in plan order. One
   * failure's blocks at a time, so two never claim the same task.
   */
  let blocking: Promise<void> = Promise.resolve();
  const root = options.workspaces.root;
  const block = (failed: string) =>
    blocking = blocking.then(async () => {
      const stack = [...(dependents.get(failed) ?? [])];
      const newlyBlocked: string[] = [];
      while (stack.length > 0) {
        const id = stack.pop()!;
        if (settled.has(id)) continue;
        const task = tasks[index.get(id)!]!;
        const decision = decideTask(await factsOf(task, root));
        if (decision.action !== "blocked") {
          throw new InternalError(
            `task ${id} after a failure decided ${decision.action}`,
          );
        }
        settled.set(id, "blocked");
        blockedBy.set(id, decision.by);
        newlyBlocked.push(id);
        stack.push(...(dependents.get(id) ?? []));
      }
      newlyBlocked.sort((a, b) => index.get(a)! - index.get(b)!);
      for (const id of newlyBlocked) {
        result.blocked.push(id);
        const by = blockedBy.get(id)!;
        emit({
          type: "task_blocked",
          task: id,
          shard: null,
          reason: blockedReason(by),
          by,
        });
      }
    });

  const finish = async (id: string, outcome: Settled, print: string | null) => {
    settled.set(id, outcome);
    workspaces.delete(id);
    if (outcome === "completed" || outcome === "skipped") {
      fingerprints.set(id, print);
      for (const next of dependents.get(id) ?? []) {
        const left = waiting.get(next)! - 1;
        waiting.set(next, left);
        if (left === 0 && !settled.has(next)) ready.push(index.get(next)!);
      }
    } else if (outcome === "failed") {
      result.failed.push(id);
      if (options.strategy === "conservative") stopped = true;
      // An interrupted task did not fail on its own: its dependents stay pending for resume.
      if (!context.interrupt.aborted) await block(id);
    } else if (outcome === "paused") {
      paused.add(id);
    }
  };

  /** What the scheduler knows about a task, as a dependency of another. */
  const upstream = (id: string): Upstream => {
    const outcome = settled.get(id);
    if (outcome === "completed" || outcome === "skipped") {
      return { state: "done", fingerprint: fingerprints.get(id) ?? null };
    }
    if (outcome === "failed") return { state: "failed" };
    if (outcome === "blocked") {
      return { state: "blocked", by: blockedBy.get(id)! };
    }
    if (outcome === "paused") return { state: "waits" };
    return { state: "pending" };
  };
  const factsOf = (task: Task, root: string) =>
    gatherTaskFacts(task, {
      root,
      definitionHash: options.definitionHashes[task.id]!,
      selected: true,
      doneEarlier: false,
      force: options.force,
      previousFingerprint: options.previousFingerprints.get(task.id) ?? null,
      upstream,
      gates: () => options.gates(task),
    });

  /** When each task in flight started. */
  const startedAt = new Map<string, number>();
  /** When the schedule last gave the event loop a turn. */
  let turned = performance.now();
  /** The clock as last read: skips read it every few, not each (1,000 reads a no-op). */
  let clock = turned;
  let unread = 0;
  /**
   * After a task settled without I/O: a turn of the loop when one is due
   * and a task in flight has waited that long (its I/O may be held back).
   * A no-op's skips alone never wait on anything: no turn.
   */
  const turnWhenDue = async () => {
    if (++unread < CLOCK_EVERY) return;
    unread = 0;
    const now = clock = performance.now();
    if (now - turned < TURN_MS) return;
    for (const since of startedAt.values()) {
      if (now - since < TURN_MS) continue;
      await nextTurn();
      turned = clock = performance.now();
      return;
    }
  };
  let warmed = false;
  const start = async (task: Task) => {
    // Its workspace is made once it runs: a skip needs only the root.
    const facts = await factsOf(task, root);
    const { gates, fingerprint: before } = facts;
    const depPrints = task.dependencies.map((d) => fingerprints.get(d) ?? null);
    // Without inputs a task has no fingerprint: skip the (async) computation.
    const print = () =>
      task.inputs.length === 0 ? Promise.resolve(null) : fingerprint(
        root,
        task,
        options.definitionHashes[task.id]!,
        depPrints,
      );
    const decision = decideTask(facts);
    if (decision.action === "wait") {
      if (!paused.has(task.id)) {
        emit({
          type: "awaiting_approval",
          task: task.id,
          shard: null,
          gates: decision.gates.map((g) => g.gate),
          stale: decision.gates.filter((g) => g.status === "stale").map((g) =>
            g.gate
          ),
          ...waitingPatchOf(task),
        });
      }
      return finish(task.id, "paused", null);
    }
    if (decision.action !== "run") {
      throw new InternalError(
        `ready task ${task.id} decided ${decision.action}`,
      );
    }
    paused.delete(task.id);
    if (decision.precheck === "up to date" && task.acceptance.length === 0) {
      // Up to date with no check to re-run: nothing is spawned, so nothing to
      // refuse, audit or time; the skip is the whole of it.
      skip({
        type: "skipped",
        task: task.id,
        shard: null,
        reason: "up to date",
        fingerprint: before,
      });
      await finish(task.id, "skipped", before);
      return await turnWhenDue();
    }
    const workspace = workspaceOf(task);
    if (!warmed) {
      // The first task that runs: its runner loads beside its steps.
      warmed = true;
      loadSteps();
      workspace.runner.warm?.();
    }
    flushSkips(); // Its pre-check may spawn checks that read what the skipped made.
    const outcome = await runTask(
      task,
      workspace,
      context,
      {
        precheck: decision.precheck,
        approvedGates: new Set(gates.map((g) => g.gate)),
        taskHash: options.definitionHashes[task.id],
        reusePatch: task.agent ? options.agentPatch?.(task) ?? null : null,
      },
    );
    turned = clock = performance.now(); // Its command's end came with a turn.
    if (outcome.kind === "paused") {
      emit({
        type: "awaiting_approval",
        task: task.id,
        shard: null,
        gates: [outcome.gate],
        stale: [],
        patch: outcome.patch,
      });
      return finish(task.id, "paused", null);
    }
    if (outcome.kind === "skipped") {
      emit({
        type: "skipped",
        task: task.id,
        shard: null,
        reason: outcome.reason,
        fingerprint: before,
      });
      return finish(task.id, "skipped", before);
    }
    if (outcome.kind === "completed") {
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
    await finish(task.id, "failed", null);
  };

  /** The first error that stops the schedule (starting or finishing a task, writing the log). */
  function fail(error: unknown): void {
    if (failure === null) {
      failure = { error };
      stopped = true;
      options.onError?.(error);
    }
  }

  /** The patch an agent task waits with at `apply_patch`, for the event. */
  const waitingPatchOf = (task: Task) => {
    const patch = task.agent ? options.agentPatch?.(task) ?? null : null;
    if (patch === null) return {};
    const { task_hash: _, applied: __, ...summary } = patch;
    return { patch: summary };
  };

  /**
   * A task whose first action, once started, is surely spawning its first
   * command as a plain request: no agent, shards, gates, timebox (its own
   * process group), pre-check, or earlier completion (it may be up to date).
   */
  const spareable = (task: Task) =>
    task.agent === undefined && task.shards.length === 0 &&
    task.commands.length > 0 && task.commands[0]!.timeout_ms === undefined &&
    task.gates.length === 0 && task.approvals.length === 0 &&
    task.constraints.timebox_ms === undefined && !task.keep_running &&
    !task.skip_when_accepted &&
    (options.force || !options.previousFingerprints.has(task.id));
  /**
   * Each task's workspace, made once: a spare's request and the task's own
   * share its policy (computed once, and the same object for the runner).
   */
  const workspaces = new Map<string, TaskWorkspace>();
  const workspaceOf = (task: Task) => {
    let workspace = workspaces.get(task.id);
    if (workspace === undefined) {
      workspace = options.workspaces.forTask(task);
      workspaces.set(task.id, workspace);
    }
    return workspace;
  };
  const spareRunners = new Set<ProcessRunner>();
  /** The spares being started, awaited before the left ones are dropped. */
  let preparing: Promise<void> = Promise.resolve();
  /**
   * Spares of the first commands of the next tasks to start, in the order
   * they will; false when a runner asks to be asked again later.
   */
  const prepareSpares = async (): Promise<boolean> => {
    if (stopped || context.interrupt.aborted) return true;
    const next: number[] = [];
    while (ready.size > 0 && next.length < options.concurrency) {
      next.push(ready.pop());
    }
    for (const i of next) ready.push(i);
    const requests = new Map<ProcessRunner, RunRequest[]>();
    for (const i of next) {
      const task = tasks[i]!;
      if (settled.has(task.id) || running.has(task.id) || !spareable(task)) {
        continue;
      }
      let workspace: TaskWorkspace, request: RunRequest;
      try {
        workspace = workspaceOf(task);
        if (workspace.runner.prepare === undefined) continue;
        request = workspace.request(task.commands[0]!.run, {
          outputPath: "",
          signal: NEVER,
        });
      } catch {
        // No spare: the task's own start meets the problem and says it.
        continue;
      }
      if (!requests.has(workspace.runner)) requests.set(workspace.runner, []);
      requests.get(workspace.runner)!.push(request);
    }
    let done = true;
    for (const [runner, list] of requests) {
      spareRunners.add(runner);
      if (!(await runner.prepare!(list))) done = false;
    }
    return done;
  };
  /** Counts the waits below: a spare timer of an earlier wait does nothing. */
  let waits = 0;
  const armSpares = (wait: number): unknown =>
    realTimers.setTimeout(() => {
      preparing = preparing.then(async () => {
        if (wait === waits && !(await prepareSpares()) && wait === waits) {
          armSpares(wait);
        }
      }).catch(fail);
    }, SPARES_AFTER_MS);

  /** Paused tasks whose gates are granted now go back to the ready queue. */
  const recheckPaused = async () => {
    for (const id of [...paused]) {
      const gates = await options.gates(tasks[index.get(id)!]!);
      if (gates.every((g) => g.status === "granted")) {
        settled.delete(id);
        ready.push(index.get(id)!);
      }
    }
  };

  // The first tasks' launchers may need a one-off probe: started now,
  // while those tasks are being started.
  if (ready.size > 0) {
    preparing = preparing.then(prepareSpares).then(() => {}).catch(fail);
  }
  try {
    for (;;) {
      while (
        !stopped && !context.interrupt.aborted &&
        running.size < options.concurrency && ready.size > 0
      ) {
        const task = tasks[ready.pop()]!;
        if (settled.has(task.id) || running.has(task.id)) continue;
        startedAt.set(task.id, clock);
        const promise = start(task).catch(fail).finally(() => {
          running.delete(task.id);
          startedAt.delete(task.id);
        });
        running.set(task.id, promise);
      }
      if (running.size === 0) {
        if (paused.size === 0 || stopped || context.interrupt.aborted) break;
        const before = ready.size;
        await recheckPaused();
        if (ready.size === before) break;
        continue;
      }
      // Tasks wait for a slot while the running ones take a while: their
      // launchers start now, on the time spent waiting.
      const wait = ++waits;
      const spares = ready.size > 0 && !stopped ? armSpares(wait) : undefined;
      await Promise.race(running.values());
      waits++;
      if (spares !== undefined) realTimers.clearTimeout(spares);
      if (paused.size > 0 && failure === null) await recheckPaused();
    }
  } finally {
    // Spares nobody took end without running their command.
    await preparing;
    await Promise.all([...spareRunners].map((r) => r.dropSpares?.()));
  }
  if (failure !== null) {
    try {
      flushSkips();
    } catch {
      // The log failed already: the first error is the one to report.
    }
    throw (failure as { error: unknown }).error;
  }
  flushSkips();
  result.paused = tasks.filter((t) => paused.has(t.id)).map((t) => t.id);
  for (const id of toRun) if (!settled.has(id)) result.notStarted.push(id);
  return result;
}

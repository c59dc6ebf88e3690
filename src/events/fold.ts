/**
 * State is a pure fold of the events: `status`, TASKS.md, `resume` and the
 * engine's up-to-date checks all derive it here, never from a second file.
 * @module
 */

import type {
  FailureReason,
  PatchSummary,
  RunEvent,
  RunOutcome,
  TaskStateName,
} from "./types.ts";
import { OUTSIDE_SELECTION, unreachable } from "./types.ts";

/** State of one shard. */
export interface ShardState {
  id: string;
  state: TaskStateName;
  duration_ms: number | null;
  reason: string | null;
}

/** State of one task. */
export interface TaskState {
  id: string;
  state: TaskStateName;
  /** Run id of the event that set the state. */
  run: string;
  started_at: string | null;
  duration_ms: number | null;
  /** Why it failed, is blocked or was skipped. */
  reason: string | null;
  /** Failure detail (command, check) or the blocking task. */
  detail: string | null;
  failure: FailureReason | null;
  fingerprint: string | null;
  shards: Map<string, ShardState>;
  /** Output file of the last command or check, for the dashboard. */
  last_output: string | null;
  /** The gates it waits at (`awaiting_approval`), until it runs again; else empty. */
  awaiting: string[];
}

/** An agent's patch that passed its checks in the worktree. */
export interface PatchState extends PatchSummary {
  /** The task definition hash it was made for. */
  task_hash: string;
  /** Applied to the project (`patch_applied`). */
  applied: boolean;
}

/** Everything known about a run after its events. */
export interface RunState {
  run: string | null;
  plan_file: string | null;
  plan_hash: string | null;
  /** Per task id, its definition hash (a null-prototype object: any id is safe). */
  task_hashes: Record<string, string>;
  selection: string | null;
  selected: string[];
  /** How the run takes dependencies it left out (see `RunStartedEvent.partial`); null: none, or not recorded. */
  partial: "only" | "widen" | null;
  /** Started with `--force`: a resume of it stays forced. */
  force: boolean;
  started_at: string | null;
  ended_at: string | null;
  outcome: RunOutcome | null;
  resumes: number;
  /** Time the run's sessions took together (the first and every resume that ended). */
  elapsed_ms: number;
  /** Granted gates: `gate` for every task, `gate@TASK` for one. */
  approvals: Set<string>;
  /**
   * Per approval key (`gate` or `gate@TASK`), per task the grant covered,
   * the definition hashes that were approved (see {@link approvalFor}).
   */
  approved_hashes: Map<string, Map<string, Set<string>>>;
  /** Tasks in the order they first appear. */
  tasks: Map<string, TaskState>;
  /**
   * Per task, its latest validated agent patch. Kept across the task's
   * restarts: a task paused at `apply_patch` resumes with this patch
   * instead of running its agent again.
   */
  patches: Map<string, PatchState>;
  /** What the run's agents used: attempts, time, reported cost (for the run's caps). */
  agent_usage: { attempts: number; time_ms: number; cost_usd: number };
}

/** A fresh, empty state. */
export function emptyState(): RunState {
  return {
    run: null,
    plan_file: null,
    plan_hash: null,
    task_hashes: Object.create(null),
    selection: null,
    selected: [],
    partial: null,
    force: false,
    started_at: null,
    ended_at: null,
    outcome: null,
    resumes: 0,
    elapsed_ms: 0,
    approvals: new Set(),
    approved_hashes: new Map(),
    tasks: new Map(),
    patches: new Map(),
    agent_usage: { attempts: 0, time_ms: 0, cost_usd: 0 },
  };
}

/** A copy of `record` without a prototype, so ids like `__proto__` are plain keys. */
function bare(record: Record<string, string>): Record<string, string> {
  const copy: Record<string, string> = Object.create(null);
  for (const key of Object.keys(record)) copy[key] = record[key]!;
  return copy;
}

/**
 * Folds events into state. Pure: the same events always give the same state.
 *
 * @example
 * ```ts
 * import { foldEvents } from "./fold.ts";
 * const state = foldEvents([
 *   { ts: "2026-01-01T00:00:00Z", run: "r", type: "task_started", task: "A", shard: null },
 *   { ts: "2026-01-01T00:00:01Z", run: "r", type: "task_completed", task: "A", shard: null, duration_ms: 1000, fingerprint: null },
 * ]);
 * state.tasks.get("A")!.state; // "completed"
 * ```
 */
export function foldEvents(events: Iterable<RunEvent>): RunState {
  const state = emptyState();
  for (const event of events) applyEvent(state, event);
  return state;
}

function taskOf(state: RunState, id: string, run: string): TaskState {
  let task = state.tasks.get(id);
  if (!task) {
    task = {
      id,
      state: "pending",
      run,
      started_at: null,
      duration_ms: null,
      reason: null,
      detail: null,
      failure: null,
      fingerprint: null,
      shards: new Map(),
      last_output: null,
      awaiting: [],
    };
    state.tasks.set(id, task);
  }
  return task;
}

function reset(task: TaskState, run: string): void {
  task.state = "pending";
  task.run = run;
  task.started_at = null;
  task.duration_ms = null;
  task.reason = null;
  task.detail = null;
  task.failure = null;
  task.last_output = null;
  task.awaiting = [];
  task.shards.clear();
}

function shardOf(task: TaskState, id: string): ShardState {
  let shard = task.shards.get(id);
  if (!shard) {
    shard = { id, state: "pending", duration_ms: null, reason: null };
    task.shards.set(id, shard);
  }
  return shard;
}

/**
 * Applies one event to `state` in place (the engine folds its own events as
 * it writes them; `foldEvents` is the pure wrapper).
 */
export function applyEvent(state: RunState, event: RunEvent): void {
  const task = event.task === null
    ? undefined
    : taskOf(state, event.task, event.run);
  switch (event.type) {
    case "run_started":
      Object.assign(state, emptyState(), {
        run: event.run,
        plan_file: event.plan_file,
        plan_hash: event.plan_hash,
        task_hashes: bare(event.task_hashes),
        selection: event.selection,
        selected: [...event.selected],
        partial: event.partial ?? null,
        force: event.force === true,
        started_at: event.ts,
      });
      for (const id of event.selected) taskOf(state, id, event.run);
      return;
    case "plan_validated":
      return;
    case "plan_updated":
      state.plan_hash = event.plan_hash;
      state.task_hashes = bare(event.task_hashes);
      for (const id of event.removed) state.tasks.delete(id);
      for (const id of [...event.changed, ...event.added]) {
        reset(taskOf(state, id, event.run), event.run);
      }
      return;
    case "resumed":
      state.resumes++;
      state.outcome = null;
      state.ended_at = null;
      for (const id of event.rerun) {
        reset(taskOf(state, id, event.run), event.run);
      }
      return;
    case "task_started":
      reset(task!, event.run);
      task!.state = "in_progress";
      task!.started_at = event.ts;
      return;
    case "task_completed":
      task!.state = "completed";
      task!.duration_ms = event.duration_ms;
      task!.fingerprint = event.fingerprint;
      return;
    case "task_failed":
      task!.state = event.reason === "interrupted" ? "interrupted" : "failed";
      task!.duration_ms = event.duration_ms;
      task!.failure = event.reason;
      task!.reason = event.reason;
      task!.detail = event.detail;
      return;
    case "task_blocked":
      reset(task!, event.run);
      task!.state = "blocked";
      task!.reason = event.reason;
      task!.detail = event.by;
      return;
    case "skipped":
      reset(task!, event.run);
      task!.state = "skipped";
      task!.reason = event.reason;
      if (event.fingerprint !== null) task!.fingerprint = event.fingerprint;
      return;
    case "shard_started":
      shardOf(task!, event.shard!).state = "in_progress";
      return;
    case "shard_completed": {
      const shard = shardOf(task!, event.shard!);
      shard.state = "completed";
      shard.duration_ms = event.duration_ms;
      return;
    }
    case "shard_failed": {
      const shard = shardOf(task!, event.shard!);
      shard.state = event.reason === "interrupted" ? "interrupted" : "failed";
      shard.duration_ms = event.duration_ms;
      shard.reason = event.detail;
      return;
    }
    case "command_run":
      if (task) task.last_output = event.output;
      return;
    case "acceptance_passed":
      if (task && event.output) task.last_output = event.output;
      return;
    case "acceptance_failed":
      if (task && event.output) task.last_output = event.output;
      return;
    case "awaiting_approval":
      reset(task!, event.run);
      task!.reason = `awaiting approval: ${event.gates.join(", ")}`;
      task!.awaiting = [...event.gates];
      return;
    case "approval_granted": {
      const key = event.task === null
        ? event.gate
        : `${event.gate}@${event.task}`;
      state.approvals.add(key);
      let byTask = state.approved_hashes.get(key);
      if (!byTask) state.approved_hashes.set(key, byTask = new Map());
      const hashes = event.task_hashes ?? {};
      for (const id of Object.keys(hashes)) {
        let set = byTask.get(id);
        if (!set) byTask.set(id, set = new Set());
        set.add(hashes[id]!);
      }
      return;
    }
    case "patch_validated":
      state.patches.set(event.task!, {
        patch: event.patch,
        hash: event.hash,
        files: [...event.files],
        added: event.added,
        removed: event.removed,
        ...(event.changes ? { changes: [...event.changes] } : {}),
        task_hash: event.task_hash,
        applied: false,
      });
      return;
    case "patch_applying":
      // Whether it landed is the working tree's to say: the apply step
      // reconciles (`git apply --reverse --check`) when the task resumes.
      return;
    case "patch_applied": {
      const patch = state.patches.get(event.task!);
      if (patch?.hash === event.hash) patch.applied = true;
      return;
    }
    case "agent_finished":
      state.agent_usage.attempts++;
      state.agent_usage.time_ms += event.duration_ms;
      state.agent_usage.cost_usd += event.cost_usd ?? 0;
      return;
    case "agent_started":
    case "patch_proposed":
    case "agent_attempt_failed":
    case "retry_scheduled":
    case "build_started":
      return;
    case "interrupted":
      return;
    case "approval_recorded":
      return; // A record of another run's approval: it grants nothing here.
    case "completed":
      state.outcome = event.outcome;
      state.ended_at = event.ts;
      state.elapsed_ms += event.duration_ms;
      return;
    default:
      unreachable(event);
  }
}

/**
 * Counts of tasks per state.
 *
 * @example
 * ```ts
 * import { countStates, emptyState } from "./fold.ts";
 * countStates(emptyState()).completed; // 0
 * ```
 */
export function countStates(state: RunState): Record<TaskStateName, number> {
  const counts = zeroCounts();
  for (const task of state.tasks.values()) counts[task.state]++;
  return counts;
}

/**
 * Whether a task needs no more work in its run: completed, or skipped for a
 * reason other than being outside the selection. `resume`, the dry run and
 * the dashboards all use this one rule.
 *
 * @example
 * ```ts
 * import { isDoneInRun } from "./fold.ts";
 * isDoneInRun("skipped", "up to date"); // true
 * isDoneInRun("skipped", "outside the selection"); // false
 * ```
 */
export function isDoneInRun(
  state: TaskStateName,
  reason: string | null,
): boolean {
  return state === "completed" ||
    (state === "skipped" && reason !== OUTSIDE_SELECTION);
}

/** A count of zero for every state, to add to. */
export function zeroCounts(): Record<TaskStateName, number> {
  return {
    pending: 0,
    in_progress: 0,
    blocked: 0,
    failed: 0,
    interrupted: 0,
    completed: 0,
    skipped: 0,
  };
}

/** Whether a gate is approved for a task as it is defined now. */
export type ApprovalStatus = "granted" | "stale" | "missing";

/**
 * Whether `gate` is approved for task `taskId` whose definition hash is now
 * `taskHash`: `granted` when an approval (for the task, or for every task)
 * recorded that hash; `stale` when the task was approved, but for another
 * definition (its command changed since, or the approval predates recorded
 * hashes): ask again and say why; `missing` when it was never approved.
 *
 * @param state The folded run state (log and approvals journal).
 * @param gate The gate, e.g. `deploy`.
 * @param taskId The task.
 * @param taskHash Its definition hash now (see `definitionHashes`).
 * @returns granted, stale or missing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { approvalFor, foldEvents } from "./fold.ts";
 * const state = foldEvents([{
 *   ts: "t", run: "r", type: "approval_granted", task: "SHIP", shard: null,
 *   gate: "deploy", by: "ann", plan_hash: "p", task_hashes: { SHIP: "h1" },
 * }]);
 * assert.equal(approvalFor(state, "deploy", "SHIP", "h1"), "granted");
 * assert.equal(approvalFor(state, "deploy", "SHIP", "h2"), "stale");
 * assert.equal(approvalFor(state, "manual", "SHIP", "h1"), "missing");
 * ```
 */
export function approvalFor(
  state: RunState,
  gate: string,
  taskId: string,
  taskHash: string,
): ApprovalStatus {
  let covered = false;
  for (const key of [`${gate}@${taskId}`, gate]) {
    if (!state.approvals.has(key)) continue;
    const hashes = state.approved_hashes.get(key)?.get(taskId);
    if (hashes?.has(taskHash)) return "granted";
    // An approval for this one task covers it even when it recorded no hash.
    if (hashes !== undefined || key !== gate) covered = true;
  }
  return covered ? "stale" : "missing";
}

/**
 * Marks what was running when its run's process died as `interrupted`:
 * nothing will finish it but `resume`. In place, like {@link applyEvent};
 * for a run whose lock shows its process is gone.
 *
 * @param state A folded state whose run is not live.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents, markAbandoned } from "./fold.ts";
 * const state = foldEvents([
 *   { ts: "t", run: "r", type: "task_started", task: "A", shard: null },
 * ]);
 * markAbandoned(state);
 * assert.equal(state.tasks.get("A")!.state, "interrupted");
 * ```
 */
export function markAbandoned(state: RunState): void {
  for (const task of state.tasks.values()) {
    for (const shard of task.shards.values()) {
      if (shard.state === "in_progress") shard.state = "interrupted";
    }
    if (task.state !== "in_progress") continue;
    task.state = "interrupted";
    task.failure = "interrupted";
    task.reason = "interrupted";
    task.detail = "its run's process is gone";
  }
}

/**
 * The validated patch of an agent task made for its current definition,
 * applied or not; null when there is none. A task resumes from it instead
 * of running its agent again (an applied one is reconciled with the
 * working tree, never applied twice).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState, taskPatch } from "./fold.ts";
 * assert.equal(taskPatch(emptyState(), "T", "h1"), null);
 * ```
 */
export function taskPatch(
  state: RunState,
  taskId: string,
  taskHash: string,
): PatchState | null {
  const patch = state.patches.get(taskId);
  return patch !== undefined && patch.task_hash === taskHash ? patch : null;
}

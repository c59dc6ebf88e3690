/**
 * The plan joined with the folded state: one view per task (in plan order)
 * and shard, the shape every renderer of run state reads.
 * @module
 */

import { isDoneInRun, zeroCounts } from "../events/fold.ts";
import type { RunState, TaskState } from "../events/fold.ts";
import type { TaskStateName } from "../events/types.ts";
import type { Plan, Task } from "../plan/ir.ts";
import { blockedText } from "./reason_text.ts";

/** What a renderer shows of one shard. */
export interface ShardView {
  /** Task or shard id. */
  id: string;
  /** Its title in the plan. */
  title: string;
  /** Its state (`pending` when the log never named it). */
  state: TaskStateName;
  /** How long it took, when it finished. */
  duration_ms: number | null;
  /** Why it failed, or null. */
  note: string | null;
}

/** What a renderer shows of one task. */
export interface TaskView {
  /** Task or shard id. */
  id: string;
  /** Its title in the plan. */
  title: string;
  /** Its state (`pending` when the log never named it). */
  state: TaskStateName;
  /** How long it took, when it finished. */
  duration_ms: number | null;
  /** Why it failed, is blocked or was skipped, for people; null otherwise. */
  note: string | null;
  /** Run id of the event that set its state; null when the log never named it. */
  run: string | null;
  /** Output file of its last command or check (relative to the root), when it failed. */
  output: string | null;
  /** The folded state, or null when the log never named the task. */
  folded: TaskState | null;
  /** Its shards, in plan order. */
  shards: ShardView[];
}

/**
 * Joins `plan` with `state`: tasks in plan order, each with its shards in
 * plan order. Tasks and shards the state does not name are `pending`;
 * shards of a blocked or skipped task that never ran take the task's state.
 *
 * @param plan The plan (its order is the order of the views).
 * @param state The folded run state.
 * @returns One view per task of the plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { taskViews } from "./task_view.ts";
 * const plan = { tasks: [{ id: "A", title: "First", shards: [] }] } as unknown as Plan;
 * assert.equal(taskViews(plan, emptyState())[0]!.state, "pending");
 * ```
 */
export function taskViews(plan: Plan, state: RunState): TaskView[] {
  return plan.tasks.map((task) => _view(task, state.tasks.get(task.id)));
}

function _view(task: Task, folded: TaskState | undefined): TaskView {
  const state = folded?.state ?? "pending";
  const inherited = state === "blocked" || state === "skipped"
    ? state
    : "pending";
  return {
    id: task.id,
    title: task.title,
    state,
    duration_ms: folded?.duration_ms ?? null,
    note: folded ? taskNote(folded) : null,
    run: folded?.run ?? null,
    output: state === "failed" ? folded?.last_output ?? null : null,
    folded: folded ?? null,
    shards: task.shards.map((shard) => {
      const s = folded?.shards.get(shard.id);
      return {
        id: shard.id,
        title: shard.title,
        state: s?.state ?? inherited,
        duration_ms: s?.duration_ms ?? null,
        note: s?.state === "failed" && s.reason ? _oneLine(s.reason) : null,
      };
    }),
  };
}

/**
 * Why a task failed, is blocked, was skipped or waits (pending, e.g. for an
 * approval), in one line; null when there is nothing to say.
 *
 * @param task A folded task state.
 * @returns e.g. `acceptance_failed — Contains: enum AppError`, `blocked by EXC-001`, `up to date`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { taskNote } from "./task_view.ts";
 * const task = {
 *   state: "blocked",
 *   reason: "dependency EXC-001 failed",
 *   detail: "EXC-001",
 * } as const;
 * assert.equal(taskNote(task), "blocked by EXC-001");
 * ```
 */
export function taskNote(
  task: Pick<TaskState, "state" | "reason" | "detail">,
): string | null {
  switch (task.state) {
    case "failed":
      return failureText(task.reason ?? "error", task.detail);
    case "blocked":
      return blockedText(task.detail ?? "a dependency");
    case "skipped":
    case "pending":
      return task.reason ? _oneLine(task.reason) : null;
    default:
      return null;
  }
}

/**
 * A failure as one line: its reason, then its detail.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failureText } from "./task_view.ts";
 * assert.equal(
 *   failureText("acceptance_failed", "Contains: enum AppError"),
 *   "acceptance_failed — Contains: enum AppError",
 * );
 * ```
 */
export function failureText(reason: string, detail: string | null): string {
  const d = detail ? _oneLine(detail) : "";
  return d === "" ? reason : `${reason} — ${d}`;
}

/**
 * Whether nothing is left to do for a task or shard: completed, or skipped
 * for a reason other than being outside the selection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isDone } from "./task_view.ts";
 * assert.equal(isDone({ state: "skipped", note: "up to date" }), true);
 * assert.equal(isDone({ state: "skipped", note: "outside the selection" }), false);
 * ```
 */
export function isDone(view: Pick<TaskView, "state" | "note">): boolean {
  return isDoneInRun(view.state, view.note);
}

const MAX_NOTE = 200;

function _oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_NOTE ? `${line.slice(0, MAX_NOTE - 1)}…` : line;
}

/**
 * Counts views per state.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countViews } from "./task_view.ts";
 * assert.equal(countViews([{ state: "failed" }]).failed, 1);
 * ```
 */
export function countViews(
  views: readonly Pick<TaskView, "state">[],
): Record<TaskStateName, number> {
  const counts = zeroCounts();
  for (const view of views) counts[view.state]++;
  return counts;
}

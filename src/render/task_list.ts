/**
 * What `orchestrate list` prints: every task of the plan on one line — id,
 * title, state, and what it waits for (dependencies, gates, an agent) — as
 * `just --list` and `task --list` do, or the same as JSON.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { TaskStateName } from "../events/types.ts";
import type { Plan, Task } from "../plan/ir.ts";
import { safeText } from "../text/safe_text.ts";

/** One task in {@link taskListJson}. */
export interface ListedTask {
  id: string;
  title: string;
  type: Task["type"];
  /** Its state in the run looked at (`pending` when the run never named it). */
  state: TaskStateName;
  dependencies: string[];
  gates: string[];
  /** Whether an agent edits its code. */
  agent: boolean;
  /** Its shards' ids, in plan order. */
  shards: string[];
}

/**
 * The tasks of `plan` with their states in `state`, in plan order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { taskListJson } from "./task_list.ts";
 * const plan = {
 *   tasks: [{ id: "A", title: "Build", type: "chore", dependencies: [], gates: ["deploy"], shards: [] }],
 * } as unknown as Parameters<typeof taskListJson>[0];
 * assert.deepEqual(taskListJson(plan, emptyState()), [
 *   { id: "A", title: "Build", type: "chore", state: "pending", dependencies: [], gates: ["deploy"], agent: false, shards: [] },
 * ]);
 * ```
 */
export function taskListJson(plan: Plan, state: RunState): ListedTask[] {
  return plan.tasks.map((task) => ({
    id: task.id,
    title: task.title,
    type: task.type,
    state: state.tasks.get(task.id)?.state ?? "pending",
    dependencies: [...task.dependencies],
    gates: [...task.gates],
    agent: task.agent !== undefined,
    shards: task.shards.map((s) => s.id),
  }));
}

/**
 * The list as text: a heading, then one aligned line per task. Ids, titles
 * and gate names are made safe to print.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTaskList } from "./task_list.ts";
 * const text = renderTaskList([
 *   { id: "BUILD", title: "Build", type: "chore", state: "completed", dependencies: [], gates: [], agent: false, shards: [] },
 *   { id: "SHIP", title: "Ship it", type: "release", state: "pending", dependencies: ["BUILD"], gates: ["release"], agent: false, shards: [] },
 * ]);
 * assert.equal(text, [
 *   "Tasks (2):",
 *   "  BUILD  Build    completed",
 *   "  SHIP   Ship it  pending    needs BUILD · gate release",
 * ].join("\n"));
 * ```
 */
export function renderTaskList(tasks: readonly ListedTask[]): string {
  if (tasks.length === 0) return "No tasks in the plan.";
  const rows = tasks.map((t) => {
    const notes = [
      t.dependencies.length > 0
        ? `needs ${t.dependencies.map(safeText).join(", ")}`
        : "",
      t.agent ? "agent" : "",
      t.shards.length > 0
        ? `${t.shards.length} shard${t.shards.length === 1 ? "" : "s"}`
        : "",
      t.gates.length > 0
        ? `gate${t.gates.length === 1 ? "" : "s"} ${
          t.gates.map(safeText).join(", ")
        }`
        : "",
    ].filter((n) => n !== "");
    return [safeText(t.id), safeText(t.title), t.state, notes.join(" · ")];
  });
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  const lines = rows.map(([id, title, state, notes]) =>
    `  ${id!.padEnd(w0)}  ${title!.padEnd(w1)}  ${
      notes ? `${state!.padEnd(w2)}  ${notes}` : state
    }`.trimEnd()
  );
  return [`Tasks (${tasks.length}):`, ...lines].join("\n");
}

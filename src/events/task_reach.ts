/**
 * How far a merged run got to each task, for the tasks that depend on it:
 * a task no fragment ran is recorded as a local run records a task it never
 * reached (see `merge_fragments.ts`).
 * @module
 */

import type { RunState } from "./fold.ts";

/** Where a task stands for the tasks that depend on it. */
export type Reach =
  | { kind: "done" | "outside" | "pending"; ts: string }
  | { kind: "blocked"; by: string; ts: string };

/**
 * Where a task a fragment ran stands: done, blocking (by itself when it
 * failed, by its blocker when blocked), or pending (waiting, interrupted).
 *
 * @param state The state folded from the tasks' own events.
 * @param id The task (its state must be in `state`).
 * @param ts The time of its last event.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldEvents } from "./fold.ts";
 * import { ownResult } from "./task_reach.ts";
 * const state = foldEvents([{ ts: "t", run: "r", type: "task_failed", task: "B",
 *   shard: null, duration_ms: 1, reason: "command_failed", detail: "exit 1" }]);
 * assert.deepEqual(ownResult(state, "B", "t"), { kind: "blocked", by: "B", ts: "t" });
 * ```
 */
export function ownResult(state: RunState, id: string, ts: string): Reach {
  const task = state.tasks.get(id)!;
  switch (task.state) {
    case "completed":
    case "skipped":
      return { kind: "done", ts };
    case "failed":
      return { kind: "blocked", by: id, ts };
    case "blocked":
      return { kind: "blocked", by: task.detail ?? id, ts };
    default:
      return { kind: "pending", ts };
  }
}

/**
 * A task no fragment ran: blocked when a dependency failed or is blocked
 * (by the failed task at its root), pending when one did not finish or
 * when a fragment selected it, else outside the selection.
 *
 * @param deps Where each of its dependencies stands.
 * @param selected Whether a fragment selected it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unrunResult } from "./task_reach.ts";
 * const failed = { id: "B", kind: "blocked", by: "B", ts: "t2" } as const;
 * assert.deepEqual(unrunResult([failed], false), { kind: "blocked", by: "B", ts: "t2" });
 * assert.equal(unrunResult([{ id: "A", kind: "done", ts: "t1" }], false).kind, "outside");
 * ```
 */
export function unrunResult(
  deps: (Reach & { id: string })[],
  selected: boolean,
): Reach {
  const ts = deps.map((d) => d.ts).sort().at(-1) ?? "";
  const blocker = deps.find((d) => d.kind === "blocked");
  if (blocker?.kind === "blocked") {
    return { kind: "blocked", by: blocker.by, ts: blocker.ts };
  }
  if (selected || deps.some((d) => d.kind === "pending")) {
    return { kind: "pending", ts };
  }
  return { kind: "outside", ts };
}

/**
 * Approval gates: whether each gate of a task is granted for the task's
 * current definition. Which gates a task has is a fact of the IR
 * (`task.gates`, computed once in normalize).
 * @module
 */

import type { Task } from "../plan/ir.ts";
import { approvalFor, type RunState } from "../events/fold.ts";
import type { GateStatus } from "./decide.ts";

/** Why a stale approval does not count any more. */
export const STALE_APPROVAL =
  "approved for an earlier definition of the task, which has changed since";

/**
 * The status of each gate of `task` in a run, for `decideTask`: granted
 * only when an approval covers this task's definition hash.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateStatuses } from "./gates.ts";
 * import { emptyState } from "../events/fold.ts";
 * assert.deepEqual(gateStatuses({ id: "D", gates: ["deploy"] }, "h1", emptyState()), [
 *   { gate: "deploy", status: "missing" },
 * ]);
 * ```
 */
export function gateStatuses(
  task: Pick<Task, "id" | "gates">,
  taskHash: string,
  state: RunState,
): GateStatus[] {
  return task.gates.map((gate): GateStatus => {
    const status = approvalFor(state, gate, task.id, taskHash);
    return status === "stale"
      ? { gate, status, why: STALE_APPROVAL }
      : { gate, status };
  });
}

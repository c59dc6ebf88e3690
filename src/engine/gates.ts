/**
 * Approval gates: which a task must pass before it runs.
 * @module
 */

import type { Plan, Task } from "../plan/ir.ts";
import type { GateStatus } from "./decide.ts";

/** Task types whose name is also a gate when `orchestrator.approvals.required` lists it. */
const TYPE_GATES = new Set(["deploy", "release"]);

/**
 * The gates of a task: its own `approvals`, its type when the plan requires
 * that gate (`deploy`, `release`), and `manual` when it has a `Manual:` check.
 *
 * @example
 * ```ts ignore
 * gatesOf(plan, deployTask); // ["deploy"]
 * ```
 */
export function gatesOf(plan: Plan, task: Task): string[] {
  const gates = new Set(task.approvals);
  if (
    TYPE_GATES.has(task.type) &&
    plan.orchestrator.approvals.required.includes(task.type)
  ) gates.add(task.type);
  if (task.acceptance.some((c) => c.kind === "manual")) gates.add("manual");
  return [...gates];
}

/** Gates of `task` not yet granted (`gate` for all tasks, or `gate@TASK`). */
export function pendingGates(
  gates: readonly string[],
  taskId: string,
  approvals: ReadonlySet<string>,
): string[] {
  return gates.filter((g) =>
    !approvals.has(g) && !approvals.has(`${g}@${taskId}`)
  );
}

/**
 * The status of each gate of a task, for `decideTask`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateStatuses } from "./gates.ts";
 * assert.deepEqual(gateStatuses(["deploy"], "D", new Set(["deploy@D"])), [
 *   { gate: "deploy", status: "granted" },
 * ]);
 * ```
 */
export function gateStatuses(
  gates: readonly string[],
  taskId: string,
  approvals: ReadonlySet<string>,
): GateStatus[] {
  const open = new Set(pendingGates(gates, taskId, approvals));
  return gates.map((gate) => ({
    gate,
    status: open.has(gate) ? "missing" : "granted",
  }));
}

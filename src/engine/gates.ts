/**
 * Approval gates: whether each gate of a task is granted for the task's
 * current definition. Which gates a task has is a fact of the IR
 * (`task.gates`, computed once in normalize). An agent task's
 * `apply_patch` gate is bound to more than the definition: to the hash of
 * the patch that waits, so a new patch asks again.
 * @module
 */

import type { Task } from "../plan/ir.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import {
  approvalFor,
  type PatchState,
  type RunState,
  taskPatch,
} from "../events/fold.ts";
import type { GateStatus } from "./decide.ts";

/**
 * The status of each gate of `task` in a run, for `decideTask`: granted
 * only when an approval covers this task's definition hash. An agent
 * task's `apply_patch` gate counts only once its agent left a validated
 * patch (before that the agent runs; the task stops at the gate after it),
 * and is granted only for that patch (see {@link gateBinding}).
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
  task: Pick<Task, "id" | "gates" | "agent">,
  taskHash: string,
  state: RunState,
): GateStatus[] {
  const out: GateStatus[] = [];
  for (const gate of task.gates) {
    const binding = gateBinding(gate, task, taskHash, state);
    if (binding === null) continue;
    const status = approvalFor(state, gate, task.id, binding);
    out.push(
      status === "stale"
        ? {
          gate,
          status,
          why: binding === taskHash ? "definition_changed" : "other_patch",
        }
        : { gate, status },
    );
  }
  return out;
}

/**
 * What an approval of `gate` for `task` is bound to now: the task's
 * definition hash, or for an agent task's `apply_patch` the definition and
 * the waiting patch's hash (`<definition>+<patch hash>`); null when that
 * gate has nothing to approve yet (no validated patch waits).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateBinding } from "./gates.ts";
 * import { emptyState } from "../events/fold.ts";
 * const task = { id: "T", gates: ["apply_patch"], agent: { command: "a", preset: null, attempts: 2 } };
 * const state = emptyState();
 * assert.equal(gateBinding("apply_patch", task, "h1", state), null);
 * state.patches.set("T", {
 *   patch: "p", hash: "sha256:ab", files: [], added: 0, removed: 0, task_hash: "h1", applied: false,
 * });
 * assert.equal(gateBinding("apply_patch", task, "h1", state), "h1+sha256:ab");
 * ```
 */
export function gateBinding(
  gate: string,
  task: Pick<Task, "id" | "agent">,
  taskHash: string,
  state: RunState,
): string | null {
  if (gate !== APPLY_PATCH || task.agent === undefined) return taskHash;
  // An applied patch stays bound: a resume after a crash reconciles it
  // under the approval it landed with, instead of waiting for another.
  const patch = taskPatch(state, task.id, taskHash);
  return patch === null ? null : `${taskHash}+${patch.hash}`;
}

/**
 * The validated, not yet applied patch of an agent task, made for its
 * current definition; null when there is none.
 */
export function waitingPatch(
  taskId: string,
  taskHash: string,
  state: RunState,
): PatchState | null {
  const patch = state.patches.get(taskId);
  return patch !== undefined && !patch.applied && patch.task_hash === taskHash
    ? patch
    : null;
}

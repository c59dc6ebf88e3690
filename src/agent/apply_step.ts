/**
 * The `apply_patch` step: puts an agent's validated patch into the project.
 * Behind the `apply_patch` gate (when the plan requires it) the task pauses
 * with the patch shown, until an approval bound to that patch's hash is
 * given; then git applies it, or reports the conflict and changes nothing.
 * @module
 */

import { join } from "../path.ts";
import type { FailureReason, NewEvent, PatchSummary } from "../events/types.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import { gitOk } from "./git.ts";
import { applyPatch } from "./patch.ts";

export { APPLY_PATCH };

/** How the apply step ended. */
export type ApplyStepResult =
  | { ok: true }
  | { ok: false; reason: FailureReason; detail: string }
  /** Waits for `approve apply_patch`, showing this patch. */
  | { ok: "paused"; gate: string; patch: PatchSummary };

/** What the apply step needs. */
export interface ApplyStepInput {
  taskId: string;
  /** The project root. */
  root: string;
  patch: PatchSummary;
  /** The task has the `apply_patch` gate. */
  gated: boolean;
  /** The gate is granted for exactly this patch (it was validated before this start and approved). */
  approved: boolean;
  emit: (event: NewEvent) => void;
}

/** Runs the apply step (see the module doc). */
export async function runApplyStep(
  input: ApplyStepInput,
): Promise<ApplyStepResult> {
  const { patch } = input;
  if (input.gated && !input.approved) {
    return { ok: "paused", gate: APPLY_PATCH, patch };
  }
  const top = (await gitOk(["rev-parse", "--show-toplevel"], input.root))
    .trim();
  const applied = await applyPatch(top, join(input.root, patch.patch));
  if (!applied.ok) {
    return {
      ok: false,
      reason: "patch_failed",
      detail:
        `${patch.patch} no longer applies to the project; nothing was changed:\n${applied.conflict}`,
    };
  }
  input.emit({
    type: "patch_applied",
    task: input.taskId,
    shard: null,
    ...patch,
  });
  return { ok: true };
}

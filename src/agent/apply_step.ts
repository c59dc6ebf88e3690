/**
 * The `apply_patch` step: puts an agent's validated patch into the project.
 * Behind the `apply_patch` gate (when the plan requires it) the task pauses
 * with the patch shown, until an approval bound to that patch's hash is
 * given; then git applies it, or reports the conflict and changes nothing.
 * It applies exactly the bytes it hashed (read once, given to git on its
 * stdin), judges them again by the paths no patch may touch, and records
 * `patch_applying` before git starts, so a resume after a crash finds the
 * change in the working tree and records it instead of applying twice.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import type { FailureReason, NewEvent, PatchSummary } from "../events/types.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import { gitOk } from "./git.ts";
import {
  alreadyApplied,
  applyPatch,
  patchHash,
  readPatchFile,
} from "./patch.ts";
import { patchRefusals } from "./patch_paths.ts";
import { describePatch, PatchFormatError } from "./patch_text.ts";

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
  /** The plan's own files (absolute), which no patch may touch. */
  planFiles: readonly string[];
  emit: (event: NewEvent) => void;
}

/** Runs the apply step (see the module doc). */
export async function runApplyStep(
  input: ApplyStepInput,
): Promise<ApplyStepResult> {
  const { patch } = input;
  const failed = (detail: string): ApplyStepResult => ({
    ok: false,
    reason: "patch_failed",
    detail,
  });
  // Read once: the bytes hashed here are the bytes checked and applied.
  const bytes = await readPatchFile(join(input.root, patch.patch));
  if (typeof bytes === "string") return failed(`${patch.patch} ${bytes}`);
  const hash = await patchHash(bytes);
  if (hash !== patch.hash) {
    return failed(
      `${patch.patch} changed since it was validated (${patch.hash}, now ${hash}); nothing was changed`,
    );
  }
  const top = (await gitOk(["rev-parse", "--show-toplevel"], {
    root: input.root,
  })).trim();
  let refusals: string[];
  try {
    refusals = patchRefusals(describePatch(bytes), {
      forbidden: [],
      prefix: relative(top, input.root),
      planFiles: input.planFiles.map((f) => relative(top, f)),
    });
  } catch (e) {
    if (!(e instanceof PatchFormatError)) throw e;
    refusals = [e.message];
  }
  if (refusals.length > 0) {
    return failed(
      `${patch.patch} may not be applied; nothing was changed: ${
        refusals.join("; ")
      }`,
    );
  }
  const call = { root: input.root, cwd: top };
  const event = { task: input.taskId, shard: null, ...patch };
  // A crash after git's apply (recorded or not) left the change in the
  // working tree: its reverse applies cleanly, so it is recorded, never
  // applied again. Recording it changes nothing in the project, so it
  // needs no approval (the one that let it land was given before).
  if (await alreadyApplied(call, bytes)) {
    input.emit({ type: "patch_applied", ...event });
    return { ok: true };
  }
  if (input.gated && !input.approved) {
    return { ok: "paused", gate: APPLY_PATCH, patch };
  }
  input.emit({ type: "patch_applying", ...event });
  const applied = await applyPatch(call, bytes);
  if (!applied.ok) {
    return failed(
      `${patch.patch} no longer applies to the project; nothing was changed:\n${applied.conflict}`,
    );
  }
  input.emit({ type: "patch_applied", ...event });
  return { ok: true };
}

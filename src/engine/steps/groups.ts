/**
 * The step walker: runs groups of steps in order, each step by its kind's
 * handler. A shard's group runs in the shard's workspace between
 * `shard_started` and `shard_completed` / `shard_failed`. Within a group a
 * failed step ends the group, except a soft failure (a failed check),
 * after which the remaining steps still run and the group fails with every
 * such failure once they are done.
 * @module
 */

import type { StepGroup } from "../steps.ts";
import {
  type Done,
  type Failed,
  type Paused,
  runStep,
  type StepHandlers,
  type StepInput,
} from "./handler.ts";

/**
 * Runs `groups` with `handlers` (which cover every kind they hold); the
 * first group that fails (or pauses) ends the walk with its result.
 *
 * @example
 * ```ts ignore
 * const r = await walkGroups(compileSteps(task), input, stepHandlers(features));
 * ```
 */
export async function walkGroups(
  groups: readonly StepGroup[],
  input: StepInput,
  handlers: StepHandlers,
): Promise<Done | Failed | Paused> {
  const { task, ctx } = input;
  let patch = input.patch;
  for (const group of groups) {
    const shard = group.shard;
    // A shard's commands and checks run under its task's permissions narrowed by its own.
    const workspace = shard ? input.workspace.forShard(shard) : input.workspace;
    const started = performance.now();
    if (shard) {
      ctx.emit({ type: "shard_started", task: task.id, shard: shard.id });
    }
    let result: Done | Failed | Paused = { ok: true };
    const soft: string[] = [];
    for (const step of group.steps) {
      const r = await runStep(handlers, step.kind, step, {
        ...input,
        shard,
        workspace,
        patch,
      });
      if (r.ok === true) {
        if ("patch" in r) patch = r.patch;
        continue;
      }
      if (r.ok === false && r.soft) {
        soft.push(r.detail);
        continue;
      }
      result = r;
      break;
    }
    if (result.ok === true && soft.length > 0) {
      result = {
        ok: false,
        reason: "acceptance_failed",
        detail: soft.join("; "),
      };
    }
    if (shard && result.ok !== "paused") {
      const duration_ms = Math.round(performance.now() - started);
      ctx.emit(
        result.ok === true
          ? {
            type: "shard_completed",
            task: task.id,
            shard: shard.id,
            duration_ms,
          }
          : {
            type: "shard_failed",
            task: task.id,
            shard: shard.id,
            duration_ms,
            reason: result.reason,
            detail: result.detail,
          },
      );
    }
    if (result.ok !== true) return result;
  }
  return { ok: true };
}

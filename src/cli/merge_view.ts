/**
 * The view `status --from` and `report --from` show: the fragments below a
 * folder merged in memory, with the plan they ran and what changed in the
 * plan file since. Warnings (files left out, lines skipped) go to stderr.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunEvent } from "../events/types.ts";
import { type PlanChanges, planChanges } from "../engine/plan_changes.ts";
import type { Plan } from "../plan/ir.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { printError } from "../output/stdio.ts";
import { mergedSource } from "./merge_source.ts";

/** A merged run, shown and never written. */
export interface MergedView {
  /** The merged run's id (as `merge` would record it). */
  run: string;
  /** Its events. */
  events: RunEvent[];
  /** Its folded state. */
  state: RunState;
  /** The plan it ran. */
  plan: Plan;
  /** Whether {@link plan} is the IR the fragments recorded. */
  recorded: boolean;
  /** The plan file, when it is valid. */
  current: LoadedPlan | null;
  /** What changed in the plan file since; null without both plans. */
  changes: PlanChanges | null;
  /** What was wrong with the fragments, one line each. */
  warnings: string[];
}

/**
 * Merges the fragments below `dir` in memory.
 *
 * @param dir `--from`.
 * @param file `--file`.
 * @param run `--run`: the merged run's id, else derived from the fragments.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a project and the artifacts of its jobs
 * const view = await mergedView("art", undefined, null);
 * ```
 */
export async function mergedView(
  dir: string,
  file: string | boolean | undefined,
  run: string | null,
): Promise<MergedView> {
  const source = await mergedSource([dir], file, run ?? undefined);
  for (const warning of source.warnings) printError(`warning: ${warning}`);
  const { merged, plan, recorded, current } = source;
  return {
    run: merged.run,
    events: merged.events,
    state: merged.state,
    plan,
    recorded,
    current,
    changes: current && recorded ? planChanges(plan, current.plan) : null,
    warnings: source.warnings,
  };
}

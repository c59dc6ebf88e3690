/**
 * The plan a recorded run works from: the IR it recorded when it started
 * (see `events/recorded_plan.ts`), compared with the plan file only to find
 * what changed. `resume`, its dry run, `status` and `approve` all read it
 * here. Runs recorded before IRs were kept fall back to the plan file and
 * the definition hashes in their log.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunStore } from "../events/store.ts";
import type { Plan } from "../plan/ir.ts";
import { type LoadedPlan, planHash } from "../plan/load.ts";
import { definitionHashes } from "./fingerprint.ts";
import {
  explainChanges,
  type PlanChanges,
  planChanges,
  resumedPlan,
} from "./plan_changes.ts";

/**
 * The IR `run` recorded (under its state's `plan_hash`), or null when it
 * recorded none (older runs) or the file is damaged (said through `warn`).
 * When the plan file's IR has that very hash, it is that IR (not read again).
 */
export async function recordedPlanOf(
  store: RunStore,
  run: string,
  state: RunState,
  warn: (message: string) => void,
  current: LoadedPlan | null = null,
): Promise<Plan | null> {
  if (current !== null && current.hash === state.plan_hash) {
    return current.plan;
  }
  const read = await store.recordedPlan(run, state.plan_hash);
  if (read.kind === "found") return read.plan;
  if (read.kind === "damaged") {
    warn(`warning: ${read.reason}; using the plan file instead`);
  }
  return null;
}

/**
 * What changed between a run's plan and the plan file: field by field
 * against the recorded IR, or, for a run that recorded none, by the
 * definition hashes in its log (no finer reason is known then).
 *
 * @example
 * ```ts ignore
 * changesSince(recorded, state, current.plan).tasks; // [{ task: "B", kind: "changed", why: [...] }]
 * ```
 */
export function changesSince(
  recorded: Plan | null,
  state: RunState,
  current: Plan,
): PlanChanges {
  if (recorded !== null) return planChanges(recorded, current);
  const old = state.task_hashes;
  const hashes = definitionHashes(current);
  const ids = new Set(current.tasks.map((t) => t.id));
  const tasks: PlanChanges["tasks"] = [];
  for (const { id } of current.tasks) {
    if (!Object.hasOwn(old, id)) tasks.push({ task: id, kind: "added" });
    else if (old[id] !== hashes[id]) {
      tasks.push({
        task: id,
        kind: "changed",
        why: ["its definition changed"],
      });
    }
  }
  for (const id of Object.keys(old)) {
    if (!ids.has(id)) tasks.push({ task: id, kind: "removed" });
  }
  return { tasks, plan: [] };
}

/** What {@link planToResume} gives. */
export interface ResumePlan {
  /** The plan the resume runs, with its hash (the plan file's root and name). */
  loaded: LoadedPlan;
  /** What changed since the run recorded its plan. */
  changes: PlanChanges;
}

/**
 * The plan a resume of `run` works from (see `resumedPlan`): the recorded
 * IR where the plan file does the same, the plan file's definition where it
 * changed. Says on `warn` which tasks changed and why.
 */
export async function planToResume(
  store: RunStore,
  run: string,
  state: RunState,
  current: LoadedPlan,
  warn: (message: string) => void,
): Promise<ResumePlan> {
  const recorded = await recordedPlanOf(store, run, state, warn, current);
  const changes = changesSince(recorded, state, current.plan);
  const lines = explainChanges(changes);
  if (lines.length > 0) {
    warn(
      `The plan changed since run ${run} recorded it (changed and new tasks run again):\n${
        lines.map((l) => `  ${l}`).join("\n")
      }`,
    );
  }
  if (recorded === null) return { loaded: current, changes };
  const plan = resumedPlan(recorded, current.plan, changes);
  const hash = plan === recorded && state.plan_hash !== null
    ? state.plan_hash
    : await planHash(plan);
  return { loaded: { ...current, plan, hash }, changes };
}

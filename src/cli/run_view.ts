/**
 * The run `status` and `approve` look at, and the plan it works from: the
 * IR the run recorded when it started (or when a resume changed it), not
 * the plan file evaluated again; the plan file only tells what changed
 * since. While the plan file is invalid they still work from the recorded
 * IR and say so; without a recorded run to fall back on, the plan's errors
 * stand (exit 2).
 * @module
 */

import { dirname, resolve } from "../fs/path.ts";
import { emptyState, type RunState } from "../events/fold.ts";
import { RunStore } from "../events/store.ts";
import { type PlanChanges, planChanges } from "../engine/plan_changes.ts";
import { recordedPlanOf } from "../engine/run_plan.ts";
import type { Plan } from "../plan/ir.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { printError } from "../output/stdio.ts";
import { PlanInvalid, UsageError } from "./errors.ts";
import { loadPlanOrThrow, planPath } from "./plan_source.ts";

/** A run and the plan it works from. */
export interface RunView {
  /** The project root. */
  root: string;
  /** Its run store. */
  store: RunStore;
  /** The run looked at; null when there is none yet. */
  run: string | null;
  /** Its folded state (empty when there is no run). */
  state: RunState;
  /** The plan of the run: its recorded IR, else (no run, or an older run) the plan file's. */
  plan: Plan;
  /** Whether {@link plan} is the IR the run recorded. */
  recorded: boolean;
  /** The plan file, when it is valid. */
  current: LoadedPlan | null;
  /**
   * What changed in the plan file since the run recorded its IR; null
   * without a recorded IR (no run, an older run) or a valid plan file.
   */
  changes: PlanChanges | null;
}

/**
 * Loads the plan file and the run `pick` chooses. Warnings (damaged log
 * lines, an invalid plan file the view falls back from) go to stderr.
 *
 * @param file `--file`.
 * @param pick Chooses the run (the latest, or the live one).
 * @throws {PlanInvalid} When the plan file is invalid and no run recorded its IR.
 */
export async function viewRun(
  file: string | boolean | undefined,
  pick: (store: RunStore) => Promise<string | null>,
): Promise<RunView> {
  const path = planPath(file);
  let current: LoadedPlan | null = null;
  let invalid: PlanInvalid | null = null;
  try {
    current = await loadPlanOrThrow(path);
  } catch (e) {
    if (!(e instanceof PlanInvalid)) throw e;
    invalid = e;
  }
  // An invalid plan cannot say where its root is: its runs are looked for beside it.
  const root = current?.root ?? resolve(Deno.cwd(), dirname(path));
  const store = new RunStore(root);
  const run = await pick(store);
  if (run === null) {
    if (current === null) throw invalid!;
    return {
      root,
      store,
      run,
      state: emptyState(),
      plan: current.plan,
      recorded: false,
      current,
      changes: null,
    };
  }
  const folded = await store.fold(run);
  for (const warning of folded.warnings) printError(`warning: ${warning}`);
  const { state } = folded;
  const recorded = await recordedPlanOf(
    store,
    run,
    state,
    printError,
    current,
  );
  if (current === null) {
    if (recorded === null || resolve(root, recorded.project.root) !== root) {
      throw invalid!;
    }
    printError(invalid!.text());
    printError(
      `warning: the plan file is invalid (see above): using the plan run ${run} recorded`,
    );
  }
  return {
    root,
    store,
    run,
    state,
    plan: recorded ?? current!.plan,
    recorded: recorded !== null,
    current,
    changes: current && recorded && planChanges(recorded, current.plan),
  };
}

/**
 * The view with each task the run did not touch (a run of a selection
 * leaves the others "outside the selection") shown with its latest result
 * in an earlier run of the plan, which names that run.
 */
export async function withEarlierResults(view: RunView): Promise<RunView> {
  const { earlierResults, overlayEarlier } = await import(
    "../events/project_state.ts"
  );
  const earlier = await earlierResults(
    view.store,
    new Set(view.plan.tasks.map((t) => t.id)),
    { exclude: view.run, planFile: view.state.plan_file },
  );
  return { ...view, state: overlayEarlier(view.state, earlier) };
}

/**
 * `wanted` (`--run`) when the project has that run, else the latest run
 * (null when none); an unknown id is a usage error naming the nearest.
 * The picker `viewRun` takes for `status`, `graph` and `report`.
 *
 * @throws {UsageError} When no run is called `wanted`.
 *
 * @example
 * ```ts ignore
 * const view = await viewRun(file, (store) => namedOrLatestRun(store, "r1"));
 * ```
 */
export async function namedOrLatestRun(
  store: RunStore,
  wanted: string | null,
): Promise<string | null> {
  if (wanted === null) return await store.latest();
  const runs = await store.runs();
  if (!runs.includes(wanted)) {
    const { closest } = await import("../plan/suggest.ts");
    const near = closest(wanted, runs);
    throw new UsageError(
      `Unknown run "${wanted}"${near ? `: did you mean "${near}"?` : ""}`,
      "",
    );
  }
  return wanted;
}

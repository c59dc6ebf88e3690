/**
 * The plan's graph for `report` (Markdown and `--html`): the IR the run
 * recorded, coloured by the run's state, the critical path of an ended
 * run in red. Without a plan to draw (an invalid plan file, and a run too
 * old to have recorded its own) there is no graph.
 * @module
 */

import type { RunReport } from "../events/run_report.ts";
import { type GraphModel, graphModel } from "../render/graph_model.ts";
import { PlanInvalid } from "./errors.ts";
import { type RunView, viewRun } from "./run_view.ts";

/**
 * The graph of `report`'s run, or null when no plan can be had; `file` is
 * `--file`. `shown` is the plan and state to draw when the run is not
 * stored (a merge shown with `--from`); else they are read from the store.
 *
 * @example
 * ```ts ignore
 * const graph = await reportGraph(undefined, report);
 * ```
 */
export async function reportGraph(
  file: string | boolean | undefined,
  report: RunReport,
  shown: Pick<RunView, "plan" | "state"> | null = null,
): Promise<GraphModel | null> {
  try {
    const view = shown ??
      await viewRun(file, () => Promise.resolve(report.run));
    // The path is only settled once the run ended (not live, not paused at a gate).
    const ended = report.outcome !== null && report.outcome !== "paused";
    return graphModel(
      view.plan,
      view.state,
      ended ? report.critical_path?.tasks ?? null : null,
    );
  } catch (e) {
    if (!(e instanceof PlanInvalid)) throw e;
    return null;
  }
}

/**
 * The HTML page of `report --html`: the run report with the plan's graph
 * as this run left it (the IR the run recorded, coloured by its state,
 * the critical path of an ended run in red) and its timeline. Without
 * a plan to draw (an invalid plan file, and a run too old to have
 * recorded its own) the page has no graph.
 * @module
 */

import type { RunReport } from "../events/run_report.ts";
import type { TimelineSpan } from "../render/gantt_mermaid.ts";
import { type GraphModel, graphModel } from "../render/graph_model.ts";
import { renderReportHtml } from "../render/report_html.ts";
import { PlanInvalid } from "./errors.ts";
import { type RunView, viewRun } from "./run_view.ts";

/**
 * Renders `report` as a page; `file` is `--file`, `link` makes a project
 * path relative to where the page is written.
 *
 * `shown` is the plan and state to draw when the run is not stored
 * (a merge shown with `--from`); else they are read from the run store.
 *
 * @example
 * ```ts ignore
 * const page = await reportPage(undefined, report, (p) => p, runTimeline(events));
 * ```
 */
export async function reportPage(
  file: string | boolean | undefined,
  report: RunReport,
  link: (path: string) => string,
  timeline: readonly TimelineSpan[],
  shown: Pick<RunView, "plan" | "state"> | null = null,
): Promise<string> {
  let graph: GraphModel | null = null;
  try {
    // A merged run (`--from`) is not in the store: its view comes with it.
    const view = shown ??
      await viewRun(file, () => Promise.resolve(report.run));
    // The path is only settled once the run ended (not live, not paused at a gate).
    const ended = report.outcome !== null && report.outcome !== "paused";
    graph = graphModel(
      view.plan,
      view.state,
      ended ? report.critical_path?.tasks ?? null : null,
    );
  } catch (e) {
    // A run that recorded no plan, beside an invalid plan file: the page has no graph.
    if (!(e instanceof PlanInvalid)) throw e;
  }
  return renderReportHtml(report, link, graph, timeline);
}

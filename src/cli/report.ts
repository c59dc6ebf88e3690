/**
 * `orchestrate report [--run ID] [--out REPORT.md] [--json | --html]`: one run,
 * from its log alone — outcome, time and critical path, every task's
 * commands, checks, approvals and the events behind each failure.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION, planPath } from "./plan_source.ts";
import { FROM_OPTION } from "./from_option.ts";
import type { RunStore } from "../events/store.ts";
import type { RunReport } from "../events/run_report.ts";
import type { RunEvent } from "../events/types.ts";
import type { RunState } from "../events/fold.ts";
import type { Plan } from "../plan/ir.ts";

/** The `report` command. */
export const reportCommand: CommandSpec = {
  name: "report",
  summary:
    "Write a run's report (Markdown, or JSON) from its log: outcome, critical path, commands, checks, approvals, failures",
  options: {
    file: FILE_OPTION,
    run: {
      type: "string",
      value: "ID",
      description: "The run to report (default: the latest)",
    },
    out: {
      type: "string",
      value: "FILE",
      description:
        "Write the report to FILE (e.g. REPORT.md) instead of stdout",
    },
    json: { type: "boolean", description: "Print the report as JSON" },
    from: FROM_OPTION,
    html: {
      type: "boolean",
      description:
        "Write one self-contained HTML page: the summary, the plan's graph, the run's timeline, each task's commands and checks",
    },
  },
  async run({ options }) {
    if (options.json && options.html) {
      throw new UsageError("--json and --html cannot be used together", "");
    }
    const [
      { dirname, relative, resolve },
      { RunStore },
      { renderReportMd },
      { writeFileAtomic },
    ] = await Promise.all([
      import("../fs/path.ts"),
      import("../events/store.ts"),
      import("../render/report_md.ts"),
      import("../fs/write_atomic.ts"),
    ]);
    const root = resolve(dirname(planPath(options.file)));
    const store = new RunStore(root);
    const wanted = typeof options.run === "string" ? options.run : null;
    const { run, report, log, shown } = typeof options.from === "string"
      ? await mergedReport(options.from, options.file, wanted)
      : await storedReport(store, wanted);
    // Applied patches are shown as diffs, read from the run's folder.
    for (const t of report.tasks) {
      for (const p of t.patches_applied) {
        p.diff = await store.runFileText(p.patch, MAX_DIFF_BYTES);
      }
    }
    let text: string;
    if (options.json) text = JSON.stringify(report, null, 2) + "\n";
    else {
      const base = typeof options.out === "string"
        ? dirname(resolve(options.out))
        : Deno.cwd();
      const link = (path: string) => relative(base, resolve(root, path)) || ".";
      const [{ runTimeline }, { reportGraph }] = await Promise.all([
        import("../render/gantt_mermaid.ts"),
        import("./report_graph.ts"),
      ]);
      const graph = await reportGraph(options.file, report, shown ?? null);
      const timeline = runTimeline(log.events);
      text = options.html
        ? (await import("../render/report_html.ts")).renderReportHtml(
          report,
          link,
          graph,
          timeline,
        )
        : renderReportMd(report, link, timeline, graph);
    }
    if (typeof options.out === "string") {
      writeFileAtomic(options.out, text);
      console.error(`Wrote ${options.out} (run ${run}).`);
    } else {
      (await import("../output/stdio.ts")).stdout.write(text);
    }
    return 0;
  },
};

/** Largest patch shown inline; a bigger one is linked only. */
const MAX_DIFF_BYTES = 1 << 20;

/** A report and the events it was made from. */
interface Reported {
  run: string;
  report: RunReport;
  log: { events: RunEvent[] };
  /** The plan and state to draw, for a run not in the store (`--from`). */
  shown?: { plan: Plan; state: RunState };
}

/**
 * The report of a run of the project (the latest when `wanted` is null),
 * with the latest earlier result of each task it left out.
 */
async function storedReport(
  store: RunStore,
  wanted: string | null,
): Promise<Reported> {
  const [{ buildRunReport }, { namedOrLatestRun }] = await Promise.all([
    import("../events/run_report.ts"),
    import("./run_view.ts"),
  ]);
  const run = await namedOrLatestRun(store, wanted);
  if (run === null) {
    throw new UsageError(
      "No run to report yet: start one with `orchestrate run`",
      "",
    );
  }
  const [folded, log, journal] = await Promise.all([
    store.fold(run),
    store.events(run),
    store.approvals(run),
  ]);
  const report = buildRunReport(
    run,
    folded.state,
    log.events,
    journal,
    folded.warnings,
  );
  // The tasks this run left out keep their latest result from an earlier run.
  const { earlierResults, touched } = await import(
    "../events/project_state.ts"
  );
  const left = [...folded.state.tasks.values()].filter((t) => !touched(t))
    .map((t) => t.id);
  if (left.length > 0) {
    const found = await earlierResults(store, new Set(left), {
      exclude: run,
      planFile: folded.state.plan_file,
    });
    report.earlier = left.flatMap((id) => {
      const t = found.get(id);
      return t ? [{ id, state: t.state, run: t.run }] : [];
    });
  }
  return { run, report, log };
}

/** The report of the run merged from the fragments under `dir` (nothing written). */
async function mergedReport(
  dir: string,
  file: string | boolean | undefined,
  wanted: string | null,
): Promise<Reported> {
  const [{ buildRunReport }, { mergedView }] = await Promise.all([
    import("../events/run_report.ts"),
    import("./merge_view.ts"),
  ]);
  const view = await mergedView(dir, file, wanted);
  const report = buildRunReport(
    view.run,
    view.state,
    view.events,
    [],
    view.warnings,
  );
  report.merged_from = dir;
  return {
    run: view.run,
    report,
    log: { events: view.events },
    shown: { plan: view.plan, state: view.state },
  };
}

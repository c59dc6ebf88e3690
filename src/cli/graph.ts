/**
 * `orchestrate graph [--format mermaid|dot|svg|html] [--run ID]`: the
 * plan's DAG on stdout — a Mermaid flowchart, Graphviz DOT, or a picture
 * laid out here (an SVG, or one HTML page holding it) — coloured by the
 * project's state (as `status` shows it) or a named run's, with the
 * critical path of a finished run outlined.
 * @module
 */

import { type CommandSpec, UsageError } from "./command.ts";
import { FILE_OPTION } from "./plan_source.ts";

/** The formats `graph` prints. */
const FORMATS = ["mermaid", "dot", "svg", "html"] as const;

/** The `graph` command. */
export const graphCommand: CommandSpec = {
  name: "graph",
  summary:
    "Print the plan's DAG as a Mermaid flowchart, Graphviz DOT, SVG or an HTML page, coloured by state, the critical path of a finished run outlined",
  options: {
    file: FILE_OPTION,
    format: {
      type: "string",
      value: "FORMAT",
      description: "mermaid (default), dot, svg or html",
    },
    run: {
      type: "string",
      value: "ID",
      description:
        "Colour by this run alone (default: the project's state, as `status` shows it)",
    },
  },
  async run({ options }) {
    const format = typeof options.format === "string"
      ? options.format
      : "mermaid";
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(
        `Unknown format "${format}": use ${FORMATS.join(", ")}`,
        "",
      );
    }
    const [
      { namedOrLatestRun, viewRun, withEarlierResults },
      { buildRunReport },
      { graphModel },
      { stdout },
    ] = await Promise.all([
      import("./run_view.ts"),
      import("../events/run_report.ts"),
      import("../render/graph_model.ts"),
      import("../output/stdio.ts"),
    ]);
    const wanted = typeof options.run === "string" ? options.run : null;
    const picked = await viewRun(
      options.file,
      (store) => namedOrLatestRun(store, wanted),
    );
    // The path is the run's own, and only once it ended: a live or paused run's is not settled.
    let critical: string[] | null = null;
    const outcome = picked.state.outcome;
    if (picked.run !== null && outcome !== null && outcome !== "paused") {
      const log = await picked.store.events(picked.run);
      critical = buildRunReport(picked.run, picked.state, log.events, [], [])
        .critical_path?.tasks ?? null;
    }
    const view = wanted === null ? await withEarlierResults(picked) : picked;
    const graph = graphModel(view.plan, view.state, critical);
    stdout.write(await renderGraph(format as typeof FORMATS[number], graph));
    return 0;
  },
};

async function renderGraph(
  format: typeof FORMATS[number],
  graph: import("../render/graph_model.ts").GraphModel,
): Promise<string> {
  switch (format) {
    case "mermaid":
      return (await import("../render/graph_mermaid.ts")).renderGraphMermaid(
        graph,
      );
    case "dot":
      return (await import("../render/graph_dot.ts")).renderGraphDot(graph);
    case "svg":
      return (await import("../render/graph_svg.ts")).renderGraphSvg(graph);
    case "html": {
      const [{ renderGraphSvg }, { htmlPage }] = await Promise.all([
        import("../render/graph_svg.ts"),
        import("../render/html_page.ts"),
      ]);
      return htmlPage(
        "Plan graph",
        `<h1>Plan graph</h1>\n<div class="picture">\n${
          renderGraphSvg(graph)
        }</div>`,
      );
    }
  }
}

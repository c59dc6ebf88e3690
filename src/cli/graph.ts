/**
 * `orchestrate graph [--format mermaid|dot] [--run ID]`: the plan's DAG as
 * text for a picture — a Mermaid flowchart or Graphviz DOT on stdout —
 * coloured by the project's state (as `status` shows it) or a named run's,
 * with the critical path of a finished run outlined.
 * @module
 */

import { type CommandSpec, UsageError } from "./command.ts";
import { FILE_OPTION } from "./plan_source.ts";

/** The formats `graph` prints. */
const FORMATS = ["mermaid", "dot"] as const;

/** The `graph` command. */
export const graphCommand: CommandSpec = {
  name: "graph",
  summary:
    "Print the plan's DAG as a Mermaid flowchart or Graphviz DOT, coloured by state, the critical path of a finished run outlined",
  options: {
    file: FILE_OPTION,
    format: {
      type: "string",
      value: "FORMAT",
      description: "mermaid (default) or dot",
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
        `Unknown format "${format}": use ${FORMATS.join(" or ")}`,
        "",
      );
    }
    const [
      { viewRun, withEarlierResults },
      { buildRunReport },
      { graphModel },
      { renderGraphMermaid },
      { renderGraphDot },
      { stdout },
    ] = await Promise.all([
      import("./run_view.ts"),
      import("../events/run_report.ts"),
      import("../render/graph_model.ts"),
      import("../render/graph_mermaid.ts"),
      import("../render/graph_dot.ts"),
      import("../output/stdio.ts"),
    ]);
    const wanted = typeof options.run === "string" ? options.run : null;
    const picked = await viewRun(options.file, async (store) => {
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
    });
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
    stdout.write(
      format === "dot" ? renderGraphDot(graph) : renderGraphMermaid(graph),
    );
    return 0;
  },
};

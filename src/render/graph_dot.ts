/**
 * The plan's DAG as Graphviz DOT text: nodes filled by state, gates as
 * hexagons, agent tasks with a double outline, the critical path in red.
 * Node ids are generated (`n0`, `n1`, …); plan text only ever appears in
 * a quoted label, escaped (see {@link dotText}).
 * @module
 */

import { safeText } from "../text/safe_text.ts";
import {
  CRITICAL_COLOUR,
  type GraphModel,
  type GraphNode,
  nodeMarkers,
  STATE_COLOURS,
} from "./graph_model.ts";

/**
 * Text for inside a quoted DOT string: control characters made visible
 * (so a newline cannot end the statement), backslashes doubled (DOT reads
 * `\n`, `\l`, `\N` in labels), quotes escaped and `&` written `&amp;`
 * (Graphviz decodes entities such as `&amp;` in every label).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dotText } from "./graph_dot.ts";
 * assert.equal(dotText('a "b" \\'), 'a \\"b\\" \\\\');
 * assert.equal(dotText("&lt;"), "&amp;lt;");
 * ```
 */
export function dotText(text: string): string {
  return safeText(text).replace(/[\\"]/g, (c) => `\\${c}`)
    .replaceAll("&", "&amp;");
}

/**
 * Renders the graph as a DOT digraph, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGraphDot } from "./graph_dot.ts";
 * const text = renderGraphDot({
 *   nodes: [{ id: "A", title: "build", state: "failed", gates: [], agent: false, shards: 0, critical: false }],
 *   edges: [],
 * });
 * assert.match(text, /n0 \[label="A: build\\nfailed", fillcolor="#f8b4b4"/);
 * ```
 */
export function renderGraphDot(graph: GraphModel): string {
  const out = [
    "digraph plan {",
    "  rankdir=LR;",
    '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
  ];
  graph.nodes.forEach((node, i) => out.push(`  n${i} [${attributes(node)}];`));
  for (const e of graph.edges) {
    out.push(
      `  n${e.from} -> n${e.to}${
        e.critical ? ` [color="${CRITICAL_COLOUR}", penwidth=3]` : ""
      };`,
    );
  }
  out.push("}");
  return out.join("\n") + "\n";
}

function attributes(node: GraphNode): string {
  const attrs = [
    `label="${dotText(`${node.id}: ${node.title}`)}\\n${
      nodeMarkers(node).map(dotText).join(" - ")
    }"`,
    `fillcolor="${STATE_COLOURS[node.state]}"`,
  ];
  if (node.gates.length > 0) attrs.push("shape=hexagon", 'style="filled"');
  if (node.agent) attrs.push("peripheries=2");
  if (node.critical) attrs.push(`color="${CRITICAL_COLOUR}"`, "penwidth=3");
  return attrs.join(", ");
}

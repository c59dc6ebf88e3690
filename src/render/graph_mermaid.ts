/**
 * The plan's DAG as a Mermaid flowchart (`flowchart LR`), which GitHub
 * renders in Markdown: nodes filled by state, gates as hexagons, agent
 * tasks as subroutines, the critical path outlined in red. Node ids are
 * generated (`n0`, `n1`, …); every plan text goes into a quoted label
 * with anything but letters, digits and plain punctuation written as a
 * Mermaid entity (`#34;`), so no title can end the label or the line.
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
 * Text for inside a quoted Mermaid label: control characters made
 * visible first, then every character outside letters, digits, space and
 * `_ . , : / - + = ( )` written as `#<code>;` (Mermaid's entity form).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mermaidText } from "./graph_mermaid.ts";
 * assert.equal(mermaidText('say "hi"'), "say #34;hi#34;");
 * assert.equal(mermaidText("Déjà vu"), "Déjà vu");
 * ```
 */
export function mermaidText(text: string): string {
  return safeText(text).replace(
    /[^\p{L}\p{N} _.,:/()+=-]/gu,
    (c) => `#${c.codePointAt(0)};`,
  );
}

/**
 * Renders the graph as Mermaid flowchart text (no fence), ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGraphMermaid } from "./graph_mermaid.ts";
 * const text = renderGraphMermaid({
 *   nodes: [{ id: "A", title: "build", state: "completed", gates: [], agent: false, shards: 0, critical: false }],
 *   edges: [],
 * });
 * assert.match(text, /^flowchart LR\n  n0\["A: build<br\/>completed"\]/);
 * ```
 */
export function renderGraphMermaid(graph: GraphModel): string {
  const out = ["flowchart LR"];
  graph.nodes.forEach((node, i) => out.push(`  n${i}${shape(node)}`));
  graph.edges.forEach((e) => out.push(`  n${e.from} --> n${e.to}`));
  const used = new Set(graph.nodes.map((n) => n.state));
  for (const [state, fill] of Object.entries(STATE_COLOURS)) {
    if (!used.has(state as GraphNode["state"])) continue;
    out.push(`  classDef ${state} fill:${fill},stroke:#555555,color:#000000`);
    const ids = graph.nodes.flatMap((n, i) =>
      n.state === state ? [`n${i}`] : []
    );
    out.push(`  class ${ids.join(",")} ${state}`);
  }
  graph.nodes.forEach((n, i) => {
    if (n.critical) {
      out.push(`  style n${i} stroke:${CRITICAL_COLOUR},stroke-width:3px`);
    }
  });
  const critical = graph.edges.flatMap((e, i) => e.critical ? [i] : []);
  if (critical.length > 0) {
    out.push(
      `  linkStyle ${
        critical.join(",")
      } stroke:${CRITICAL_COLOUR},stroke-width:3px`,
    );
  }
  return out.join("\n") + "\n";
}

function shape(node: GraphNode): string {
  const label = `"${mermaidText(`${node.id}: ${node.title}`)}<br/>${
    nodeMarkers(node).map(mermaidText).join(" - ")
  }"`;
  if (node.gates.length > 0) return `{{${label}}}`;
  if (node.agent) return `[[${label}]]`;
  return `[${label}]`;
}

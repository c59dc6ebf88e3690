/**
 * The plan's DAG as a self-contained SVG picture, laid out by dagre
 * (`graph_layout.ts`): tasks in columns by layer (the columns shaded in
 * turn and numbered), nodes filled by state, gates drawn as hexagons,
 * agent tasks with a double outline, shards as a count, the critical
 * path in red. No script, no font or image fetched: the system's
 * sans-serif draws the text. Titles longer than a node are cut with
 * `…` and shown whole in the node's tooltip.
 * @module
 */

import {
  CRITICAL_COLOUR,
  type GraphModel,
  type GraphNode,
  nodeMarkers,
  STATE_COLOURS,
} from "./graph_model.ts";
import { type GraphLayout, layoutGraph, type NodeBox } from "./graph_layout.ts";
import { clip, xmlText } from "./xml_text.ts";

/** Room above the graph for the legend and the layer numbers. */
const HEADER = 56;
/** Characters of `id: title` that fit on a node's first line. */
const LINE_CHARS = 30;

/**
 * Renders the graph as an SVG document (no XML declaration: it embeds
 * as is in HTML), ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGraphSvg } from "./graph_svg.ts";
 * const svg = renderGraphSvg({
 *   nodes: [{ id: "A", title: "<b>", state: "failed", gates: [], agent: false, shards: 0, critical: false }],
 *   edges: [],
 * });
 * assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
 * assert.match(svg, />A: &lt;b&gt;</);
 * ```
 */
export function renderGraphSvg(
  graph: GraphModel,
  laid: GraphLayout = layoutGraph(graph),
): string {
  const width = Math.max(laid.width, 560);
  const height = laid.height + HEADER;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="orchestrate-graph" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>Plan graph: ${graph.nodes.length} task${
      graph.nodes.length === 1 ? "" : "s"
    }</title>`,
    "<defs>",
    '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#666666"/></marker>',
    `<marker id="arrow-critical" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="12" markerHeight="12" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${CRITICAL_COLOUR}"/></marker>`,
    "</defs>",
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...legend(graph),
    `<g transform="translate(0,${HEADER})">`,
    ...layerBands(laid),
  ];
  graph.edges.forEach((e, i) => {
    const { from, to } = laid.edges[i]!;
    // A curve leaving the dependency rightwards, entering the dependant from the left.
    const bend = Math.max(30, (to.x - from.x) / 2);
    const d = `M${r(from.x)},${r(from.y)}C${r(from.x + bend)},${r(from.y)} ${
      r(to.x - bend)
    },${r(to.y)} ${r(to.x - 2)},${r(to.y)}`;
    out.push(
      e.critical
        ? `<path class="edge critical" d="${d}" fill="none" stroke="${CRITICAL_COLOUR}" stroke-width="3" marker-end="url(#arrow-critical)"/>`
        : `<path class="edge" d="${d}" fill="none" stroke="#8a8a8a" stroke-width="1.2" marker-end="url(#arrow)"/>`,
    );
  });
  graph.nodes.forEach((node, i) =>
    out.push(...nodeShape(node, laid.nodes[i]!))
  );
  out.push("</g>", "</svg>");
  return out.join("\n") + "\n";
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function legend(graph: GraphModel): string[] {
  const used = new Set(graph.nodes.map((n) => n.state));
  const items: { label: string; draw: (x: number) => string }[] = [];
  for (const [state, fill] of Object.entries(STATE_COLOURS)) {
    if (!used.has(state as GraphNode["state"])) continue;
    items.push({
      label: state.replace("_", " "),
      draw: (x) =>
        `<rect x="${x}" y="8" width="14" height="14" rx="3" fill="${fill}" stroke="#555555"/>`,
    });
  }
  if (graph.nodes.some((n) => n.gates.length > 0)) {
    items.push({
      label: "gate",
      draw: (x) =>
        `<polygon points="${x + 4},8 ${x + 10},8 ${x + 14},15 ${x + 10},22 ${
          x + 4
        },22 ${x},15" fill="#ffffff" stroke="#555555"/>`,
    });
  }
  if (graph.nodes.some((n) => n.agent)) {
    items.push({
      label: "agent",
      draw: (x) =>
        `<rect x="${x}" y="8" width="14" height="14" rx="3" fill="#ffffff" stroke="#555555"/><rect x="${
          x + 3
        }" y="11" width="8" height="8" rx="2" fill="none" stroke="#555555"/>`,
    });
  }
  if (graph.nodes.some((n) => n.critical)) {
    items.push({
      label: "critical path",
      draw: (x) =>
        `<rect x="${x}" y="8" width="14" height="14" rx="3" fill="#ffffff" stroke="${CRITICAL_COLOUR}" stroke-width="3"/>`,
    });
  }
  const out = ['<g class="legend">'];
  let x = 12;
  for (const item of items) {
    out.push(item.draw(x), `<text x="${x + 20}" y="20">${item.label}</text>`);
    x += 28 + item.label.length * 7;
  }
  out.push("</g>");
  return out;
}

/** A shaded band behind every other layer, each numbered at its top. */
function layerBands(laid: GraphLayout): string[] {
  const out = ['<g class="layers">'];
  laid.layers.forEach((c, layer) => {
    if (layer % 2 === 1) {
      out.push(
        `<rect x="${r(c.left - 12)}" y="-24" width="${
          r(c.right - c.left + 24)
        }" height="${laid.height + 24}" fill="#f1f4f7"/>`,
      );
    }
    out.push(
      `<text x="${
        r((c.left + c.right) / 2)
      }" y="-8" text-anchor="middle" fill="#666666">layer ${layer + 1}</text>`,
    );
  });
  out.push("</g>");
  return out;
}

function nodeShape(node: GraphNode, box: NodeBox): string[] {
  const fill = STATE_COLOURS[node.state];
  const stroke = node.critical ? CRITICAL_COLOUR : "#555555";
  const strokeWidth = node.critical ? 3 : 1.2;
  const { x, y, width: w, height: h } = box;
  const full = `${node.id}: ${node.title}`;
  const markers = nodeMarkers(node).join(" · ");
  const classes = ["node", node.state.replace("_", "-")];
  if (node.gates.length > 0) classes.push("gate");
  if (node.agent) classes.push("agent");
  if (node.critical) classes.push("critical");
  const out = [
    `<g class="${classes.join(" ")}">`,
    `<title>${xmlText(full)}\n${xmlText(markers)}</title>`,
  ];
  if (node.gates.length > 0) {
    const k = 10;
    out.push(
      `<polygon points="${r(x + k)},${r(y)} ${r(x + w - k)},${r(y)} ${
        r(x + w)
      },${r(y + h / 2)} ${r(x + w - k)},${r(y + h)} ${r(x + k)},${r(y + h)} ${
        r(x)
      },${
        r(y + h / 2)
      }" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"/>`,
    );
  } else {
    out.push(
      `<rect x="${r(x)}" y="${
        r(y)
      }" width="${w}" height="${h}" rx="6" fill="${fill}" stroke="${stroke}" stroke-width="${strokeWidth}"/>`,
    );
  }
  if (node.agent) {
    out.push(
      `<rect x="${r(x + 4)}" y="${r(y + 4)}" width="${w - 8}" height="${
        h - 8
      }" rx="4" fill="none" stroke="#555555" stroke-width="1"/>`,
    );
  }
  const pad = node.gates.length > 0 ? 14 : 10;
  out.push(
    `<text x="${r(x + pad)}" y="${r(y + 18)}" font-weight="bold">${
      xmlText(clip(full, LINE_CHARS))
    }</text>`,
    `<text x="${r(x + pad)}" y="${r(y + 34)}" font-size="11" fill="#333333">${
      xmlText(clip(markers, LINE_CHARS + 6))
    }</text>`,
    "</g>",
  );
  return out;
}

/**
 * Where each node and edge of a graph picture goes. dagre (a
 * Sugiyama-style layered layout) does the hard part: each task's layer
 * (network-simplex ranking along the dependencies) and its order within
 * the layer (crossing reduction); above {@link SIMPLEX_LIMIT} tasks its
 * quicker tight-tree ranker ranks them. Its coordinates are not used: for a
 * plan's wide, densely joined layers they spread a 200-task plan over
 * thousands of pixels, so the nodes are packed here into columns, one
 * layer after another left to right, in dagre's order, a layer of more
 * than {@link MAX_ROWS} tasks wrapped into several columns. Edges are
 * curves from a node's right side to its dependant's left side. Pure and
 * deterministic for a given graph.
 * @module
 */

import { Graph, layout } from "@dagrejs/dagre";
import type { GraphModel } from "./graph_model.ts";

/** A node's box: top-left corner and size, and its layer (0: the first). */
export interface NodeBox {
  x: number;
  y: number;
  width: number;
  height: number;
  layer: number;
}

/** One layer's place: its columns' left and right edges. */
export interface LayerBox {
  left: number;
  right: number;
}

/** The picture's geometry. */
export interface GraphLayout {
  width: number;
  height: number;
  /** In the order of the model's nodes. */
  nodes: NodeBox[];
  /** In layer order. */
  layers: LayerBox[];
  /** In the order of the model's edges: from the dependency's right side to the dependant's left side. */
  edges: { from: Point; to: Point }[];
}

/** A point of the picture. */
export interface Point {
  x: number;
  y: number;
}

/** Every node's size: room for about 30 characters on two lines. */
export const NODE_WIDTH = 220;
export const NODE_HEIGHT = 44;
/** The most tasks one column of a layer holds before the layer wraps. */
export const MAX_ROWS = 25;
/** Above this many tasks the layers are ranked by dagre's faster tight-tree ranker. */
export const SIMPLEX_LIMIT = 300;
const ROW_GAP = 12;
const COLUMN_GAP = 24;
const LAYER_GAP = 70;

/**
 * Lays the graph out left to right with a margin of `margin` around it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layoutGraph } from "./graph_layout.ts";
 * const node = { title: "t", state: "pending", gates: [], agent: false, shards: 0, critical: false } as const;
 * const laid = layoutGraph({
 *   nodes: [{ ...node, id: "A", gates: [] }, { ...node, id: "B", gates: [] }],
 *   edges: [{ from: 0, to: 1, critical: false }],
 * });
 * assert.deepEqual(laid.nodes.map((n) => n.layer), [0, 1]);
 * assert.ok(laid.nodes[1]!.x > laid.nodes[0]!.x + laid.nodes[0]!.width);
 * ```
 */
export function layoutGraph(graph: GraphModel, margin = 20): GraphLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({
    rankdir: "LR",
    nodesep: ROW_GAP,
    ranksep: LAYER_GAP,
    // Network simplex ranks best but took 10 s on a 1,000-task plan; tight-tree 0.4 s.
    ranker: graph.nodes.length > SIMPLEX_LIMIT
      ? "tight-tree"
      : "network-simplex",
  });
  g.setDefaultEdgeLabel(() => ({}));
  graph.nodes.forEach((_, i) =>
    g.setNode(`n${i}`, { width: NODE_WIDTH, height: NODE_HEIGHT })
  );
  for (const e of graph.edges) g.setEdge(`n${e.from}`, `n${e.to}`);
  layout(g);
  const placed = graph.nodes.map((_, i) => {
    const n = g.node(`n${i}`) as { rank?: number; order?: number };
    return { i, rank: n.rank ?? 0, order: n.order ?? 0 };
  });
  // dagre's ranks can start above 0 or skip a number: layers are counted from 0.
  const ranks = [...new Set(placed.map((p) => p.rank))].sort((a, b) => a - b);
  const members = ranks.map((rank) =>
    placed.filter((p) => p.rank === rank)
      .sort((a, b) => a.order - b.order || a.i - b.i).map((p) => p.i)
  );
  const shapes = members.map((m) => {
    const columns = Math.max(1, Math.ceil(m.length / MAX_ROWS));
    return { columns, rows: Math.ceil(m.length / columns) };
  });
  const tallest = Math.max(0, ...shapes.map((s) => s.rows));
  const rowsHeight = tallest * (NODE_HEIGHT + ROW_GAP) - ROW_GAP;
  const nodes: NodeBox[] = new Array(graph.nodes.length);
  const layers: LayerBox[] = [];
  let left = margin;
  members.forEach((m, layer) => {
    const { rows } = shapes[layer]!;
    const used = Math.ceil(m.length / rows);
    const top = margin +
      (rowsHeight - (rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP)) / 2;
    m.forEach((node, k) => {
      const column = Math.floor(k / rows);
      nodes[node] = {
        x: left + column * (NODE_WIDTH + COLUMN_GAP),
        y: top + (k % rows) * (NODE_HEIGHT + ROW_GAP),
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        layer,
      };
    });
    const right = left + used * NODE_WIDTH + (used - 1) * COLUMN_GAP;
    layers.push({ left, right });
    left = right + LAYER_GAP;
  });
  const edges = graph.edges.map((e) => {
    const a = nodes[e.from]!;
    const b = nodes[e.to]!;
    return {
      from: { x: a.x + a.width, y: a.y + a.height / 2 },
      to: { x: b.x, y: b.y + b.height / 2 },
    };
  });
  return {
    width: Math.ceil(
      layers.length === 0 ? margin * 2 : left - LAYER_GAP + margin,
    ),
    height: Math.ceil(Math.max(0, rowsHeight) + margin * 2),
    nodes,
    layers,
    edges,
  };
}

/**
 * The plan's DAG as the graph pictures draw it: one node per task (its
 * shards collapsed into a count), its state, whether a gate or an agent
 * is in it, and the critical path of a finished run. Pure; the Mermaid
 * and DOT renderers read this shape.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { TaskStateName } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";

/** One task of the picture. */
export interface GraphNode {
  id: string;
  title: string;
  state: TaskStateName;
  /** Its gates, as written (empty: none). */
  gates: string[];
  /** Whether an agent edits its code. */
  agent: boolean;
  /** How many shards it has (0: none). */
  shards: number;
  /** Whether it is on the critical path. */
  critical: boolean;
}

/** The picture's graph: nodes in plan order, edges from dependency to dependant. */
export interface GraphModel {
  nodes: GraphNode[];
  /** Indexes into {@link nodes}; `critical` when both ends follow each other on the critical path. */
  edges: { from: number; to: number; critical: boolean }[];
}

/**
 * Joins the plan, a folded state and a critical path (null: none shown).
 * A dependency on a shard is drawn from the shard's task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { graphModel } from "./graph_model.ts";
 * const plan = { tasks: [
 *   { id: "A", title: "a", dependencies: [], shards: [], gates: [] },
 *   { id: "B", title: "b", dependencies: ["A"], shards: [], gates: ["ship"] },
 * ] } as unknown as Plan;
 * const g = graphModel(plan, emptyState(), ["A", "B"]);
 * assert.deepEqual(g.edges, [{ from: 0, to: 1, critical: true }]);
 * assert.deepEqual(g.nodes[1]!.gates, ["ship"]);
 * ```
 */
export function graphModel(
  plan: Plan,
  state: RunState,
  critical: readonly string[] | null,
): GraphModel {
  const index = new Map<string, number>();
  plan.tasks.forEach((t, i) => {
    index.set(t.id, i);
    for (const s of t.shards ?? []) index.set(s.id, i);
  });
  const onPath = new Set(critical ?? []);
  const next = new Map<string, string>();
  (critical ?? []).forEach((id, i, all) => {
    if (i + 1 < all.length) next.set(id, all[i + 1]!);
  });
  const nodes = plan.tasks.map((t): GraphNode => ({
    id: t.id,
    title: t.title,
    state: state.tasks.get(t.id)?.state ?? "pending",
    gates: [...(t.gates ?? [])],
    agent: t.agent !== undefined,
    shards: t.shards?.length ?? 0,
    critical: onPath.has(t.id),
  }));
  const edges: GraphModel["edges"] = [];
  const seen = new Set<string>();
  plan.tasks.forEach((t, to) => {
    for (const dep of t.dependencies ?? []) {
      const from = index.get(dep);
      if (from === undefined || from === to || seen.has(`${from} ${to}`)) {
        continue;
      }
      seen.add(`${from} ${to}`);
      edges.push({ from, to, critical: next.get(dep) === t.id });
    }
  });
  return { nodes, edges };
}

/** Fill colours by state, shared by both formats (readable with black text). */
export const STATE_COLOURS: Record<TaskStateName, string> = {
  pending: "#ffffff",
  in_progress: "#cfe2ff",
  blocked: "#ffe5b4",
  failed: "#f8b4b4",
  interrupted: "#e2d4f0",
  completed: "#c6efce",
  skipped: "#e0e0e0",
};

/** The colour of the critical path's outlines and edges. */
export const CRITICAL_COLOUR = "#d00000";

/** The node's second line: its markers (state, gates, agent, shards). */
export function nodeMarkers(node: GraphNode): string[] {
  const out: string[] = [node.state.replace("_", " ")];
  if (node.gates.length > 0) out.push(`gate ${node.gates.join(", ")}`);
  if (node.agent) out.push("agent");
  if (node.shards > 0) {
    out.push(`${node.shards} shard${node.shards === 1 ? "" : "s"}`);
  }
  return out;
}

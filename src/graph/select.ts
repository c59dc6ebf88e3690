/**
 * Selection: a task and everything it depends on, transitively.
 * @module
 */

import type { GraphNode } from "./cycles.ts";

/**
 * The ids of `target` and of all its transitive dependencies.
 *
 * @example
 * ```ts
 * import { selectWithDependencies } from "./select.ts";
 * selectWithDependencies([{ id: "A", dependencies: [] }, { id: "B", dependencies: ["A"] }], "B");
 * // Set { "B", "A" }
 * ```
 */
export function selectWithDependencies(
  nodes: readonly GraphNode[],
  target: string,
): Set<string> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const selected = new Set<string>();
  const todo = [target];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (selected.has(id) || !byId.has(id)) continue;
    selected.add(id);
    todo.push(...byId.get(id)!.dependencies);
  }
  return selected;
}

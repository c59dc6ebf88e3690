/**
 * Cycle detection over task dependencies.
 * @module
 */

/** A node of the dependency graph: an id and the ids it depends on. */
export interface GraphNode {
  id: string;
  dependencies: readonly string[];
}

/**
 * Every dependency cycle, each as the ids along it with the first repeated
 * at the end (`["A", "B", "A"]`). Iterative, so 10,000-deep chains are fine.
 * Unknown dependency ids are ignored (validation reports them).
 *
 * @example
 * ```ts
 * import { findCycles } from "./cycles.ts";
 * findCycles([{ id: "A", dependencies: ["B"] }, { id: "B", dependencies: ["A"] }]);
 * // [["A", "B", "A"]]
 * ```
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const color = new Map<string, 1 | 2>(); // 1: on the stack, 2: done
  const cycles: string[][] = [];
  for (const start of nodes) {
    if (color.has(start.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: start.id, next: 0 }];
    const onPath: string[] = [start.id];
    color.set(start.id, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = byId.get(frame.id)!.dependencies;
      if (frame.next >= deps.length) {
        color.set(frame.id, 2);
        stack.pop();
        onPath.pop();
        continue;
      }
      const dep = deps[frame.next++]!;
      if (!byId.has(dep)) continue;
      const state = color.get(dep);
      if (state === 1) {
        cycles.push([...onPath.slice(onPath.indexOf(dep)), dep]);
      } else if (state === undefined) {
        color.set(dep, 1);
        stack.push({ id: dep, next: 0 });
        onPath.push(dep);
      }
    }
  }
  return cycles;
}

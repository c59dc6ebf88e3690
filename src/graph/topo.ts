/**
 * Topological order with ties broken by plan order.
 * @module
 */

import type { GraphNode } from "./cycles.ts";

/**
 * Orders nodes so every node comes after its dependencies; among nodes that
 * are ready at the same time, the one earlier in the plan comes first.
 * Assumes an acyclic graph (validation guarantees it for a `Plan`).
 *
 * @example
 * ```ts
 * import { topologicalOrder } from "./topo.ts";
 * topologicalOrder([{ id: "B", dependencies: ["A"] }, { id: "A", dependencies: [] }]);
 * // ["A", "B"]
 * ```
 */
export function topologicalOrder(nodes: readonly GraphNode[]): string[] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const waiting = nodes.map((n) =>
    new Set(n.dependencies.filter((d) => index.has(d))).size
  );
  const dependents: number[][] = nodes.map(() => []);
  nodes.forEach((n, i) => {
    for (const d of new Set(n.dependencies)) {
      const j = index.get(d);
      if (j !== undefined) dependents[j]!.push(i);
    }
  });
  const ready = new MinHeap();
  waiting.forEach((w, i) => w === 0 && ready.push(i));
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodes[i]!.id);
    for (const j of dependents[i]!) if (--waiting[j]! === 0) ready.push(j);
  }
  return order;
}

/** A binary min-heap of plan indices. */
export class MinHeap {
  #items: number[] = [];

  /** Number of items held. */
  get size(): number {
    return this.#items.length;
  }

  /** Adds an index. */
  push(value: number): void {
    const a = this.#items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }

  /** Removes and returns the smallest index. */
  pop(): number {
    const a = this.#items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

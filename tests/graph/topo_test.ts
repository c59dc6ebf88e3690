import assert from "node:assert/strict";
import fc from "fast-check";
import type { GraphNode } from "../../src/graph/cycles.ts";
import { MinHeap, topologicalOrder } from "../../src/graph/topo.ts";

const node = (id: string, ...dependencies: string[]): GraphNode => ({
  id,
  dependencies,
});

Deno.test("topologicalOrder: dependencies first", () => {
  assert.deepEqual(
    topologicalOrder([node("C", "B"), node("B", "A"), node("A")]),
    ["A", "B", "C"],
  );
});

Deno.test("topologicalOrder: ties are broken by plan order", () => {
  // Among ready nodes the earliest in the plan goes first: Z (index 1), then
  // D (2) and B (3), which A made ready, before C (4), ready all along.
  assert.deepEqual(
    topologicalOrder([
      node("A"),
      node("Z"),
      node("D", "A"),
      node("B", "A"),
      node("C"),
    ]),
    ["A", "Z", "D", "B", "C"],
  );
  assert.deepEqual(
    topologicalOrder([node("X", "Y"), node("Y"), node("W")]),
    ["Y", "X", "W"],
  );
});

Deno.test("topologicalOrder: repeated and unknown dependencies do not block", () => {
  assert.deepEqual(
    topologicalOrder([node("A"), node("B", "A", "A", "GHOST")]),
    ["A", "B"],
  );
});

Deno.test("topologicalOrder: nodes on a cycle are left out", () => {
  assert.deepEqual(
    topologicalOrder([node("A", "B"), node("B", "A"), node("C")]),
    ["C"],
  );
});

Deno.test("topologicalOrder: a 10,000-long chain, written backwards, does not overflow", () => {
  const n = 10_000;
  const nodes = Array.from(
    { length: n },
    (_, i) => node(`T${n - 1 - i}`, ...(i < n - 1 ? [`T${n - 2 - i}`] : [])),
  );
  const order = topologicalOrder(nodes);
  assert.equal(order.length, n);
  assert.equal(order[0], "T0");
  assert.equal(order[n - 1], `T${n - 1}`);
});

Deno.test("topologicalOrder: every node after its dependencies (property)", () => {
  const dag = fc.integer({ min: 0, max: 30 }).chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), {
          maxLength: i === 0 ? 0 : 3,
        })),
    )
  );
  fc.assert(
    fc.property(dag, (deps) => {
      const nodes = deps.map((ds, i) =>
        node(`N${i}`, ...ds.map((d) => `N${d}`))
      );
      const order = topologicalOrder(nodes);
      assert.equal(order.length, nodes.length);
      const at = new Map(order.map((id, i) => [id, i]));
      for (const n of nodes) {
        for (const d of n.dependencies) assert.ok(at.get(d)! < at.get(n.id)!);
      }
    }),
  );
});

Deno.test("MinHeap: pops in ascending order", () => {
  const heap = new MinHeap();
  for (const v of [5, 3, 9, 1, 1, 7]) heap.push(v);
  const out: number[] = [];
  while (heap.size > 0) out.push(heap.pop());
  assert.deepEqual(out, [1, 1, 3, 5, 7, 9]);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { findCycles, type GraphNode } from "../../src/graph/cycles.ts";
import { topologicalOrder } from "../../src/graph/topo.ts";

const node = (id: string, ...dependencies: string[]): GraphNode => ({
  id,
  dependencies,
});

Deno.test("findCycles: none in a DAG", () => {
  assert.deepEqual(
    findCycles([
      node("A"),
      node("B", "A"),
      node("C", "A", "B"),
      node("D", "C"),
    ]),
    [],
  );
});

Deno.test("findCycles: self, two- and three-cycles, each as its path", () => {
  assert.deepEqual(findCycles([node("A", "A")]), [["A", "A"]]);
  assert.deepEqual(findCycles([node("A", "B"), node("B", "A")]), [[
    "A",
    "B",
    "A",
  ]]);
  assert.deepEqual(
    findCycles([node("A", "B"), node("B", "C"), node("C", "A")]),
    [["A", "B", "C", "A"]],
  );
});

Deno.test("findCycles: separate cycles are all found; the tail into a cycle is not part of it", () => {
  assert.deepEqual(
    findCycles([
      node("T", "A"),
      node("A", "B"),
      node("B", "A"),
      node("X", "Y"),
      node("Y", "X"),
    ]),
    [["A", "B", "A"], ["X", "Y", "X"]],
  );
});

Deno.test("findCycles: unknown dependencies are ignored", () => {
  assert.deepEqual(findCycles([node("A", "NOPE")]), []);
});

Deno.test("findCycles: a 10,000-long chain and a 10,000-long cycle do not overflow", () => {
  const n = 10_000;
  const chain = Array.from(
    { length: n },
    (_, i) => node(`T${i}`, ...(i ? [`T${i - 1}`] : [])),
  );
  assert.deepEqual(findCycles(chain), []);
  const ring = Array.from(
    { length: n },
    (_, i) => node(`T${i}`, `T${(i + 1) % n}`),
  );
  const cycles = findCycles(ring);
  assert.equal(cycles.length, 1);
  assert.equal(cycles[0]!.length, n + 1);
});

Deno.test("findCycles agrees with topologicalOrder: acyclic iff the order holds every node (property)", () => {
  const graph = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.array(
      fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }),
      { minLength: n, maxLength: n },
    )
  );
  fc.assert(
    fc.property(graph, (deps) => {
      const nodes = deps.map((ds, i) =>
        node(`N${i}`, ...ds.map((d) => `N${d}`))
      );
      const cycles = findCycles(nodes);
      const order = topologicalOrder(nodes);
      assert.equal(cycles.length === 0, order.length === nodes.length);
      for (const cycle of cycles) {
        assert.equal(cycle[0], cycle[cycle.length - 1]);
        for (let i = 0; i + 1 < cycle.length; i++) {
          const from = nodes.find((n) => n.id === cycle[i])!;
          assert.ok(
            from.dependencies.includes(cycle[i + 1]!),
            "each step is an edge",
          );
        }
      }
    }),
    { numRuns: 500 },
  );
});

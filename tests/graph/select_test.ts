import assert from "node:assert/strict";
import type { GraphNode } from "../../src/graph/cycles.ts";
import { selectWithDependencies } from "../../src/graph/select.ts";

const node = (id: string, ...dependencies: string[]): GraphNode => ({
  id,
  dependencies,
});
const DIAMOND = [
  node("A"),
  node("B", "A"),
  node("C", "A"),
  node("D", "B", "C"),
  node("E"),
];

Deno.test("selectWithDependencies: the task and everything it needs, transitively", () => {
  assert.deepEqual([...selectWithDependencies(DIAMOND, "D")].sort(), [
    "A",
    "B",
    "C",
    "D",
  ]);
  assert.deepEqual([...selectWithDependencies(DIAMOND, "B")].sort(), [
    "A",
    "B",
  ]);
  assert.deepEqual([...selectWithDependencies(DIAMOND, "E")], ["E"]);
});

Deno.test("selectWithDependencies: an unknown target selects nothing; cycles terminate", () => {
  assert.deepEqual([...selectWithDependencies(DIAMOND, "NOPE")], []);
  const cyclic = [node("A", "B"), node("B", "A")];
  assert.deepEqual([...selectWithDependencies(cyclic, "A")].sort(), ["A", "B"]);
});

Deno.test("selectWithDependencies: a 10,000-long chain", () => {
  const n = 10_000;
  const chain = Array.from(
    { length: n },
    (_, i) => node(`T${i}`, ...(i ? [`T${i - 1}`] : [])),
  );
  assert.equal(selectWithDependencies(chain, `T${n - 1}`).size, n);
});

/**
 * Job groups of an export: chains merged in order, then layers within a
 * budget; every task in exactly one job, in an order its dependencies
 * allow, gated and agent tasks alone.
 * @module
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { jobGroups, layerGroups } from "../../src/export/job_groups.ts";
import type { Task } from "../../src/plan/ir.ts";

function task(id: string, dependencies: string[], gated = false): Task {
  return { id, dependencies, gates: gated ? ["g"] : [] } as unknown as Task;
}

/** A random DAG: each task depends on some earlier ones; some gated. */
const dags = fc.array(
  fc.record({
    deps: fc.array(fc.nat(), { maxLength: 3 }),
    gated: fc.boolean(),
  }),
  { minLength: 1, maxLength: 60 },
).map((specs) =>
  specs.map((s, i) =>
    task(
      `t${i}`,
      i === 0 ? [] : [...new Set(s.deps.map((d) => `t${d % i}`))],
      s.gated && i % 7 === 0,
    )
  )
);

/** Each task once; within a job, a task after the ones of the job it needs. */
function assertValid(tasks: Task[], groups: { tasks: Task[] }[]): void {
  const ids = groups.flatMap((g) => g.tasks.map((t) => t.id));
  assert.deepEqual([...ids].sort(), tasks.map((t) => t.id).sort());
  for (const g of groups) {
    const seen = new Set<string>();
    for (const t of g.tasks) {
      for (const d of t.dependencies) {
        const inJob = g.tasks.some((x) => x.id === d);
        assert.ok(!inJob || seen.has(d), `${t.id} before ${d} in one job`);
      }
      seen.add(t.id);
    }
    if (g.tasks.length > 1) {
      assert.ok(
        g.tasks.every((t) => t.gates.length === 0),
        "a gated task merged",
      );
    }
  }
  // The jobs' graph has no cycle (GitHub refuses one).
  const jobOf = new Map<string, number>();
  groups.forEach((g, i) => g.tasks.forEach((t) => jobOf.set(t.id, i)));
  const state = new Map<number, "open" | "done">();
  const visit = (i: number) => {
    assert.notEqual(state.get(i), "open", "a cycle of jobs");
    if (state.get(i) === "done") return;
    state.set(i, "open");
    for (const t of groups[i]!.tasks) {
      for (const d of t.dependencies) {
        const j = jobOf.get(d)!;
        if (j !== i) visit(j);
      }
    }
    state.set(i, "done");
  };
  groups.forEach((_, i) => visit(i));
}

Deno.test("job groups: one per task, chains, and layers within any budget hold every task once, in order, without a cycle", () => {
  fc.assert(
    fc.property(dags, fc.integer({ min: 1, max: 40 }), (tasks, budget) => {
      assertValid(tasks, jobGroups(tasks, false));
      const chains = jobGroups(tasks, true);
      assertValid(tasks, chains);
      const layers = layerGroups(chains, budget);
      if (layers === null) return;
      assertValid(tasks, layers);
      assert.ok(layers.length <= budget, `${layers.length} > ${budget}`);
    }),
  );
});

Deno.test("layer groups: null when gated tasks and layers alone exceed the budget", () => {
  const tasks = [task("a", [], true), task("b", [], true), task("c", ["a"])];
  assert.equal(layerGroups(jobGroups(tasks, true), 2), null);
  assert.equal(layerGroups(jobGroups(tasks, true), 3)?.length, 3);
});

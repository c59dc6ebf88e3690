/**
 * Which tasks share a GitHub job. One job per task, unless the plan needs
 * more jobs (or a longer file) than GitHub allows: then every chain (a
 * task whose only dependant depends on nothing else) becomes one job that
 * runs the chain's tasks in order; then, if that is still too many,
 * chains of the same layer (their longest path from a root) share jobs.
 * Tasks with gates or agents are never merged: each keeps a job of its
 * own, bound to its gates' environments.
 * @module
 */

import type { Task } from "../plan/ir.ts";

/** Tasks that run in one job, in order. */
export interface JobGroup {
  tasks: Task[];
  /** Set when chains of one layer were merged: the layer (0: no dependency). */
  layer?: number;
}

/**
 * The job groups of a plan: one per task, or chains merged when `merge`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jobGroups } from "./job_groups.ts";
 * const t = (id: string, dependencies: string[] = []) =>
 *   ({ id, dependencies, gates: [] }) as unknown as import("../plan/ir.ts").Task;
 * const groups = jobGroups([t("a"), t("b", ["a"]), t("c", ["b"]), t("d", ["a"])], true);
 * assert.deepEqual(groups.map((g) => g.tasks.map((x) => x.id)), [["a"], ["b", "c"], ["d"]]);
 * ```
 */
export function jobGroups(tasks: readonly Task[], merge: boolean): JobGroup[] {
  if (!merge) return tasks.map((t) => ({ tasks: [t] }));
  const dependants = new Map<string, string[]>();
  for (const t of tasks) {
    for (const d of t.dependencies) {
      dependants.set(d, [...(dependants.get(d) ?? []), t.id]);
    }
  }
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const plain = (t: Task) => t.gates.length === 0 && t.agent === undefined;
  // The one task a chain continues into from `t`, if any.
  const next = (t: Task): Task | undefined => {
    const after = dependants.get(t.id) ?? [];
    if (after.length !== 1) return undefined;
    const b = byId.get(after[0]!);
    return b && plain(t) && plain(b) && b.dependencies.length === 1
      ? b
      : undefined;
  };
  const continues = new Set<string>();
  for (const t of tasks) {
    const b = next(t);
    if (b) continues.add(b.id);
  }
  const groups: JobGroup[] = [];
  for (const t of tasks) {
    if (continues.has(t.id)) continue;
    const chain = [t];
    for (let b = next(t); b; b = next(b)) chain.push(b);
    groups.push({ tasks: chain });
  }
  return groups;
}

const plainTask = (t: Task) => t.gates.length === 0 && t.agent === undefined;

/**
 * `groups` in at most `budget` jobs: groups of gated or agent tasks stay
 * alone; the others, by layer (longest path from a group without
 * dependencies), share jobs, each layer in as many jobs as its share of the
 * budget allows (at least one). Null when even one job a layer is too many.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { layerGroups } from "./job_groups.ts";
 * const t = (id: string, dependencies: string[] = []) =>
 *   ({ id, dependencies, gates: [] }) as unknown as import("../plan/ir.ts").Task;
 * const groups = [t("a"), t("b"), t("c", ["a", "b"])].map((x) => ({ tasks: [x] }));
 * const layers = layerGroups(groups, 2)!;
 * assert.deepEqual(layers.map((g) => g.tasks.map((x) => x.id)), [["a", "b"], ["c"]]);
 * ```
 */
export function layerGroups(
  groups: readonly JobGroup[],
  budget: number,
): JobGroup[] | null {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.tasks.forEach((t) => groupOf.set(t.id, i)));
  const levels: number[] = [];
  const levelOf = (i: number): number => {
    if (levels[i] !== undefined) return levels[i]!;
    let level = 0;
    for (const t of groups[i]!.tasks) {
      for (const d of t.dependencies) {
        const j = groupOf.get(d)!;
        if (j !== i) level = Math.max(level, levelOf(j) + 1);
      }
    }
    return levels[i] = level;
  };
  const alone: JobGroup[] = [];
  const byLevel = new Map<number, JobGroup[]>();
  groups.forEach((g, i) => {
    if (!g.tasks.every(plainTask)) return alone.push(g);
    const level = levelOf(i);
    byLevel.set(level, [...byLevel.get(level) ?? [], g]);
  });
  const room = budget - alone.length;
  if (room < byLevel.size) return null;
  const plain = groups.length - alone.length;
  const ordered = [...byLevel.entries()].sort((a, b) => a[0] - b[0]);
  const shares = ordered.map(([, gs]) =>
    Math.max(1, Math.floor(gs.length * room / plain))
  );
  // Rounding up to one a layer can overshoot: the largest shares give back.
  while (shares.reduce((a, b) => a + b, 0) > room) {
    const i = shares.indexOf(Math.max(...shares));
    shares[i]!--;
  }
  const out: JobGroup[] = [...alone];
  ordered.forEach(([level, gs], k) => {
    const jobs = Math.min(shares[k]!, gs.length);
    for (let j = 0; j < jobs; j++) {
      const part = gs.slice(
        Math.floor(j * gs.length / jobs),
        Math.floor((j + 1) * gs.length / jobs),
      );
      out.push({ tasks: part.flatMap((g) => g.tasks), layer: level });
    }
  });
  return out;
}

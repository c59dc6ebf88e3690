/**
 * Which tasks share a GitHub job. One job per task, unless the plan needs
 * more jobs than GitHub allows: then every chain (a task whose only
 * dependant depends on nothing else) becomes one job that runs the chain's
 * last task, and with it the ones before (`orchestrate run --task` runs a
 * task's dependencies). Tasks with gates or agents are never merged: each
 * keeps a job of its own, bound to its gates' environments.
 * @module
 */

import type { Task } from "../plan/ir.ts";

/** Tasks that run in one job, in order; the job runs the last one. */
export interface JobGroup {
  tasks: Task[];
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

/**
 * What changed in the plan since a run recorded its IR, task by task, and
 * why; and the plan a resume works from. Pure.
 *
 * Only what a task does counts (its execution view: commands, checks,
 * dependencies, gates, inputs, outputs, paths, shards' work, retries,
 * limits, and any field the IR gains later). Titles and descriptions, and
 * the project's name and language, are for people: a plan that writes the
 * time or a random value into them changes no task. (Should a step ever read
 * a description, e.g. as an agent's brief, take it out of
 * {@link DESCRIPTIVE_TASK_FIELDS}.)
 * @module
 */

import type { Plan, Task } from "../plan/ir.ts";
import { topologicalOrder } from "../graph/topo.ts";

/** Task fields read only by people (shards have the same two). */
export const DESCRIPTIVE_TASK_FIELDS = ["title", "description"] as const;
/** Project fields read only by people. */
export const DESCRIPTIVE_PROJECT_FIELDS = ["name", "language"] as const;

/** How one task differs from the run's recorded IR. */
export type TaskChange =
  /** In the plan now, not in the run. */
  | { task: string; kind: "added" }
  /** In the run, not in the plan any more. */
  | { task: string; kind: "removed" }
  /** Its own execution view changed: `why` lists what, for people. */
  | { task: string; kind: "changed"; why: string[] }
  /** Unchanged itself, but a dependency (directly or further up) changed. */
  | { task: string; kind: "upstream"; on: string };

/** Everything that changed since the run recorded its IR. */
export interface PlanChanges {
  /** Per task, in the current plan's order; removed tasks last. */
  tasks: TaskChange[];
  /** Plan-wide changes (final build, strategy, ...), for people. */
  plan: string[];
}

/**
 * The differences between the IR a run recorded and the plan now.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planChanges } from "./plan_changes.ts";
 * const task = (id: string, run: string, title = id) => ({
 *   id, title, description: "", dependencies: [], shards: [],
 *   commands: [{ name: "x", run }],
 * });
 * const plan = (...tasks: object[]) =>
 *   ({ version: 1, project: {}, orchestrator: {}, tasks } as never);
 * const changes = planChanges(
 *   plan(task("A", "a"), task("B", "b")),
 *   plan(task("A", "a", `A at ${Date.now()}`), task("B", "b2")),
 * );
 * assert.deepEqual(changes.tasks, [
 *   { task: "B", kind: "changed", why: ['command "x" changed'] },
 * ]);
 * ```
 */
export function planChanges(recorded: Plan, current: Plan): PlanChanges {
  if (recorded === current) return { tasks: [], plan: [] };
  const before = new Map(recorded.tasks.map((t) => [t.id, t]));
  const now = new Map(current.tasks.map((t) => [t.id, t]));
  const direct = new Map<string, TaskChange>();
  for (const task of current.tasks) {
    const old = before.get(task.id);
    if (old === undefined) {
      direct.set(task.id, { task: task.id, kind: "added" });
      continue;
    }
    const why = taskDifferences(old, task);
    if (why.length > 0) {
      direct.set(task.id, { task: task.id, kind: "changed", why });
    }
  }
  // A task runs again when anything upstream does (definition hashes include the dependencies').
  const upstream = new Map<string, string>();
  for (const id of topologicalOrder(current.tasks)) {
    if (direct.has(id)) continue;
    const dep = now.get(id)!.dependencies.find((d) =>
      direct.has(d) || upstream.has(d)
    );
    if (dep !== undefined) upstream.set(id, upstream.get(dep) ?? dep);
  }
  const tasks: TaskChange[] = [];
  for (const task of current.tasks) {
    const change = direct.get(task.id);
    const on = upstream.get(task.id);
    if (change) tasks.push(change);
    else if (on !== undefined) {
      tasks.push({ task: task.id, kind: "upstream", on });
    }
  }
  for (const task of recorded.tasks) {
    if (!now.has(task.id)) tasks.push({ task: task.id, kind: "removed" });
  }
  return { tasks, plan: planDifferences(recorded, current) };
}

/** Whether anything a run does changed. */
export function hasChanges(changes: PlanChanges): boolean {
  return changes.tasks.length > 0 || changes.plan.length > 0;
}

/**
 * The plan a resume works from: the recorded IR's definition of every task
 * whose execution view is unchanged (so its definition hash, and the
 * approvals bound to it, stay those of the run), the current plan's for
 * changed and added tasks, and the current plan's task order. Without any
 * change it is the recorded IR itself. A recorded task is only ever used
 * where the plan now does the same thing: the run's files cannot make a
 * resume run what the plan does not contain.
 */
export function resumedPlan(
  recorded: Plan,
  current: Plan,
  changes: PlanChanges,
): Plan {
  if (!hasChanges(changes)) return recorded;
  const own = new Set(
    changes.tasks.filter((c) => c.kind === "changed" || c.kind === "added")
      .map((c) => c.task),
  );
  const before = new Map(recorded.tasks.map((t) => [t.id, t]));
  return {
    ...current,
    project: same(projectView(recorded), projectView(current))
      ? recorded.project
      : current.project,
    orchestrator: same(recorded.orchestrator, current.orchestrator)
      ? recorded.orchestrator
      : current.orchestrator,
    tasks: current.tasks.map((t) => own.has(t.id) ? t : before.get(t.id)!),
  };
}

/**
 * One line for people per change, e.g. `B: command "test" changed`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainChanges } from "./plan_changes.ts";
 * assert.deepEqual(
 *   explainChanges({
 *     tasks: [
 *       { task: "B", kind: "changed", why: ["inputs changed"] },
 *       { task: "C", kind: "upstream", on: "B" },
 *       { task: "N", kind: "added" },
 *       { task: "D", kind: "removed" },
 *     ],
 *     plan: ["final build steps changed"],
 *   }),
 *   [
 *     "B: inputs changed",
 *     "C: its dependency B changed",
 *     "N: new task",
 *     "D: removed from the plan",
 *     "plan: final build steps changed",
 *   ],
 * );
 * ```
 */
export function explainChanges(changes: PlanChanges): string[] {
  const lines = changes.tasks.map((c) => `${c.task}: ${explainTask(c)}`);
  for (const why of changes.plan) lines.push(`plan: ${why}`);
  return lines;
}

function explainTask(change: TaskChange): string {
  switch (change.kind) {
    case "added":
      return "new task";
    case "removed":
      return "removed from the plan";
    case "changed":
      return change.why.join(", ");
    case "upstream":
      return `its dependency ${change.on} changed`;
  }
}

/** What differs between two definitions of a task, for people. */
function taskDifferences(before: Task, now: Task): string[] {
  const a = taskView(before);
  const b = taskView(now);
  const why: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (same(a[key], b[key])) continue;
    if (key === "commands") why.push(...commandDifferences(before, now));
    else why.push(`${FIELD_NAMES[key] ?? key.replaceAll("_", " ")} changed`);
  }
  return why;
}

const FIELD_NAMES: Record<string, string> = {
  acceptance: "acceptance checks",
  approvals: "approvals",
  dependencies: "dependencies",
  skip_when_accepted: "skip_when_accepted",
};

function commandDifferences(before: Task, now: Task): string[] {
  const old = new Map(before.commands.map((c) => [c.name, c]));
  const names = new Set(now.commands.map((c) => c.name));
  const why: string[] = [];
  for (const c of now.commands) {
    const was = old.get(c.name);
    if (was === undefined) why.push(`command "${c.name}" added`);
    else if (!same(was, c)) why.push(`command "${c.name}" changed`);
  }
  for (const c of before.commands) {
    if (!names.has(c.name)) why.push(`command "${c.name}" removed`);
  }
  return why.length > 0 ? why : ["the order of its commands changed"];
}

function planDifferences(recorded: Plan, current: Plan): string[] {
  const why: string[] = [];
  const a = projectView(recorded);
  const b = projectView(current);
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!same(a[key], b[key])) why.push(`${PROJECT_NAMES[key] ?? key} changed`);
  }
  const o = recorded.orchestrator as unknown as Record<string, unknown>;
  const p = current.orchestrator as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(o), ...Object.keys(p)])) {
    if (!same(o[key], p[key])) why.push(`orchestrator.${key} changed`);
  }
  if (recorded.version !== current.version) why.push("version changed");
  return why;
}

const PROJECT_NAMES: Record<string, string> = {
  final_build: "final build steps",
  build: "build steps",
  root: "project root",
};

/** A task without the fields only people read. */
function taskView(task: Task): Record<string, unknown> {
  const view: Record<string, unknown> = { ...task };
  for (const field of DESCRIPTIVE_TASK_FIELDS) delete view[field];
  view.shards = task.shards.map((shard) => {
    const s: Record<string, unknown> = { ...shard };
    for (const field of DESCRIPTIVE_TASK_FIELDS) delete s[field];
    return s;
  });
  return view;
}

function projectView(plan: Plan): Record<string, unknown> {
  const view: Record<string, unknown> = { ...plan.project };
  for (const field of DESCRIPTIVE_PROJECT_FIELDS) delete view[field];
  return view;
}

/** Deep equality of plain JSON data, whatever the order of object keys. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (
    typeof a !== "object" || typeof b !== "object" || a === null || b === null
  ) {
    return false;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => same(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  return keys.length ===
      Object.keys(y).filter((k) => y[k] !== undefined).length &&
    keys.every((k) => same(x[k], y[k]));
}

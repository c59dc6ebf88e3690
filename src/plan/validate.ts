/**
 * Semantic validation of the IR: ids, dependencies, cycles. Pure.
 * @module
 */

import { findCycles, type GraphNode } from "../graph/cycles.ts";
import type { Diagnostic, DocPath } from "./diagnostic.ts";
import { ID_PATTERN } from "./rules.ts";
import { closest } from "./suggest.ts";

/** The part of a plan these checks read; raw data of a plan that failed the schema fits too. */
export interface PlanGraph {
  tasks: readonly {
    id: string;
    /** `undefined` marks an entry the schema rejects (kept so indices match the file). */
    dependencies: readonly (string | undefined)[];
    /** `undefined` marks a shard without a usable id. */
    shards: readonly ({ id: string } | undefined)[];
    /** Its gates as written (`undefined` marks an entry the schema rejects). */
    approvals?: readonly (string | undefined)[];
  }[];
  /** `orchestrator.approvals.required`: when it lists gates, a task's gates must be among them. */
  orchestrator?: { approvals?: { required?: readonly string[] } };
}

/** Gates every plan has without listing them: a `Manual:` check's, an agent patch's. */
const BUILT_IN_GATES: ReadonlySet<string> = new Set(["manual", "apply_patch"]);

/** Where a task of the IR was written: its file and its index in that file's `tasks`. */
export interface TaskOrigin {
  file: string;
  index: number;
}

/**
 * Checks what the schema cannot: ids unique across tasks and shards,
 * dependencies that exist, no cycles. Returns every problem found.
 *
 * @example
 * ```ts
 * import { validatePlan } from "./validate.ts";
 * import { normalizePlan } from "./normalize.ts";
 * const plan = normalizePlan({ version: 1, tasks: [{ id: "A", title: "a", dependencies: ["B"] }] }, [], "p");
 * validatePlan(plan, [{ file: "orchestrator.yml", index: 0 }])[0]!.message;
 * // 'Unknown dependency "B"'
 * ```
 */
export function validatePlan(
  plan: PlanGraph,
  origins: readonly TaskOrigin[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const at = (
    i: number,
    ...rest: (string | number)[]
  ): { file: string; path: DocPath } => ({
    file: origins[i]!.file,
    path: ["tasks", origins[i]!.index, ...rest],
  });

  // Where each id was first seen, as `task * stride + shard + 1` (0 for the
  // task itself): a location is built only for a duplicate.
  const stride = 1 +
    plan.tasks.reduce((m, t) => Math.max(m, t.shards.length), 0);
  const where = (code: number) => {
    const i = Math.floor(code / stride), s = code % stride - 1;
    return s < 0 ? at(i, "id") : at(i, "shards", s, "id");
  };
  const seen = new Map<string, number>();
  const claim = (id: string, code: number) => {
    const first = seen.get(id);
    if (first === undefined) {
      seen.set(id, code);
      return;
    }
    diagnostics.push({
      ...where(code),
      message:
        `Duplicate id "${id}": ids must be unique across tasks and shards`,
      related: { ...where(first), label: "first defined at" },
    });
  };
  const taskIds = new Set<string>();
  const shardOwner = new Map<string, string>();
  plan.tasks.forEach((task, i) => {
    claim(task.id, i * stride);
    taskIds.add(task.id);
    task.shards.forEach((shard, s) => {
      if (shard === undefined) return;
      claim(shard.id, i * stride + s + 1);
      shardOwner.set(shard.id, task.id);
    });
  });

  plan.tasks.forEach((task, i) => {
    task.dependencies.forEach((dep, d) => {
      if (dep === undefined || taskIds.has(dep)) return;
      const owner = shardOwner.get(dep);
      let message = `Unknown dependency "${dep}"`;
      if (owner) {
        message += `: it is a shard of "${owner}"; depend on "${owner}"`;
      } else {
        const near = closest(dep, taskIds);
        if (near) message += `: did you mean "${near}"?`;
      }
      diagnostics.push({ ...at(i, "dependencies", d), message });
    });
  });

  // A misspelt gate would wait forever for an approval nobody is asked for.
  const required = plan.orchestrator?.approvals?.required ?? [];
  if (required.length > 0) {
    const known = new Set(required);
    plan.tasks.forEach((task, i) => {
      (task.approvals ?? []).forEach((gate, g) => {
        if (gate === undefined || known.has(gate) || BUILT_IN_GATES.has(gate)) {
          return;
        }
        const near = closest(gate, known);
        diagnostics.push({
          ...at(i, "approvals", g),
          message:
            `Unknown gate "${gate}": not in orchestrator.approvals.required (${
              required.join(", ")
            })${near ? `; did you mean "${near}"?` : ""}`,
        });
      });
    });
  }

  // A duplicated id is reported above; cycles follow its first definition.
  const index = new Map<string, number>();
  plan.tasks.forEach((t, i) => index.has(t.id) || index.set(t.id, i));
  // A well-formed plan (every IR) is its own graph: no copy of 10,000 tasks.
  const wellFormed = index.size === plan.tasks.length &&
    plan.tasks.every((t) => !t.dependencies.includes(undefined));
  const nodes: readonly GraphNode[] = wellFormed
    ? plan.tasks as readonly GraphNode[]
    : [...index].map(([id, i]) => ({
      id,
      dependencies: plan.tasks[i]!.dependencies.filter((d) => d !== undefined),
    }));
  for (const cycle of findCycles(nodes)) {
    const from = index.get(cycle[0]!)!;
    const d = plan.tasks[from]!.dependencies.indexOf(cycle[1]!);
    diagnostics.push({
      ...at(from, "dependencies", d),
      message: cycle.length === 2
        ? `Task "${cycle[0]}" depends on itself`
        : `Dependency cycle: ${cycle.join(" -> ")}`,
    });
  }
  return diagnostics;
}

/**
 * The well-formed part of raw plan data (tasks with string ids), so
 * cross-task checks can run even when the schema failed. Indices of the
 * tasks kept are returned; malformed dependencies and shards stay as
 * `undefined` so positions still match the file.
 *
 * @example
 * ```ts
 * import { graphOfRawTasks } from "./validate.ts";
 * graphOfRawTasks([{ id: "A", dependencies: ["B", 5] }, "junk"]);
 * // { graph: { tasks: [{ id: "A", dependencies: ["B", undefined], shards: [], approvals: [] }],
 * //   orchestrator: { approvals: { required: [] } } }, indices: [0] }
 * ```
 */
export function graphOfRawTasks(
  rawTasks: readonly unknown[],
  required: readonly string[] = [],
): { graph: PlanGraph; indices: number[] } {
  const tasks: PlanGraph["tasks"][number][] = [];
  const indices: number[] = [];
  rawTasks.forEach((raw, i) => {
    if (raw === null || typeof raw !== "object") return;
    const t = raw as Record<string, unknown>;
    if (typeof t.id !== "string") return;
    const dependencies = Array.isArray(t.dependencies)
      ? t.dependencies.map((d) =>
        typeof d === "string" && ID_PATTERN.test(d) ? d : undefined
      )
      : [];
    const shards = Array.isArray(t.shards)
      ? t.shards.map((s) =>
        typeof s?.id === "string" ? { id: s.id as string } : undefined
      )
      : [];
    const approvals = Array.isArray(t.approvals)
      ? t.approvals.map((a) => typeof a === "string" ? a : undefined)
      : [];
    tasks.push({ id: t.id, dependencies, shards, approvals });
    indices.push(i);
  });
  return {
    graph: { tasks, orchestrator: { approvals: { required } } },
    indices,
  };
}

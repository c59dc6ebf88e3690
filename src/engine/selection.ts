/**
 * Which tasks a run covers: a fresh run's selection (`--task` and its
 * dependencies, or all), and on resume, which tasks are done earlier in the
 * run and which run again. Pure; `run` and `--dry-run` both read it.
 * @module
 */

import { selectWithDependencies } from "../graph/select.ts";
import type { Plan } from "../plan/ir.ts";
import { isDoneInRun, type RunState } from "../events/fold.ts";
import { closest } from "../plan/suggest.ts";
import { UnknownTarget } from "./refused.ts";

/** A run's selection. */
export interface Selection {
  /** The `--task` target (a task id), or null for the whole plan. */
  target: string | null;
  /** Selected task ids (closed under dependencies). */
  selected: Set<string>;
  /** Selected tasks done earlier in the run being resumed, with their fingerprints. */
  doneEarlier: Map<string, string | null>;
  /**
   * `--only`: the target alone, its dependencies completed elsewhere (see
   * `only.ts`); a resume of such a run stays so.
   */
  only: boolean;
}

export { UnknownTarget };

/**
 * The task named by `--task`: a task id, or a shard id that belongs to one
 * task; else {@link UnknownTarget} with the nearest id.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveTarget } from "./selection.ts";
 * const plan = { tasks: [{ id: "BUILD", shards: [{ id: "BUILD-1" }] }] };
 * assert.equal(resolveTarget(plan, "BUILD-1"), "BUILD");
 * assert.throws(() => resolveTarget(plan, "BIULD"), /did you mean "BUILD"/);
 * ```
 */
export function resolveTarget(
  plan: { tasks: readonly { id: string; shards: readonly { id: string }[] }[] },
  target: string,
): string {
  if (plan.tasks.some((t) => t.id === target)) return target;
  const owners = plan.tasks.filter((t) =>
    t.shards.some((s) => s.id === target)
  );
  if (owners.length === 1) return owners[0]!.id;
  const ids = plan.tasks.flatMap((t) => [t.id, ...t.shards.map((s) => s.id)]);
  const near = closest(target, ids);
  throw new UnknownTarget(
    `Unknown task "${target}": no task or shard has that id${
      near ? `; did you mean "${near}"?` : ""
    }`,
  );
}

/** The selection of a fresh run; with `only`, the target without its dependencies. */
export function freshSelection(
  plan: Plan,
  target: string | null,
  only = false,
): Selection {
  const resolved = target === null ? null : resolveTarget(plan, target);
  return {
    target: resolved,
    selected: resolved === null
      ? new Set(plan.tasks.map((t) => t.id))
      : only
      ? new Set([resolved])
      : selectWithDependencies(plan.tasks, resolved),
    doneEarlier: new Map(),
    only: only && resolved !== null,
  };
}

/**
 * The selection of a resumed run: the run's own selection (its target, or
 * the tasks it selected when the target is gone from the plan, plus tasks
 * added since), less the tasks done earlier with an unchanged definition.
 */
export function resumeSelection(
  plan: Plan,
  state: RunState,
  hashes: Readonly<Record<string, string>>,
): Selection {
  const ids = new Set(plan.tasks.map((t) => t.id));
  const recorded = new Map(Object.entries(state.task_hashes));
  const wasSelected = new Set(state.selected);
  const target = state.selection !== null && ids.has(state.selection)
    ? state.selection
    : null;
  let selected: Set<string>;
  // A selection that leaves out a dependency of its target was `--only`.
  const only = target !== null &&
    plan.tasks.find((t) => t.id === target)!.dependencies.some((d) =>
      !wasSelected.has(d)
    );
  if (state.selection === null) selected = new Set(ids);
  else if (only) selected = new Set([target]);
  else if (target !== null) {
    selected = selectWithDependencies(plan.tasks, target);
  } else {
    selected = new Set(
      plan.tasks.filter((t) => wasSelected.has(t.id) || !recorded.has(t.id))
        .map((t) => t.id),
    );
  }
  const doneEarlier = new Map<string, string | null>();
  for (const id of selected) {
    const task = state.tasks.get(id);
    const unchanged = recorded.get(id) === hashes[id];
    if (task && unchanged && isDoneInRun(task.state, task.reason)) {
      doneEarlier.set(id, task.fingerprint);
    }
  }
  return { target: state.selection, selected, doneEarlier, only };
}

/**
 * Which tasks a run covers: a fresh run's selection (`--task` and its
 * dependencies, or all), a watch re-run's (what a change affects and its
 * dependents), and on resume, which tasks are done earlier in the run and
 * which run again. Pure; `run` and `--dry-run` both read it.
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
  /**
   * With `only`: a dependency outside the selection that did not complete
   * for its current definition in the project's latest runs joins the
   * selection (a watch re-run, see `widenSelection`), instead of blocking
   * the target (`--only`).
   */
  widen?: boolean;
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
 * The selection of a watch re-run: the tasks `affected` by a change and
 * every task that depends on them, within the watched selection (`target`
 * and its dependencies, or the whole plan). Their other dependencies are
 * not run again: they come from the project's runs (`widen`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { affectedSelection } from "./selection.ts";
 * const task = (id: string, ...dependencies: string[]) => ({ id, dependencies, shards: [] });
 * const plan = { tasks: [task("A"), task("B", "A"), task("C", "B"), task("D")] };
 * const s = affectedSelection(plan as never, null, ["B"]);
 * assert.deepEqual([...s.selected].sort(), ["B", "C"]);
 * assert.equal(affectedSelection(plan as never, "B", ["B"]).selected.has("C"), false);
 * ```
 */
export function affectedSelection(
  plan: Plan,
  target: string | null,
  affected: Iterable<string>,
): Selection {
  const resolved = target === null ? null : resolveTarget(plan, target);
  const watched = resolved === null
    ? new Set(plan.tasks.map((t) => t.id))
    : selectWithDependencies(plan.tasks, resolved);
  const dependents = new Map<string, string[]>();
  for (const task of plan.tasks) {
    if (!watched.has(task.id)) continue;
    for (const dep of task.dependencies) {
      if (!dependents.has(dep)) dependents.set(dep, []);
      dependents.get(dep)!.push(task.id);
    }
  }
  const selected = new Set<string>();
  const todo = [...affected].filter((id) => watched.has(id));
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (selected.has(id)) continue;
    selected.add(id);
    todo.push(...dependents.get(id) ?? []);
  }
  return {
    target: resolved,
    selected,
    doneEarlier: new Map(),
    only: true,
    widen: true,
  };
}

/**
 * The selection of a resumed run: the run's own selection (its target, or
 * the tasks it selected when the target is gone from the plan, plus tasks
 * added since), less the tasks done earlier with an unchanged definition.
 * A run that left out a dependency of a task it selected (`--only`, a
 * watch re-run) resumes the same tasks, its dependencies again from
 * elsewhere.
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
  // Tasks that existed when the run started and that it left out.
  const leftOut = (id: string) => recorded.has(id) && !wasSelected.has(id);
  const partial = state.selection === null
    ? [...recorded.keys()].some(leftOut)
    : plan.tasks.some((t) =>
      wasSelected.has(t.id) && t.dependencies.some(leftOut)
    );
  // As recorded; in an older log, by shape: `--only` selected its target
  // alone, a watch re-run a task's dependents (the target alone too, at times).
  const widen = partial &&
    (state.partial !== null
      ? state.partial === "widen"
      : !(target !== null && wasSelected.size === 1 &&
        wasSelected.has(target)));
  if (partial) selected = new Set([...ids].filter((id) => wasSelected.has(id)));
  else if (state.selection === null) selected = new Set(ids);
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
  return {
    target: state.selection,
    selected,
    doneEarlier,
    only: partial,
    widen,
  };
}

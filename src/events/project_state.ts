/**
 * One state of the project, not of the latest run: each task's latest
 * result across the runs of its plan. A run of a selection (`run --task A`)
 * records the tasks it left out as skipped "outside the selection"; those
 * keep the result an earlier run gave them, with that run's id, so
 * `status`, `list` and TASKS.md show what the project is, not what the last
 * command touched. A task the latest run selected keeps the latest run's
 * state, pending included: that run (or its resume) is what runs it next.
 * @module
 */

import type { RunState, TaskState } from "./fold.ts";
import type { RunStore } from "./store.ts";
import { OUTSIDE_SELECTION } from "./types.ts";

/**
 * How much of earlier runs' logs is read at most (characters) to find
 * tasks' latest results. A budget of text, not of runs: a watch session's
 * hundreds of small re-runs, each of a task or two, still reach the run
 * that last gave the others a result.
 */
export const EARLIER_READ_MAX = 32 * 1024 * 1024;

/**
 * Whether a run gave `task` a result of its own (it ran, failed, was
 * blocked, skipped as up to date, ...), not only passed it over as outside
 * its selection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { touched } from "./project_state.ts";
 * const base = { id: "A", run: "r", started_at: null, duration_ms: null, detail: null,
 *   failure: null, fingerprint: null, shards: new Map(), last_output: null, awaiting: [] };
 * assert.equal(touched({ ...base, state: "completed", reason: null }), true);
 * assert.equal(touched({ ...base, state: "skipped", reason: "outside the selection" }), false);
 * ```
 */
export function touched(task: TaskState): boolean {
  return !(task.state === "skipped" && task.reason === OUTSIDE_SELECTION) &&
    task.state !== "pending";
}

/**
 * The state `current` with each task it left out of its selection (skipped
 * "outside the selection", or never named by a run whose selection is
 * known) taken from `earlier` (each task's latest result in older runs),
 * when there is one. Pure; `current` is not changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState, type TaskState } from "./fold.ts";
 * import { overlayEarlier } from "./project_state.ts";
 * const task = (id: string, state: TaskState["state"], run: string, reason: string | null = null): TaskState => ({
 *   id, state, run, reason, started_at: null, duration_ms: null, detail: null,
 *   failure: null, fingerprint: null, shards: new Map(), last_output: null, awaiting: [] });
 * const now = { ...emptyState(), tasks: new Map([
 *   ["A", task("A", "completed", "r2")],
 *   ["B", task("B", "skipped", "r2", "outside the selection")],
 * ]) };
 * const merged = overlayEarlier(now, new Map([["B", task("B", "completed", "r1")]]));
 * assert.equal(merged.tasks.get("B")!.state, "completed");
 * assert.equal(merged.tasks.get("B")!.run, "r1");
 * assert.equal(now.tasks.get("B")!.state, "skipped");
 * ```
 */
export function overlayEarlier(
  current: RunState,
  earlier: ReadonlyMap<string, TaskState>,
): RunState {
  if (earlier.size === 0) return current;
  const left = (id: string) => {
    const now = current.tasks.get(id);
    return now === undefined
      ? true // Not selected: candidatesOf left out the selected ones.
      : now.state === "skipped" && now.reason === OUTSIDE_SELECTION;
  };
  const taken = candidatesOf(current.selected, earlier).filter(([id]) =>
    left(id)
  );
  if (taken.length === 0) return current;
  const tasks = new Map(current.tasks);
  for (const [id, task] of taken) tasks.set(id, task);
  return { ...current, tasks };
}

/**
 * The entries of `earlier` a run with `selected` can leave out (those it
 * did not select), worked out once per pair: the dashboard asks after every
 * event, and a whole-plan run leaves out none.
 */
const candidates = new WeakMap<
  readonly string[],
  { earlier: ReadonlyMap<string, TaskState>; list: [string, TaskState][] }
>();

function candidatesOf(
  selected: readonly string[],
  earlier: ReadonlyMap<string, TaskState>,
): [string, TaskState][] {
  const known = candidates.get(selected);
  if (known !== undefined && known.earlier === earlier) return known.list;
  const chosen = new Set(selected);
  const list = [...earlier].filter(([id]) => !chosen.has(id));
  candidates.set(selected, { earlier, list });
  return list;
}

/**
 * Each of `ids`' latest result in the project's runs other than `exclude`
 * (newest first, until {@link EARLIER_READ_MAX} of their logs is read), from runs
 * of the same plan file when both name one. Tasks no run touched are absent.
 *
 * @param store The project's run store.
 * @param ids The plan's task ids.
 * @param options `exclude`: the run shown itself (its own results win);
 *   `planFile`: the plan file the runs must have recorded.
 */
export async function earlierResults(
  store: RunStore,
  ids: ReadonlySet<string>,
  options: { exclude: string | null; planFile: string | null },
): Promise<Map<string, TaskState>> {
  const found = new Map<string, TaskState>();
  const runs = (await store.runs()).filter((r) => r !== options.exclude);
  let read = 0;
  for (let i = runs.length - 1; i >= 0; i--) {
    if (found.size === ids.size || read >= EARLIER_READ_MAX) break;
    let state: RunState;
    try {
      const folded = await store.fold(runs[i]!);
      state = folded.state;
      read += folded.read;
    } catch {
      continue; // A run that cannot be read adds nothing; its own view says why.
    }
    if (
      options.planFile !== null && state.plan_file !== null &&
      state.plan_file !== options.planFile
    ) continue;
    for (const [id, task] of state.tasks) {
      if (ids.has(id) && !found.has(id) && touched(task)) found.set(id, task);
    }
  }
  return found;
}

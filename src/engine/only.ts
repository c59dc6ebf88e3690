/**
 * `run --task X --only`: the task alone, never its dependencies. Each
 * dependency must have completed (or been skipped as up to date) for its
 * current definition, either in one of the project's runs or in a run log
 * (a fragment of a distributed run) under `--needs-from DIR`; its recorded
 * fingerprint feeds the task's own, as in a local run. The first that did
 * not is the block's reason. The fragments are also the task's history: a
 * completion of the task itself there (a cached log of an earlier CI run)
 * lets it be skipped as up to date. A watch re-run selects what a change
 * affects and its dependents: their other dependencies come from the
 * project's latest runs too, and one that did not complete there joins the
 * run ({@link widenSelection}).
 * @module
 */

import { isDoneInRun, type RunState } from "../events/fold.ts";
import { foldLog } from "../events/fold_log.ts";
import type { RunStore } from "../events/store.ts";
import { type BlockedReason, OUTSIDE_SELECTION } from "../events/types.ts";
import { fragmentFiles } from "../events/fragment_read.ts";
import type { Plan, Task } from "../plan/ir.ts";
import type { Selection } from "./selection.ts";

/** What an `--only` run knows of the world outside its one task. */
export interface OnlyFacts {
  /** Completed dependencies, with their recorded fingerprints. */
  done: Map<string, string | null>;
  /** The first dependency that did not complete, and the block's reason. */
  missing: { id: string; reason: BlockedReason } | null;
  /** The task's own last completion's fingerprint in the fragments, if any. */
  previous: string | null;
}

/**
 * The block reason for a dependency that did not complete.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { missingReason } from "./only.ts";
 * assert.equal(
 *   missingReason("build", "needs"),
 *   "dependency build did not complete in the project's runs or the fragments under needs",
 * );
 * ```
 */
export function missingReason(
  id: string,
  needsFrom: string | null,
): BlockedReason {
  return needsFrom === null
    ? `dependency ${id} did not complete in the project's runs`
    : `dependency ${id} did not complete in the project's runs or the fragments under ${needsFrom}`;
}

/**
 * The folded fragments under `dir`, newest run first (by start time, then
 * run id). A log that cannot be read is a warning, never a crash.
 */
export async function foldedFragments(
  dir: string,
  warn: (message: string) => void,
): Promise<RunState[]> {
  const states: RunState[] = [];
  const found = await fragmentFiles([dir]);
  found.warnings.forEach((w) => warn(`warning: ${w}`));
  for (const file of found.files) {
    try {
      const { state, warnings } = await foldLog(file);
      if (state.run === null) {
        // A task's own output uploaded beside the logs: said once, not per line.
        warn(`warning: ${file} is not a run log: left out`);
        continue;
      }
      warnings.slice(0, 10).forEach((w) => warn(`warning: ${w}`));
      if (warnings.length > 10) {
        warn(`warning: ${file}: ${warnings.length - 10} more lines left out`);
      }
      states.push(state);
    } catch (e) {
      warn(`warning: ${file}: cannot read it: ${(e as Error).message}`);
    }
  }
  const key = (s: RunState) => `${s.started_at ?? ""} ${s.run}`;
  return states.sort((a, b) => key(b).localeCompare(key(a)));
}

/**
 * What `task` needs to run alone: its dependencies' completions (the
 * project's runs first, newest first, then the fragments), and its own
 * previous fingerprint in the fragments.
 *
 * @example
 * ```ts ignore
 * const facts = await onlyFacts(task, hashes, store, runId, "needs", warn);
 * facts.missing?.reason; // "dependency build did not complete in ..."
 * ```
 */
export async function onlyFacts(
  task: Task,
  hashes: Readonly<Record<string, string>>,
  store: RunStore,
  exceptRun: string | null,
  needsFrom: string | null,
  warn: (message: string) => void,
): Promise<OnlyFacts> {
  const wanted = new Set(task.dependencies);
  const done = new Map<string, string | null>();
  const look = (state: RunState) => {
    for (const id of wanted) {
      if (done.has(id) || state.task_hashes[id] !== hashes[id]) continue;
      const t = state.tasks.get(id);
      if (t && isDoneInRun(t.state, t.reason)) done.set(id, t.fingerprint);
    }
  };
  if (wanted.size > 0) {
    const runs = (await store.runs()).filter((r) => r !== exceptRun);
    for (const run of runs.reverse()) {
      if (done.size === wanted.size) break;
      const { state, warnings } = await store.fold(run);
      warnings.forEach((w) => warn(`warning: ${w}`));
      look(state);
    }
  }
  const fragments = needsFrom === null ? [] : await foldedFragments(
    needsFrom,
    warn,
  );
  for (const state of fragments) look(state);
  let previous: string | null = null;
  for (const state of fragments) {
    const t = state.tasks.get(task.id);
    if (!t || (t.state === "skipped" && t.reason === OUTSIDE_SELECTION)) {
      continue;
    }
    if (isDoneInRun(t.state, t.reason)) previous = t.fingerprint;
    break;
  }
  const first = task.dependencies.find((d) => !done.has(d));
  return {
    done,
    missing: first === undefined
      ? null
      : { id: first, reason: missingReason(first, needsFrom) },
    previous,
  };
}

/** A selection with its missing dependencies added, and its facts. */
export interface Widened {
  selection: Selection;
  /** The dependencies outside the selection, done (`missing` is null). */
  facts: OnlyFacts;
  /** The dependencies that joined the selection, in plan order. */
  added: string[];
}

/**
 * Closes a watch re-run's selection (see `affectedSelection`): each
 * dependency outside it is looked up in the project's runs, newest first,
 * for its current definition; its latest result there counts (a run that
 * left it out does not). Done: its fingerprint feeds its dependents. Not
 * done (failed, blocked, never started), or never run for this definition:
 * it joins the selection, and so, in turn, do its own missing dependencies.
 *
 * @example
 * ```ts ignore
 * const { selection, facts, added } = await widenSelection(plan, picked, hashes, store, runId, warn);
 * added; // ["BUILD"] when BUILD failed in the latest run that ran it
 * ```
 */
export async function widenSelection(
  plan: Plan,
  selection: Selection,
  hashes: Readonly<Record<string, string>>,
  store: RunStore,
  exceptRun: string | null,
  warn: (message: string) => void,
): Promise<Widened> {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const selected = new Set(selection.selected);
  const done = new Map<string, string | null>();
  const runs = (await store.runs()).filter((r) => r !== exceptRun).reverse();
  const summaries: Map<string, Ran>[] = [];
  // Logs are read as far back as a lookup needs, once each.
  const ranAt = async (i: number): Promise<Map<string, Ran> | null> => {
    while (summaries.length <= i && summaries.length < runs.length) {
      summaries.push(await ranIn(store, runs[summaries.length]!, warn));
    }
    return summaries[i] ?? null;
  };
  const latest = async (id: string) => {
    for (let i = 0;; i++) {
      const ran = await ranAt(i);
      if (ran === null) return null;
      const t = ran.get(id);
      if (t === undefined || t.hash !== hashes[id]) continue;
      return t.done ? { fingerprint: t.fingerprint } : null;
    }
  };
  const todo = [...selected];
  while (todo.length > 0) {
    const task = byId.get(todo.pop()!);
    for (const dep of task?.dependencies ?? []) {
      if (selected.has(dep) || done.has(dep)) continue;
      const found = await latest(dep);
      if (found !== null) done.set(dep, found.fingerprint);
      else {
        selected.add(dep);
        todo.push(dep);
      }
    }
  }
  return {
    selection: { ...selection, selected },
    facts: { done, missing: null, previous: null },
    added: plan.tasks.filter((t) =>
      selected.has(t.id) && !selection.selected.has(t.id)
    ).map((t) => t.id),
  };
}

/** A task a run selected: its definition then, and whether it got done. */
interface Ran {
  hash: string | undefined;
  done: boolean;
  fingerprint: string | null;
}

/**
 * What each run did, by its log's path, with the log's size and time then:
 * a watch session asks after every change, mostly of the same logs.
 */
const ranByLog = new Map<string, { stamp: string; ran: Map<string, Ran> }>();

/** The tasks `run` selected, read from its log, or from memory while the log is unchanged. */
async function ranIn(
  store: RunStore,
  run: string,
  warn: (message: string) => void,
): Promise<Map<string, Ran>> {
  const path = store.logPath(run);
  const stamp = await store.logStamp(run);
  const known = ranByLog.get(path);
  if (stamp !== null && known?.stamp === stamp) return known.ran;
  let folded;
  try {
    folded = await store.fold(run);
  } catch (e) {
    // Gone or unreadable since it was listed: it tells nothing (as for status).
    warn(`warning: ${path}: cannot read it: ${(e as Error).message}`);
    return new Map();
  }
  const { state, warnings } = folded;
  warnings.forEach((w) => warn(`warning: ${w}`));
  const ran = new Map<string, Ran>();
  for (const [id, t] of state.tasks) {
    if (t.state === "skipped" && t.reason === OUTSIDE_SELECTION) continue;
    ran.set(id, {
      hash: state.task_hashes[id],
      done: isDoneInRun(t.state, t.reason),
      fingerprint: t.fingerprint,
    });
  }
  if (stamp !== null) ranByLog.set(path, { stamp, ran });
  return ran;
}

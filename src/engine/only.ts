/**
 * `run --task X --only`: the task alone, never its dependencies. Each
 * dependency must have completed (or been skipped as up to date) for its
 * current definition, either in one of the project's runs or in a run log
 * (a fragment of a distributed run) under `--needs-from DIR`; its recorded
 * fingerprint feeds the task's own, as in a local run. The first that did
 * not is the block's reason. The fragments are also the task's history: a
 * completion of the task itself there (a cached log of an earlier CI run)
 * lets it be skipped as up to date.
 * @module
 */

import { isDoneInRun, type RunState } from "../events/fold.ts";
import { foldLog } from "../events/fold_log.ts";
import type { RunStore } from "../events/store.ts";
import { type BlockedReason, OUTSIDE_SELECTION } from "../events/types.ts";
import { fragmentFiles } from "../events/fragment_read.ts";
import type { Task } from "../plan/ir.ts";

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

/**
 * Which run a command means when it names none: `approve` the run that
 * waits at the gate, `resume` the run that has something left to do — even
 * when a later run (a run of a selection, say) has come since.
 * @module
 */

import type { RunState } from "./fold.ts";
import type { RunStore } from "./store.ts";

/** Runs folded at most, newest first, when looking for one that waits. */
export const RUNS_LOOKED_AT = 50;

/**
 * Whether `state` has a task waiting at `gate` (any gate when null).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "./fold.ts";
 * import { waitsAt } from "./run_pick.ts";
 * assert.equal(waitsAt(emptyState(), "deploy"), false);
 * ```
 */
export function waitsAt(state: RunState, gate: string | null): boolean {
  if (state.outcome === "success") return false;
  for (const task of state.tasks.values()) {
    if (task.state !== "pending" || task.awaiting.length === 0) continue;
    if (gate === null || task.awaiting.includes(gate)) return true;
  }
  return false;
}

/**
 * The runs (newest first, at most {@link RUNS_LOOKED_AT} looked at) with a
 * task waiting at `gate` (any gate when null).
 */
export async function runsWaitingAt(
  store: RunStore,
  gate: string | null,
): Promise<string[]> {
  const runs = (await store.runs()).slice(-RUNS_LOOKED_AT).reverse();
  const out: string[] = [];
  for (const run of runs) {
    try {
      if (waitsAt((await store.fold(run)).state, gate)) out.push(run);
    } catch {
      // A run that cannot be read waits for nothing we can approve.
    }
  }
  return out;
}

/**
 * The run `resume` continues: the latest, unless it completed and an
 * earlier run still waits at a gate (then the newest such run); null when
 * there is no run.
 */
export async function runToResume(store: RunStore): Promise<string | null> {
  const latest = await store.latest();
  if (latest === null) return null;
  const { state } = await store.fold(latest);
  if (state.outcome !== "success") return latest;
  const waiting = await runsWaitingAt(store, null);
  return waiting[0] ?? latest;
}

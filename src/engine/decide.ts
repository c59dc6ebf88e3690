/**
 * The one decision of what a task will do: run, skip (why), wait (at which
 * gate, or behind which task) or blocked (by what). The scheduler asks it as
 * each task becomes ready; `--dry-run` asks it for every task in order. Both
 * gather the facts (I/O) and this module decides (pure), so they cannot
 * drift apart.
 * @module
 */

import { OUTSIDE_SELECTION, type SkipReason } from "../events/types.ts";

/**
 * Why an approval no longer counts: it was given for an earlier definition
 * of the task, or (`apply_patch`) for another patch than the one that waits.
 */
export type StaleWhy = "definition_changed" | "other_patch";

/** Whether a gate of a task is granted for its current definition. */
export type GateStatus =
  | { gate: string; status: "granted" }
  | { gate: string; status: "missing" }
  /** Approved, but for something that has changed since: ask again. */
  | { gate: string; status: "stale"; why: StaleWhy };

/**
 * Why a task that could run may still be skipped once its acceptance is
 * re-checked: the `skipped` event's reason when it is.
 */
export type Precheck = Exclude<SkipReason, typeof OUTSIDE_SELECTION>;

/** Why a task is skipped without running anything. */
export type SkipDecision =
  | typeof OUTSIDE_SELECTION
  | "done earlier in this run";

/** What a task will do. */
export type Decision =
  | { action: "skip"; reason: SkipDecision }
  /** Runs; with a precheck it is skipped instead when its acceptance holds. */
  | { action: "run"; precheck: Precheck | null }
  /** Waits for people: these gates are not granted (missing or stale). */
  | { action: "wait"; gates: GateStatus[] }
  /** Waits because a dependency waits (at a gate, or behind one). */
  | { action: "wait_upstream"; on: string }
  /** A dependency failed (or is blocked by a failure). */
  | { action: "blocked"; by: string };

/** Everything {@link decideTask} needs to know about one task. */
export interface TaskFacts {
  /** In the run's selection (`--task` and its dependencies, or all). */
  selected: boolean;
  /** Completed or skipped earlier in the run being resumed, definition unchanged. */
  doneEarlier: boolean;
  /** The failed task behind a failed or blocked dependency, if any. */
  blockedBy: string | null;
  /** A dependency that waits (at a gate or behind one), if any. */
  waitingOn: string | null;
  /** Each gate of the task and whether it is granted. */
  gates: readonly GateStatus[];
  /** `--force` (also when resuming a forced run). */
  force: boolean;
  /** Its fingerprint now; null when it has none (no inputs, or a dependency will run). */
  fingerprint: string | null;
  /** Its fingerprint when it last completed, in any run of the project. */
  previousFingerprint: string | null;
  /** Every declared output exists (true when it declares none). */
  outputsPresent: boolean;
  /** `skip_when_accepted` and it has acceptance checks. */
  skipWhenAccepted: boolean;
}

/**
 * Decides what one task does. Pure: the same facts give the same decision.
 * The order of the rules is the contract: selection, resume, failures
 * upstream, gates upstream, own gates, up to date, skip when accepted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decideTask } from "./decide.ts";
 * const facts = {
 *   selected: true, doneEarlier: false, blockedBy: null, waitingOn: null,
 *   gates: [], force: false, fingerprint: "f1", previousFingerprint: "f1",
 *   outputsPresent: true, skipWhenAccepted: false,
 * };
 * assert.deepEqual(decideTask(facts), { action: "run", precheck: "up to date" });
 * assert.deepEqual(decideTask({ ...facts, outputsPresent: false }), { action: "run", precheck: null });
 * ```
 */
export function decideTask(facts: TaskFacts): Decision {
  if (!facts.selected) return { action: "skip", reason: OUTSIDE_SELECTION };
  if (facts.doneEarlier) {
    return { action: "skip", reason: "done earlier in this run" };
  }
  if (facts.blockedBy !== null) {
    return { action: "blocked", by: facts.blockedBy };
  }
  if (facts.waitingOn !== null) {
    return { action: "wait_upstream", on: facts.waitingOn };
  }
  const open = facts.gates.filter((g) => g.status !== "granted");
  if (open.length > 0) return { action: "wait", gates: open };
  if (facts.force) return { action: "run", precheck: null };
  if (
    facts.fingerprint !== null &&
    facts.fingerprint === facts.previousFingerprint && facts.outputsPresent
  ) return { action: "run", precheck: "up to date" };
  if (facts.skipWhenAccepted) {
    return { action: "run", precheck: "acceptance already holds" };
  }
  return { action: "run", precheck: null };
}

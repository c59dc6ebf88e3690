/**
 * The one gatherer of the facts `decideTask` decides from. The scheduler
 * (as a task becomes ready, and for the dependents of a failure) and the
 * dry run (for every task in order) both call it, each with its own view
 * of the dependencies, so what a task will do is gathered and decided the
 * same way in both.
 * @module
 */

import type { Task } from "../plan/ir.ts";
import type { GateStatus, TaskFacts } from "./decide.ts";
import { outputsPresent } from "./files.ts";
import { fingerprint } from "./fingerprint.ts";

/** What is known about one dependency of a task when it is asked about. */
export type Upstream =
  /** Completed or skipped: its fingerprint (null when it has none). */
  | { state: "done"; fingerprint: string | null }
  /** Not settled: it runs, or will (its fingerprint is not known yet). */
  | { state: "pending" }
  /** Waits for people: at a gate of its own, or behind one. */
  | { state: "waits" }
  | { state: "failed" }
  /** Blocked by the failure of `by`. */
  | { state: "blocked"; by: string };

/** Where {@link gatherTaskFacts} reads what it needs. */
export interface FactSource {
  /** The folder its inputs and outputs are read in. */
  root: string;
  /** Its definition hash (see `definitionHashes`). */
  definitionHash: string;
  selected: boolean;
  doneEarlier: boolean;
  force: boolean;
  /** Its fingerprint when it last completed, in any run of the project. */
  previousFingerprint: string | null;
  /** What is known about a dependency, by id. */
  upstream: (id: string) => Upstream;
  /** Its gates' statuses: asked only when they can matter. */
  gates: () => readonly GateStatus[] | Promise<readonly GateStatus[]>;
}

/**
 * Gathers the facts of one task: selection and resume from the source,
 * failures and waits from its dependencies (in declared order, the first
 * one counts), then (only when those leave the task to run) its gates, its
 * fingerprint and whether its outputs exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gatherTaskFacts } from "./task_facts.ts";
 * import { decideTask } from "./decide.ts";
 * import type { Task } from "../plan/ir.ts";
 * const task = { id: "B", dependencies: ["A"], inputs: [], outputs: [],
 *   acceptance: [], skip_when_accepted: false } as unknown as Task;
 * const facts = await gatherTaskFacts(task, {
 *   root: ".", definitionHash: "h", selected: true, doneEarlier: false,
 *   force: false, previousFingerprint: null,
 *   upstream: () => ({ state: "failed" }), gates: () => [],
 * });
 * assert.deepEqual(decideTask(facts), { action: "blocked", by: "A" });
 * ```
 */
export async function gatherTaskFacts(
  task: Task,
  source: FactSource,
): Promise<TaskFacts> {
  const { blockedBy, waitingOn } = upstreamOf(task.dependencies, source);
  const facts: TaskFacts = {
    selected: source.selected,
    doneEarlier: source.doneEarlier,
    blockedBy,
    waitingOn,
    gates: [],
    force: source.force,
    fingerprint: null,
    previousFingerprint: source.previousFingerprint,
    outputsPresent: true,
    skipWhenAccepted: task.skip_when_accepted && task.acceptance.length > 0,
  };
  // Decided before gates and files matter: spare their I/O.
  if (
    !facts.selected || facts.doneEarlier || blockedBy !== null ||
    waitingOn !== null
  ) return facts;
  const gates = source.gates();
  // Most tasks have none: no turn of the event loop for them.
  facts.gates = Array.isArray(gates) ? gates : await gates;
  if (source.force || task.inputs.length === 0) return facts;
  const deps = task.dependencies.map((d) => {
    const up = source.upstream(d);
    return up.state === "done" ? up.fingerprint : null;
  });
  facts.fingerprint = await fingerprint(
    source.root,
    task,
    source.definitionHash,
    deps,
  );
  // Outputs matter only when the fingerprint matches; spare the glob otherwise.
  if (
    facts.fingerprint !== null &&
    facts.fingerprint === facts.previousFingerprint
  ) facts.outputsPresent = await outputsPresent(source.root, task);
  return facts;
}

/** The first dependency that failed or is blocked, and the first that waits. */
function upstreamOf(
  dependencies: readonly string[],
  source: FactSource,
): { blockedBy: string | null; waitingOn: string | null } {
  let blockedBy: string | null = null;
  let waitingOn: string | null = null;
  for (const id of dependencies) {
    const up = source.upstream(id);
    if (blockedBy === null && up.state === "failed") blockedBy = id;
    if (blockedBy === null && up.state === "blocked") blockedBy = up.by;
    if (waitingOn === null && up.state === "waits") waitingOn = id;
  }
  return { blockedBy, waitingOn };
}

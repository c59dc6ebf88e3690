/**
 * `run --dry-run`: what a run would do, decided the way the scheduler
 * decides, executing and recording nothing.
 * @module
 */

import { topologicalOrder } from "../graph/topo.ts";
import { describeCheck } from "../plan/check.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { emptyState, type RunState } from "../events/fold.ts";
import { RunStore } from "../events/store.ts";
import { OUTSIDE_SELECTION } from "../events/types.ts";
import { definitionHashes, fingerprint } from "./fingerprint.ts";
import { decideTask, gateHint } from "./decide.ts";
import { outputsPresent } from "./files.ts";
import { gateStatuses } from "./gates.ts";
import { previousFingerprints } from "./history.ts";
import { RunRefused } from "./run.ts";
import { planToResume } from "./run_plan.ts";
import {
  freshSelection,
  resumeSelection,
  type Selection,
  UnknownTarget,
} from "./selection.ts";

/** One task's line in a dry run. */
export interface DryRunTask {
  id: string;
  title: string;
  action: "run" | "skip" | "wait";
  /** Why it is skipped or waits; null when it simply runs. */
  reason: string | null;
  commands: { name: string; run: string }[];
  shards: {
    id: string;
    title: string;
    commands: { name: string; run: string }[];
    checks: string[];
  }[];
  checks: string[];
  /** Gates it would stop at (not yet approved). */
  gates: string[];
}

/** The whole dry run. */
export interface DryRunReport {
  plan: string;
  resume: boolean;
  selection: string | null;
  tasks: DryRunTask[];
  /** Final build steps (release, install) that would run after the DAG. */
  build: { name: string; run: string }[];
}

/** Options of {@link dryRun}. */
export interface DryRunOptions {
  loaded: LoadedPlan;
  target?: string;
  resume: boolean;
  force: boolean;
  /** Where a resume says which tasks changed since the run recorded its plan. */
  warn?: (message: string) => void;
}

/**
 * Decides, for every task in run order, whether it would run, be skipped or
 * wait, and why, without running anything: the facts are gathered as a run
 * gathers them and `decideTask` decides, as in a run.
 */
export async function dryRun(options: DryRunOptions): Promise<DryRunReport> {
  let loaded = options.loaded;
  const { root } = loaded;
  const store = new RunStore(root);
  let selection: Selection;
  let state: RunState = emptyState();
  let force = options.force;
  if (options.resume) {
    const latest = await store.latest();
    if (latest === null) {
      throw new RunRefused(
        "Nothing to resume: no run has been recorded in this project yet",
      );
    }
    state = (await store.fold(latest)).state;
    const warn = options.warn ?? (() => {});
    loaded = (await planToResume(store, latest, state, loaded, warn)).loaded;
    force ||= state.force;
  }
  const { plan } = loaded;
  const hashes = definitionHashes(plan);
  if (options.resume) selection = resumeSelection(plan, state, hashes);
  else {
    try {
      selection = freshSelection(plan, options.target ?? null);
    } catch (e) {
      if (e instanceof UnknownTarget) throw new RunRefused(e.message);
      throw e;
    }
  }
  const withInputs = new Set(
    plan.tasks.filter((t) =>
      selection.selected.has(t.id) && t.inputs.length > 0
    )
      .map((t) => t.id),
  );
  const previous = force
    ? new Map<string, string>()
    : await previousFingerprints(store, withInputs, null);
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  /** Fingerprint a task would leave for its dependents; null when it runs. */
  const prints = new Map<string, string | null>();
  /** Why a task cannot start in this run (waiting, upstream of a gate). */
  const waits = new Map<string, string>();
  /** Tasks that will run (their fingerprint for dependents is known only then). */
  const runs = new Set<string>();
  const tasks: DryRunTask[] = [];
  for (const id of topologicalOrder(plan.tasks)) {
    const task = byId.get(id)!;
    const gates = gateStatuses(task, hashes[id]!, state);
    const deps = task.dependencies.map((d) => prints.get(d) ?? null);
    const fingerprintNow = force || !selection.selected.has(id)
      ? null
      : await fingerprint(root, task, hashes[id]!, deps);
    const previousPrint = previous.get(id) ?? null;
    const decision = decideTask({
      selected: selection.selected.has(id),
      doneEarlier: selection.doneEarlier.has(id),
      blockedBy: null,
      waitingOn: task.dependencies.find((d) => waits.has(d)) ?? null,
      gates,
      force,
      fingerprint: fingerprintNow,
      previousFingerprint: previousPrint,
      outputsPresent:
        fingerprintNow !== null && fingerprintNow === previousPrint
          ? await outputsPresent(root, task)
          : true,
      skipWhenAccepted: task.skip_when_accepted && task.acceptance.length > 0,
    });
    const entry: DryRunTask = {
      id,
      title: task.title,
      action: "run",
      reason: null,
      commands: task.commands.map(({ name, run }) => ({ name, run })),
      shards: task.shards.map((s) => ({
        id: s.id,
        title: s.title,
        commands: s.commands.map(({ name, run }) => ({ name, run })),
        checks: s.acceptance.map(describeCheck),
      })),
      checks: task.acceptance.map(describeCheck),
      gates: gates.filter((g) => g.status !== "granted").map((g) => g.gate),
    };
    tasks.push(entry);
    switch (decision.action) {
      case "skip":
        entry.action = "skip";
        entry.reason = decision.reason === OUTSIDE_SELECTION
          ? OUTSIDE_SELECTION
          : `${decision.reason} (completed or skipped before)`;
        prints.set(id, selection.doneEarlier.get(id) ?? null);
        break;
      case "wait_upstream":
        entry.action = "wait";
        entry.reason = waits.get(decision.on)!;
        waits.set(id, entry.reason);
        break;
      case "wait":
        entry.action = "wait";
        entry.reason = `stops at gate ${
          decision.gates.map((g) => gateHint(g, id)).join("; ")
        }`;
        waits.set(
          id,
          `waits for ${id} (gate ${
            decision.gates.map((g) => g.gate).join(", ")
          })`,
        );
        break;
      case "blocked":
        entry.action = "wait";
        entry.reason = `blocked by ${decision.by}`;
        waits.set(id, entry.reason);
        break;
      case "run":
        if (decision.precheck === "up to date") {
          entry.action = "skip";
          entry.reason =
            "up to date (fingerprint matches; acceptance is re-checked when run)";
          prints.set(id, fingerprintNow);
        } else {
          prints.set(id, null);
          if (decision.precheck === "acceptance already holds") {
            entry.reason =
              "runs unless its acceptance already holds (checked when run)";
          } else if (
            !force && task.inputs.length > 0 && previousPrint !== null &&
            task.dependencies.some((d) => runs.has(d))
          ) {
            // Its fingerprint takes those of dependencies that run first: known only once they have.
            entry.reason =
              "runs unless it is up to date once its dependencies have run (checked when run)";
          }
          runs.add(id);
        }
        break;
    }
  }
  const build = selection.target !== null
    ? []
    : plan.project.final_build.map(({ name, run }) => ({ name, run }));
  return {
    plan: options.loaded.file,
    resume: options.resume,
    selection: selection.target,
    tasks,
    build,
  };
}

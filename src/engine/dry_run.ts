/**
 * `run --dry-run`: what a run would do, decided the way the scheduler
 * decides, executing and recording nothing.
 * @module
 */

import { selectWithDependencies } from "../graph/select.ts";
import { topologicalOrder } from "../graph/topo.ts";
import { describeCheck } from "../plan/check.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { listRuns, logPath } from "../events/log.ts";
import { isDoneInRun } from "../events/fold.ts";
import { foldLog } from "../events/fold_log.ts";
import { FINAL_BUILD_STEPS } from "../plan/normalize.ts";
import { OUTSIDE_SELECTION } from "../events/types.ts";
import { definitionHashes, fingerprint } from "./fingerprint.ts";
import { gatesOf, pendingGates } from "./gates.ts";
import { previousFingerprints } from "./history.ts";
import { resolveTarget, RunRefused } from "./run.ts";

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
}

/**
 * Decides, for every task in run order, whether it would run or be skipped
 * and why, without running anything.
 */
export async function dryRun(options: DryRunOptions): Promise<DryRunReport> {
  const { plan, root } = options.loaded;
  const hashes = definitionHashes(plan);
  let selection: string | null = options.target === undefined
    ? null
    : resolveTarget(plan, options.target);
  const done = new Map<string, string>();
  let approvals = new Set<string>();
  if (options.resume) {
    const runs = await listRuns(root);
    if (runs.length === 0) {
      throw new RunRefused(
        "Nothing to resume: no run has been recorded in this project yet",
      );
    }
    const { state } = await foldLog(logPath(root, runs[runs.length - 1]!));
    selection = state.selection;
    approvals = state.approvals;
    for (const task of state.tasks.values()) {
      const unchanged = state.task_hashes[task.id] === hashes[task.id];
      if (unchanged && isDoneInRun(task.state, task.reason)) {
        done.set(task.id, `${task.state} in run ${task.run}`);
      }
    }
  }
  const selected = selection === null
    ? new Set(plan.tasks.map((t) => t.id))
    : selectWithDependencies(plan.tasks, selection);
  const withInputs = new Set(
    plan.tasks.filter((t) => selected.has(t.id) && t.inputs.length > 0).map((
      t,
    ) => t.id),
  );
  const previous = options.force
    ? new Map<string, string>()
    : await previousFingerprints(root, withInputs, null);
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const prints = new Map<string, string | null>();
  const waits = new Map<string, string>();
  const tasks: DryRunTask[] = [];
  for (const id of topologicalOrder(plan.tasks)) {
    const task = byId.get(id)!;
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
      gates: pendingGates(gatesOf(plan, task), id, approvals),
    };
    tasks.push(entry);
    const waitingOn = task.dependencies.map((d) => waits.get(d)).find((w) =>
      w !== undefined
    );
    if (!selected.has(id)) {
      entry.action = "skip";
      entry.reason = OUTSIDE_SELECTION;
    } else if (done.has(id)) {
      entry.action = "skip";
      entry.reason = done.get(id)!;
      prints.set(id, previous.get(id) ?? null);
    } else if (waitingOn !== undefined) {
      entry.action = "wait";
      entry.reason = waitingOn;
      waits.set(id, waitingOn);
    } else if (entry.gates.length > 0) {
      entry.action = "wait";
      entry.reason = `stops at gate ${
        entry.gates.join(", ")
      } (orchestrate approve ${entry.gates[0]} --task ${id})`;
      waits.set(id, `waits for ${id} (gate ${entry.gates.join(", ")})`);
    } else {
      const deps = task.dependencies.map((d) => prints.get(d) ?? null);
      const print = options.force
        ? null
        : await fingerprint(root, task, hashes[id]!, deps);
      if (print !== null && print === previous.get(id)) {
        entry.action = "skip";
        entry.reason =
          "up to date (fingerprint matches; acceptance is re-checked when run)";
        prints.set(id, print);
      } else {
        prints.set(id, null);
        if (task.skip_when_accepted && task.acceptance.length > 0) {
          entry.reason =
            "runs unless its acceptance already holds (checked when run)";
        }
      }
    }
  }
  const build = plan.project.build.filter((c) =>
    (FINAL_BUILD_STEPS as readonly string[]).includes(c.name)
  )
    .map(({ name, run }) => ({ name, run }));
  return {
    plan: options.loaded.file,
    resume: options.resume,
    selection,
    tasks,
    build,
  };
}

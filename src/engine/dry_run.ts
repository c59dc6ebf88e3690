/**
 * `run --dry-run`: what a run would do, decided the way the scheduler
 * decides, executing and recording nothing.
 * @module
 */

import { topologicalOrder } from "../graph/topo.ts";
import { describeCheck } from "../plan/check.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { emptyState, type RunState } from "../events/fold.ts";
import { RunStore } from "../events/store.ts";
import { definitionHashes } from "./fingerprint.ts";
import { decideTask, type GateStatus } from "./decide.ts";
import { gateStatuses } from "./gates.ts";
import { previousFingerprints } from "./history.ts";
import { resumeTarget } from "./resume_target.ts";
import { planToResume } from "./run_plan.ts";
import { gatherTaskFacts, type Upstream } from "./task_facts.ts";
import {
  freshSelection,
  resumeSelection,
  type Selection,
} from "./selection.ts";

/**
 * Why a task of a dry run is skipped, waits, or may not run after all:
 * literal kinds, worded by `render/reason_text.ts`.
 */
export type DryRunWhy =
  | { kind: "outside_selection" }
  /** Completed or skipped earlier in the run being resumed. */
  | { kind: "done_earlier" }
  /** Its fingerprint matches; acceptance is re-checked when run. */
  | { kind: "up_to_date" }
  /** `skip_when_accepted`: skipped when its acceptance already holds. */
  | { kind: "unless_accepted" }
  /** May be up to date once the dependencies that run first have. */
  | { kind: "unless_up_to_date_after_dependencies" }
  /** Both: may be up to date once they have, else skipped when its acceptance holds. */
  | { kind: "unless_up_to_date_or_accepted" }
  /** Stops at these gates of its own. */
  | { kind: "gates"; task: string; gates: GateStatus[] }
  /** Waits for `task`, which stops at these gates. */
  | { kind: "behind_gates"; task: string; gates: string[] }
  /** A dependency failed (or is blocked by a failure): `by`. */
  | { kind: "blocked"; by: string };

/** One task's line in a dry run. */
export interface DryRunTask {
  id: string;
  title: string;
  action: "run" | "skip" | "wait";
  /** Why it is skipped or waits (or may not run); null when it simply runs. */
  why: DryRunWhy | null;
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
  /**
   * For an agent task: who edits its code (a command line or a preset), in
   * how many attempts, and the gate its validated patch stops at before it
   * touches the project (null when none is required); null for other tasks.
   */
  agent: {
    command: string | null;
    preset: string | null;
    attempts: number;
    patch_gate: string | null;
  } | null;
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
  /** `--run ID`: the run a resume continues (see `resumeTarget`). */
  run?: string;
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
    const latest = await resumeTarget(store, options.run);
    state = (await store.fold(latest)).state;
    const warn = options.warn ?? (() => {});
    loaded = (await planToResume(store, latest, state, loaded, warn)).loaded;
    force ||= state.force;
  }
  const { plan } = loaded;
  const hashes = definitionHashes(plan);
  if (options.resume) selection = resumeSelection(plan, state, hashes);
  else selection = freshSelection(plan, options.target ?? null);
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
  /** What each task decided so far would leave for its dependents. */
  const upstream = new Map<string, Upstream>();
  /** Why a task that waits (or is blocked) does: its dependents say the same. */
  const waits = new Map<string, DryRunWhy>();
  const tasks: DryRunTask[] = [];
  for (const id of topologicalOrder(plan.tasks)) {
    const task = byId.get(id)!;
    const gates = gateStatuses(task, hashes[id]!, state);
    const facts = await gatherTaskFacts(task, {
      root,
      definitionHash: hashes[id]!,
      selected: selection.selected.has(id),
      doneEarlier: selection.doneEarlier.has(id),
      force,
      previousFingerprint: previous.get(id) ?? null,
      upstream: (d) => upstream.get(d) ?? { state: "pending" },
      gates: () => gates,
    });
    const decision = decideTask(facts);
    const entry: DryRunTask = {
      id,
      title: task.title,
      action: "run",
      why: null,
      commands: task.commands.map(({ name, run }) => ({ name, run })),
      shards: task.shards.map((s) => ({
        id: s.id,
        title: s.title,
        commands: s.commands.map(({ name, run }) => ({ name, run })),
        checks: s.acceptance.map(describeCheck),
      })),
      checks: task.acceptance.map(describeCheck),
      gates: gates.filter((g) => g.status !== "granted").map((g) => g.gate),
      agent: task.agent
        ? {
          command: task.agent.command,
          preset: task.agent.preset,
          attempts: task.agent.attempts,
          patch_gate: task.gates.includes(APPLY_PATCH) ? APPLY_PATCH : null,
        }
        : null,
    };
    tasks.push(entry);
    switch (decision.action) {
      case "skip":
        entry.action = "skip";
        entry.why = decision.reason === "outside the selection"
          ? { kind: "outside_selection" }
          : { kind: "done_earlier" };
        upstream.set(id, {
          state: "done",
          fingerprint: selection.doneEarlier.get(id) ?? null,
        });
        break;
      case "wait_upstream":
        entry.action = "wait";
        entry.why = waits.get(decision.on)!;
        waits.set(id, entry.why);
        upstream.set(id, { state: "waits" });
        break;
      case "wait":
        entry.action = "wait";
        entry.why = { kind: "gates", task: id, gates: decision.gates };
        waits.set(id, {
          kind: "behind_gates",
          task: id,
          gates: decision.gates.map((g) => g.gate),
        });
        upstream.set(id, { state: "waits" });
        break;
      case "blocked":
        entry.action = "wait";
        entry.why = { kind: "blocked", by: decision.by };
        upstream.set(id, { state: "blocked", by: decision.by });
        break;
      case "run":
        if (decision.precheck === "up to date") {
          entry.action = "skip";
          entry.why = { kind: "up_to_date" };
          upstream.set(id, { state: "done", fingerprint: facts.fingerprint });
        } else {
          upstream.set(id, { state: "pending" });
          // Its fingerprint takes those of dependencies that run first: known only once they have.
          const afterDependencies = !force && task.inputs.length > 0 &&
            facts.previousFingerprint !== null &&
            task.dependencies.some((d) => upstream.get(d)?.state === "pending");
          const unlessAccepted =
            decision.precheck === "acceptance already holds";
          if (afterDependencies && unlessAccepted) {
            entry.why = { kind: "unless_up_to_date_or_accepted" };
          } else if (unlessAccepted) {
            entry.why = { kind: "unless_accepted" };
          } else if (afterDependencies) {
            entry.why = { kind: "unless_up_to_date_after_dependencies" };
          }
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

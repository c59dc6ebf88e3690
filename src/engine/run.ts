/**
 * A whole run: lock, log, selection, schedule, final build, `completed`.
 * @module
 */

import { join, relative } from "node:path";
import { selectWithDependencies } from "../graph/select.ts";
import type { LoadedPlan } from "../plan/load.ts";
import type { Plan } from "../plan/ir.ts";
import {
  applyEvent,
  countStates,
  emptyState,
  isDoneInRun,
  type RunState,
} from "../events/fold.ts";
import {
  artifactDir,
  EventLog,
  listRuns,
  logPath,
  newRunId,
} from "../events/log.ts";
import { foldLog } from "../events/fold_log.ts";
import {
  type NewEvent,
  OUTSIDE_SELECTION,
  type RunEvent,
} from "../events/types.ts";
import type { ProcessRunner } from "../exec/runner.ts";
import { FINAL_BUILD_STEPS } from "../plan/normalize.ts";
import { ciInfo } from "./ci.ts";
import { definitionHashes } from "./fingerprint.ts";
import { previousFingerprints } from "./history.ts";
import { acquireLock } from "./lock.ts";
import { schedule } from "./scheduler.ts";

/** Exit codes of a run (DESIGN.md). */
export const EXIT = {
  ok: 0,
  failed: 1,
  invalid: 2,
  paused: 3,
  interrupted: 130,
} as const;

/** Something that watches a run (terminal view, TASKS.md). */
export interface RunObserver {
  start(plan: Plan, state: RunState, logPath: string): void;
  onEvent(event: RunEvent, state: RunState): void;
  close(state: RunState): void | Promise<void>;
}

/** Options of {@link executeRun}. */
export interface RunOptions {
  loaded: LoadedPlan;
  /** `--task`: run this task (or the task of this shard) and its dependencies. */
  target?: string;
  resume: boolean;
  force: boolean;
  noBuild: boolean;
  concurrency?: number;
  runner: ProcessRunner;
  observers: RunObserver[];
  interrupt: AbortSignal;
  toolVersion: string;
  /** Printed to stderr: warnings (stale lock, torn log line). */
  warn: (message: string) => void;
}

/** A run that could not start: bad usage or a held lock (exit 2). */
export class RunRefused extends Error {
  override name = "RunRefused";
}

/**
 * Executes (or resumes) a run and returns its exit code.
 */
export async function executeRun(options: RunOptions): Promise<number> {
  const { loaded, runner } = options;
  const { plan, root } = loaded;
  const started = performance.now();
  const hashes = definitionHashes(plan);

  let runId: string;
  let prior: RunState = emptyState();
  if (options.resume) {
    const runs = await listRuns(root);
    if (runs.length === 0) {
      throw new RunRefused(
        "Nothing to resume: no run has been recorded in this project yet",
      );
    }
    runId = runs[runs.length - 1]!;
    const read = await foldLog(logPath(root, runId));
    read.warnings.forEach(options.warn);
    prior = read.state;
    if (prior.run === null) {
      throw new RunRefused(
        `Cannot resume ${runId}: its log has no run_started event`,
      );
    }
    if (prior.outcome === "success" && prior.plan_hash === loaded.hash) {
      options.warn(
        `Nothing to resume: run ${runId} completed and the plan has not changed since`,
      );
      return EXIT.ok;
    }
  } else {
    runId = newRunId();
    if (options.target !== undefined) resolveTarget(plan, options.target);
  }

  const lock = await acquireLock(root, runId).catch((e) => {
    throw new RunRefused((e as Error).message);
  });
  if (lock.warning) options.warn(lock.warning);
  const log = await EventLog.open(root, runId);
  const state = prior;
  const relLog = relative(Deno.cwd(), log.path) || log.path;
  for (const o of options.observers) o.start(plan, state, relLog);
  const emit = (event: NewEvent): RunEvent => {
    const full = log.append(event);
    applyEvent(state, full);
    for (const o of options.observers) o.onEvent(full, state);
    return full;
  };

  try {
    const { toRun, done } = options.resume
      ? resumeSelection(plan, state, hashes, loaded.hash, emit)
      : startSelection(plan, options, hashes, emit, loaded);
    const concurrency = options.concurrency ?? plan.orchestrator.concurrency ??
      navigator.hardwareConcurrency ?? 1;
    const withInputs = new Set(
      plan.tasks.filter((t) => toRun.has(t.id) && t.inputs.length > 0).map((
        t,
      ) => t.id),
    );
    const previous = await previousFingerprints(
      root,
      withInputs,
      options.resume ? null : runId,
    );
    // Each resume writes its command output apart, so earlier output stays as the log names it.
    const artifacts = join(
      artifactDir(root, runId),
      options.resume ? `resume-${state.resumes}` : "",
    );
    await Deno.mkdir(artifacts, { recursive: true });
    const result = await schedule({
      plan,
      toRun,
      done,
      concurrency,
      strategy: plan.orchestrator.strategy,
      force: options.force,
      definitionHashes: hashes,
      previousFingerprints: previous,
      approvals: state.approvals,
      context: {
        root,
        runId,
        artifacts,
        artifactsRelative: relative(root, artifacts),
        runner,
        emit,
        interrupt: options.interrupt,
        sleep,
      },
    });

    let outcome: "success" | "failed" | "paused" | "interrupted" = "success";
    if (options.interrupt.aborted) outcome = "interrupted";
    else if (result.failed.length > 0 || result.blocked.length > 0) {
      outcome = "failed";
    } else if (result.paused.length > 0 || result.notStarted.length > 0) {
      outcome = "paused";
    }

    if (outcome === "success" && !options.noBuild) {
      outcome = await finalBuild(
        plan,
        root,
        runId,
        artifacts,
        runner,
        emit,
        options.interrupt,
      );
    }
    if (options.interrupt.aborted) {
      outcome = "interrupted";
      const stopped = result.failed.filter((id) =>
        state.tasks.get(id)?.failure === "interrupted"
      );
      emit({
        type: "interrupted",
        task: null,
        shard: null,
        signal: "SIGINT",
        stopped,
      });
    }
    emit({
      type: "completed",
      task: null,
      shard: null,
      outcome,
      duration_ms: Math.round(performance.now() - started),
      counts: countStates(state),
    });
    return outcome === "success"
      ? EXIT.ok
      : outcome === "failed"
      ? EXIT.failed
      : outcome === "paused"
      ? EXIT.paused
      : EXIT.interrupted;
  } finally {
    for (const o of options.observers) await o.close(state);
    log.close();
    lock.release();
  }
}

/** The task named by `--task`: a task id, or a shard id that belongs to one task. */
export function resolveTarget(plan: Plan, target: string): string {
  if (plan.tasks.some((t) => t.id === target)) return target;
  const owners = plan.tasks.filter((t) =>
    t.shards.some((s) => s.id === target)
  );
  if (owners.length === 1) return owners[0]!.id;
  throw new RunRefused(
    `Unknown task "${target}": no task or shard has that id`,
  );
}

function startSelection(
  plan: Plan,
  options: RunOptions,
  hashes: Record<string, string>,
  emit: (e: NewEvent) => RunEvent,
  loaded: LoadedPlan,
) {
  const target = options.target === undefined
    ? null
    : resolveTarget(plan, options.target);
  const toRun = target === null
    ? new Set(plan.tasks.map((t) => t.id))
    : selectWithDependencies(plan.tasks, target);
  const selected = plan.tasks.filter((t) => toRun.has(t.id)).map((t) => t.id);
  emit({
    type: "run_started",
    task: null,
    shard: null,
    plan_file: loaded.file,
    plan_hash: loaded.hash,
    task_hashes: hashes,
    tool_version: options.toolVersion,
    deno_version: Deno.version.deno,
    selection: target,
    selected,
    concurrency: options.concurrency ?? plan.orchestrator.concurrency ??
      navigator.hardwareConcurrency ?? 1,
    strategy: plan.orchestrator.strategy,
    force: options.force,
    ci: ciInfo(),
  });
  emit({
    type: "plan_validated",
    task: null,
    shard: null,
    plan_hash: loaded.hash,
    tasks: plan.tasks.length,
  });
  for (const task of plan.tasks) {
    if (!toRun.has(task.id)) {
      emit({
        type: "skipped",
        task: task.id,
        shard: null,
        reason: OUTSIDE_SELECTION,
        fingerprint: null,
      });
    }
  }
  return { toRun, done: new Map<string, string | null>(), selection: target };
}

function resumeSelection(
  plan: Plan,
  state: RunState,
  hashes: Record<string, string>,
  planHash: string,
  emit: (e: NewEvent) => RunEvent,
) {
  const ids = new Set(plan.tasks.map((t) => t.id));
  const old = state.task_hashes;
  const added = plan.tasks.filter((t) => !(t.id in old)).map((t) => t.id);
  const removed = Object.keys(old).filter((id) => !ids.has(id));
  const changed = plan.tasks.filter((t) =>
    t.id in old && old[t.id] !== hashes[t.id]
  ).map((t) => t.id);
  if (planHash !== state.plan_hash) {
    emit({
      type: "plan_updated",
      task: null,
      shard: null,
      previous_hash: state.plan_hash ?? "",
      plan_hash: planHash,
      task_hashes: hashes,
      changed,
      added,
      removed,
    });
  }
  const wasSelected = new Set(state.selected);
  const inSelection = (id: string) =>
    state.selection === null ? ids.has(id) : wasSelected.has(id);
  const selection = state.selection === null
    ? [...ids]
    : selectionFromTarget(plan, state.selection, wasSelected);
  const toRun = new Set<string>();
  const done = new Map<string, string | null>();
  for (const id of selection) {
    if (!inSelection(id) && !added.includes(id)) continue;
    const task = state.tasks.get(id);
    if (task && isDoneInRun(task.state, task.reason)) {
      done.set(id, task.fingerprint);
    } else toRun.add(id);
  }
  emit({ type: "resumed", task: null, shard: null, rerun: [...toRun] });
  return { toRun, done, selection: state.selection };
}

function selectionFromTarget(
  plan: Plan,
  target: string,
  previous: Set<string>,
): string[] {
  const now = plan.tasks.some((t) => t.id === target)
    ? selectWithDependencies(plan.tasks, target)
    : previous;
  return plan.tasks.filter((t) => now.has(t.id)).map((t) => t.id);
}

async function finalBuild(
  plan: Plan,
  root: string,
  runId: string,
  artifacts: string,
  runner: ProcessRunner,
  emit: (e: NewEvent) => RunEvent,
  interrupt: AbortSignal,
): Promise<"success" | "failed" | "interrupted"> {
  const steps = plan.project.build.filter((c) =>
    (FINAL_BUILD_STEPS as readonly string[]).includes(c.name)
  );
  if (steps.length === 0) return "success";
  emit({
    type: "build_started",
    task: null,
    shard: null,
    steps: steps.map((s) => s.name),
  });
  for (const step of steps) {
    const file = `build.${step.name}.log`;
    const r = await runner.run({
      command: step.run,
      cwd: root,
      outputPath: `${artifacts}/${file}`,
      timeoutMs: step.timeout_ms,
      signal: interrupt,
      env: { ORCHESTRATE_RUN_ID: runId },
    });
    emit({
      type: "command_run",
      task: null,
      shard: null,
      name: step.name,
      cmd: step.run,
      status: r.status,
      signal: r.signal,
      duration_ms: Math.round(r.durationMs),
      output: r.wroteOutput ? `${relative(root, artifacts)}/${file}` : null,
      attempt: 1,
      attempts: 1,
      timed_out: r.timedOut,
    });
    if (r.aborted) return "interrupted";
    if (r.status !== 0) return "failed";
  }
  return "success";
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

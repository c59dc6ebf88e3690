/**
 * A whole run: lock, log, selection, schedule, final build, `completed`.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import type { LoadedPlan } from "../plan/load.ts";
import type { Plan, Task } from "../plan/ir.ts";
import {
  applyEvent,
  countStates,
  emptyState,
  isDoneInRun,
  type RunState,
  taskPatch,
} from "../events/fold.ts";
import { newRunId } from "../events/log.ts";
import { LockedError } from "../events/lock.ts";
import { RunStore } from "../events/store.ts";
import {
  type NewEvent,
  OUTSIDE_SELECTION,
  type RunEvent,
  type RunOutcome,
} from "../events/types.ts";
import { EXIT_CODE, type ExitCode, RUN_EXIT } from "../exit_code.ts";
import { isBug } from "../fault.ts";
import { controlFolder } from "../events/control_entry.ts";
import type { ProcessRunner } from "../exec/runner.ts";
import type { RunFlags } from "../exec/permissions.ts";
import { runSecrets, unmaskedWarning } from "../exec/mask.ts";
import { maskEvent } from "../events/mask_event.ts";
import { ownEnv } from "../exec/permissions_env.ts";
import { ciInfo } from "./ci.ts";
import { definitionHashes, fileSha256 } from "./fingerprint.ts";
import { previousFingerprints } from "./history.ts";
import { decideTask } from "./decide.ts";
import { gatherTaskFacts } from "./task_facts.ts";
import type { OnlyFacts } from "./only.ts";
import { resolveOwnPrograms } from "../exec/programs.ts";
import { outputFileName } from "./output_name.ts";
import { schedule } from "./scheduler.ts";
import { RunRefused } from "./refused.ts";
import {
  affectedSelection,
  freshSelection,
  resumeSelection,
  type Selection,
} from "./selection.ts";
import type { FeatureSteps, OutputTap } from "./steps/handler.ts";
import { projectWorkspaces, type TaskWorkspace } from "./workspace.ts";
import { AuditBoard } from "./write_audit.ts";
import { saveStatCache, useStatCache } from "./stat_cache.ts";
import { distrustFolders, trustFolders } from "./files.ts";
import { keptDefinitionHashes } from "./definition_cache.ts";

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
  /** `--only`: the target alone; its dependencies completed elsewhere (see `only.ts`). */
  only?: boolean;
  /** `--needs-from DIR`: run logs of other machines that `--only` reads. */
  needsFrom?: string;
  /**
   * `run --watch` after a change: the tasks it affects; they and their
   * dependents run, within `target`'s selection (see `affectedSelection`).
   */
  affected?: readonly string[];
  resume: boolean;
  /**
   * `--run ID`: the run to resume (default: the latest, or the newest run
   * that waits at a gate when the latest completed).
   */
  run?: string;
  force: boolean;
  noBuild: boolean;
  concurrency?: number;
  /** `--allow-*`: the run-wide restriction of every task's permissions. */
  allow?: RunFlags;
  runner: ProcessRunner;
  observers: RunObserver[];
  interrupt: AbortSignal;
  toolVersion: string;
  /** Printed to stderr: warnings (stale lock, torn log line). */
  warn: (message: string) => void;
  /**
   * The handlers of the feature steps (agent, apply_patch) for this run,
   * made once its plan and state are known (default: none; an agent task
   * then fails saying so). The CLI plugs in the agent folder's.
   */
  features?: (run: RunFeatures) => FeatureSteps;
  /** `run --stream`: every command's output, live, with whose it is. */
  output?: OutputTap;
}

/** What a run tells its feature steps when it makes them. */
export interface RunFeatures {
  root: string;
  plan: Plan;
  /** The plan file (absolute): its includes and modules are the plan too. */
  planFile: string;
  runId: string;
  /** The run's state, kept current as events are written. */
  state: RunState;
  /** How many commands (or agents) may run at once. */
  concurrency: number;
}

export { RunRefused };

/**
 * Executes (or resumes) a run and returns its exit code. Every run that
 * starts ends with `completed`: an unexpected error stops the running
 * commands, is recorded, and the lock is released.
 */
export async function executeRun(given: RunOptions): Promise<ExitCode> {
  let options = given;
  const { runner } = options;
  const started = performance.now();

  const store = new RunStore(options.loaded.root);
  let runId: string;
  let prior: RunState = emptyState();
  if (options.resume) {
    // Resume-only modules load with the resume.
    const [{ resumeTarget }, { planToResume }] = await Promise.all([
      import("./resume_target.ts"),
      import("./run_plan.ts"),
    ]);
    const latest = await resumeTarget(store, options.run);
    runId = latest;
    const read = await store.fold(runId);
    read.warnings.forEach(options.warn);
    prior = read.state;
    if (prior.run === null) {
      throw new RunRefused(
        `Cannot resume ${runId}: its log has no run_started event`,
      );
    }
    // The run's own IR, with the plan file's definition only where a task changed.
    const resumed = await planToResume(
      store,
      runId,
      prior,
      options.loaded,
      options.warn,
    );
    options = { ...options, loaded: resumed.loaded };
    if (
      prior.outcome === "success" && prior.plan_hash === options.loaded.hash
    ) {
      options.warn(
        `Nothing to resume: run ${runId} completed and the plan has not changed since`,
      );
      return EXIT_CODE.ok;
    }
  } else {
    runId = newRunId();
  }
  const { plan } = options.loaded;
  // A fresh run's plan is the one loaded, whose hash is its IR's: the
  // hashes may come from the run before (a resume's plan is rebuilt).
  const definitions = options.resume
    ? { hashes: definitionHashes(plan), save: async () => {} }
    : await keptDefinitionHashes(
      options.loaded.root,
      plan,
      options.loaded.hash,
    );
  const hashes = definitions.hashes;
  const picked: Selection = options.resume
    ? resumeSelection(plan, prior, hashes)
    : options.affected !== undefined
    ? affectedSelection(plan, options.target ?? null, options.affected)
    : freshSelection(plan, options.target ?? null, options.only === true);
  const widened = picked.widen
    ? await (await import("./only.ts")).widenSelection(
      plan,
      picked,
      hashes,
      store,
      options.resume ? null : runId,
      options.warn,
    )
    : null;
  widened?.added.forEach((id) =>
    options.warn(
      `${id} runs too: its latest run for this definition did not complete it`,
    )
  );
  const selection = widened?.selection ?? picked;
  const only = widened !== null
    ? widened.facts
    : selection.only
    ? await (await import("./only.ts")).onlyFacts(
      plan.tasks.find((t) => t.id === selection.target)!,
      hashes,
      store,
      options.resume ? null : runId,
      options.needsFrom ?? null,
      options.warn,
    )
    : null;
  // A resumed forced run stays forced.
  const force = options.force || (options.resume && prior.force);

  // Nothing is recorded until the lock is held; a fault opening the log is the caller's (exit 74).
  const writer =
    await (options.resume ? store.open(runId) : store.create(runId))
      .catch((e) => {
        if (e instanceof LockedError) throw new RunRefused(e.message);
        throw e;
      });
  // A new run's id is unique even when the clock stood still (`-2`, ...).
  runId = writer.run;
  if (writer.warning) options.warn(writer.warning);
  // Input hashes by stat, for the project root only (never a task's worktree).
  useStatCache(options.loaded.root, { refresh: force });
  const state = prior;
  try {
    const relLog = relative(Deno.cwd(), writer.path) || writer.path;
    for (const o of options.observers) o.start(plan, state, relLog);
    // Secret values never reach the log, TASKS.md or status, whatever prints them.
    const secrets = runSecrets(ownEnv(), planNames(plan));
    secrets.unmasked.forEach((s) => options.warn(unmaskedWarning(s)));
    const emit = (event: NewEvent): RunEvent => emitAll([event])[0]!;
    const emitAll = (events: readonly NewEvent[]): RunEvent[] => {
      const written = writer.appendAll(
        events.map((e) => maskEvent(e, secrets.values)),
      );
      for (const full of written) {
        applyEvent(state, full);
        for (const o of options.observers) o.onEvent(full, state);
      }
      return written;
    };
    // The IR the run works from, before the event that names its hash
    // (the loader's: the plan is serialized again only when no copy has it).
    const hash = await writer.recordPlan(plan, options.loaded.hash);
    options = { ...options, loaded: { ...options.loaded, hash } };
    return await runRecorded({
      halt: new AbortController(),
      options,
      store,
      state,
      selection,
      hashes,
      force,
      runId,
      emit,
      emitAll,
      started,
      runner,
      secrets: secrets.values,
      only,
    });
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    // The log itself cannot be written (disk full, a removed folder): say so, end.
    runner.killAll("SIGKILL");
    options.warn(
      `error: cannot record the run in ${writer.path}: ${e.message}; what was recorded before is intact`,
    );
    return EXIT_CODE.io;
  } finally {
    distrustFolders();
    // Still under the lock: no other run writes the cache meanwhile.
    // An interrupted run ends now: its racy entries wait for the next run.
    await saveStatCache(
      options.loaded.root,
      options.interrupt.aborted ? undefined : fileSha256,
      {
        tasks: new Set(plan.tasks.map((t) => t.id)),
        // Files only after a run that asked every task for its inputs.
        files: !options.interrupt.aborted && !options.resume &&
          !selection.only && selection.selected.size === plan.tasks.length &&
          plan.tasks.every((t) => {
            const task = state.tasks.get(t.id);
            return task !== undefined && isDoneInRun(task.state, task.reason);
          }),
      },
    );
    await definitions.save();
    for (const o of options.observers) {
      try {
        await o.close(state);
      } catch (e) {
        options.warn(`warning: ${(e as Error).message}`);
      }
    }
    writer.close();
  }
}

interface Recorded {
  options: RunOptions;
  store: RunStore;
  state: RunState;
  selection: Selection;
  hashes: Record<string, string>;
  force: boolean;
  runId: string;
  emit: (e: NewEvent) => RunEvent;
  /** Several events in one append (the skips of up-to-date tasks). */
  emitAll: (events: readonly NewEvent[]) => RunEvent[];
  started: number;
  runner: ProcessRunner;
  /** Aborted when the run must stop on an error of its own. */
  halt: AbortController;
  /** The values masked in output and events (every secret the run knows of). */
  secrets: readonly string[];
  /** `--only`: the dependencies done elsewhere, or the one that is not. */
  only: OnlyFacts | null;
}

/** The ids and names the run itself prints: a secret equal to one is not masked. */
function planNames(plan: Plan): Set<string> {
  const names = new Set<string>();
  const commands = [...plan.project.build, ...plan.project.final_build];
  for (const task of plan.tasks) {
    names.add(task.id);
    task.shards.forEach((s) => names.add(s.id));
    task.gates.forEach((g) => names.add(g));
    commands.push(...task.commands);
  }
  commands.forEach((c) => names.add(c.name));
  return names;
}

/** The run between its first and its last event. */
async function runRecorded(r: Recorded): Promise<ExitCode> {
  const { options, state, selection, hashes, emit, runId, runner } = r;
  const { loaded } = options;
  const { plan, root } = loaded;
  const end = (outcome: RunOutcome): ExitCode => {
    emit({
      type: "completed",
      task: null,
      shard: null,
      outcome,
      duration_ms: Math.round(performance.now() - r.started),
      counts: countStates(state),
    });
    return RUN_EXIT[outcome];
  };
  try {
    if (options.resume) {
      recordResume(plan, state, hashes, loaded.hash, selection, emit);
    } else {
      await recordStart(
        plan,
        options,
        selection,
        hashes,
        r.force,
        emit,
        loaded,
      );
    }
    const toRun = new Set(
      [...selection.selected].filter((id) => !selection.doneEarlier.has(id)),
    );
    const missing = r.only?.missing;
    if (missing && toRun.has(selection.target!)) {
      // `--only` and a dependency that completed nowhere this run can read.
      options.warn(`${selection.target}: blocked: ${missing.reason}`);
      emit({
        type: "task_blocked",
        task: selection.target!,
        shard: null,
        reason: missing.reason,
        by: missing.id,
      });
      return end("failed");
    }
    const concurrency = options.concurrency ?? defaultConcurrency(plan);
    const withInputs = new Set(
      plan.tasks.filter((t) => toRun.has(t.id) && t.inputs.length > 0).map((
        t,
      ) => t.id),
    );
    const previous = await previousFingerprints(
      r.store,
      withInputs,
      options.resume ? null : runId,
    );
    const target = selection.target;
    if (r.only?.previous && target !== null && !previous.has(target)) {
      previous.set(target, r.only.previous);
    }
    // Each resume writes its command output apart, so earlier output stays as the log names it.
    const artifacts = join(
      r.store.artifactDir(runId),
      options.resume ? `resume-${state.resumes}` : "",
    );
    // A real folder: output files are never written through a planted link.
    const aside = await controlFolder(artifacts);
    if (aside !== null) {
      options.warn(
        `warning: ${relative(root, artifacts)} was not a folder: set aside as ${
          relative(root, aside)
        }`,
      );
    }
    // orchestrate's own programs (git) are fixed before any task runs.
    resolveOwnPrograms(root);
    const workspaces = projectWorkspaces(root, runId, runner, {
      defaults: plan.orchestrator.permissions,
      flags: options.allow,
      secrets: r.secrets,
    });
    /** The status of each gate of a task that has some. */
    const gatesOf = async (task: Task) => {
      const { gateStatuses } = await import("./gates.ts");
      // Approvals given while this run is live arrive through the store's journal.
      for (const grant of await r.store.approvals(runId)) {
        applyEvent(state, grant);
      }
      return gateStatuses(task, hashes[task.id]!, state);
    };
    // Until a task starts, nothing of the run changes a folder into a link.
    trustFolders();
    const result = await schedule({
      plan,
      toRun,
      done: new Map([...r.only?.done ?? [], ...selection.doneEarlier]),
      concurrency,
      strategy: plan.orchestrator.strategy,
      force: r.force,
      definitionHashes: hashes,
      previousFingerprints: previous,
      gates: (task) => task.gates.length === 0 ? [] : gatesOf(task),
      workspaces,
      // Applied or not: a patch that landed is reconciled, never redone by its agent.
      agentPatch: (task) => taskPatch(state, task.id, hashes[task.id]!),
      context: {
        runId,
        artifacts,
        artifactsRelative: relative(root, artifacts),
        emit,
        interrupt: AbortSignal.any([options.interrupt, r.halt.signal]),
        sleep,
        features: options.features?.({
          root,
          plan,
          planFile: loaded.file,
          runId,
          state,
          concurrency,
        }),
        audits: new AuditBoard(),
        ...(options.output ? { output: options.output } : {}),
      },
      onError: () => r.halt.abort(),
      emitAll: r.emitAll,
    });

    let outcome: RunOutcome = "success";
    if (options.interrupt.aborted) outcome = "interrupted";
    else if (result.failed.length > 0 || result.blocked.length > 0) {
      outcome = "failed";
    } else if (result.paused.length > 0 || result.notStarted.length > 0) {
      outcome = "paused";
    }

    // The final build belongs to the whole plan: a `--task` run skips it, and so does a watch re-run of a part.
    if (
      outcome === "success" && !options.noBuild && selection.target === null &&
      !selection.only
    ) {
      outcome = await finalBuild(
        plan,
        workspaces.forBuild(),
        artifacts,
        relative(root, artifacts),
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
    return end(outcome);
  } catch (e) {
    // Something no task caught stopped the run: stop what runs, record, end.
    r.halt.abort();
    runner.killAll("SIGKILL");
    if (!isBug(e)) {
      // A fault of the machine outside any task (a folder that cannot be made).
      const { name, message } = e as Error;
      options.warn(`error: the run stopped: ${name}: ${message}`);
      return end("failed");
    }
    options.warn(`error: internal error: ${bugLine(e)}`);
    if (ownEnv().ORCHESTRATE_DEBUG === "1" && e instanceof Error && e.stack) {
      options.warn(e.stack);
    }
    return end("error");
  }
}

/** A bug in one line: its kind and the first line of its message. */
function bugLine(e: unknown): string {
  if (!(e instanceof Error)) return `thrown ${typeof e}: ${String(e)}`;
  return `${e.name}: ${e.message.split("\n")[0]}`;
}

/** Concurrency when neither `--concurrency` nor the plan sets it: the CPUs. */
export function defaultConcurrency(plan: Plan): number {
  return plan.orchestrator.concurrency ?? navigator.hardwareConcurrency ?? 1;
}

async function recordStart(
  plan: Plan,
  options: RunOptions,
  selection: Selection,
  hashes: Record<string, string>,
  force: boolean,
  emit: (e: NewEvent) => RunEvent,
  loaded: LoadedPlan,
): Promise<void> {
  const selected = plan.tasks.filter((t) => selection.selected.has(t.id)).map(
    (t) => t.id,
  );
  // A loop, not Object.fromEntries (~5 ms for 1,000 tasks, cold; this ~0.4).
  const dependencies: Record<string, string[]> = {}; // Ids are never __proto__.
  for (const t of plan.tasks) {
    if (selection.selected.has(t.id)) dependencies[t.id] = [...t.dependencies];
  }
  emit({
    type: "run_started",
    task: null,
    shard: null,
    plan_file: loaded.file,
    plan_hash: loaded.hash,
    task_hashes: hashes,
    tool_version: options.toolVersion,
    deno_version: Deno.version.deno,
    selection: selection.target,
    selected,
    concurrency: options.concurrency ?? defaultConcurrency(plan),
    strategy: plan.orchestrator.strategy,
    force,
    ci: ciInfo(),
    dependencies,
    // Recorded, so a resume need not guess it from the selection's shape.
    ...(selection.only
      ? { partial: selection.widen ? "widen" as const : "only" as const }
      : {}),
  });
  emit({
    type: "plan_validated",
    task: null,
    shard: null,
    plan_hash: loaded.hash,
    tasks: plan.tasks.length,
  });
  for (const task of plan.tasks) {
    if (selection.selected.has(task.id)) continue;
    const decision = decideTask(
      await gatherTaskFacts(task, {
        root: loaded.root,
        definitionHash: hashes[task.id]!,
        selected: false,
        doneEarlier: false,
        force,
        previousFingerprint: null,
        upstream: () => ({ state: "pending" }),
        gates: () => [],
      }),
    );
    if (decision.action === "skip" && decision.reason === OUTSIDE_SELECTION) {
      emit({
        type: "skipped",
        task: task.id,
        shard: null,
        reason: decision.reason,
        fingerprint: null,
      });
    }
  }
}

function recordResume(
  plan: Plan,
  state: RunState,
  hashes: Record<string, string>,
  planHash: string,
  selection: Selection,
  emit: (e: NewEvent) => RunEvent,
): void {
  const ids = new Set(plan.tasks.map((t) => t.id));
  const old = new Map(Object.entries(state.task_hashes));
  const added = plan.tasks.filter((t) => !old.has(t.id)).map((t) => t.id);
  const removed = [...old.keys()].filter((id) => !ids.has(id));
  const changed = plan.tasks.filter((t) =>
    old.has(t.id) && old.get(t.id) !== hashes[t.id]
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
  const rerun = plan.tasks.filter((t) =>
    selection.selected.has(t.id) && !selection.doneEarlier.has(t.id)
  ).map((t) => t.id);
  emit({ type: "resumed", task: null, shard: null, rerun });
}

async function finalBuild(
  plan: Plan,
  workspace: TaskWorkspace,
  artifacts: string,
  artifactsRelative: string,
  emit: (e: NewEvent) => RunEvent,
  interrupt: AbortSignal,
): Promise<"success" | "failed" | "interrupted"> {
  const steps = plan.project.final_build;
  if (steps.length === 0) return "success";
  distrustFolders();
  emit({
    type: "build_started",
    task: null,
    shard: null,
    steps: steps.map((s) => s.name),
  });
  for (const step of steps) {
    const file = outputFileName({
      task: null,
      shard: null,
      step: "build",
      name: step.name,
      attempt: 1,
    });
    const r = await workspace.runner.run(workspace.request(step.run, {
      outputPath: join(artifacts, file),
      timeoutMs: step.timeout_ms,
      signal: interrupt,
    }));
    emit({
      type: "command_run",
      task: null,
      shard: null,
      name: step.name,
      cmd: step.run,
      status: r.status,
      signal: r.signal,
      duration_ms: Math.round(r.durationMs),
      output: r.wroteOutput ? `${artifactsRelative}/${file}` : null,
      attempt: 1,
      attempts: 1,
      timed_out: r.timedOut,
      output_bytes: r.outputBytes ?? 0,
      dropped_bytes: r.droppedBytes ?? 0,
      ...(r.aborted && !r.timedOut ? { stopped: true } : {}),
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

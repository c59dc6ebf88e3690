/**
 * Runs one task: walks its compiled steps (see `steps.ts`) inside its
 * timebox, in its workspace. Every step is an event written before the next
 * step starts. An unexpected error (disk full, a bug) ends the task as
 * failed with reason `error`, never the run.
 * @module
 */

import { join } from "../path.ts";
import { checkLabel, describeCheck } from "../plan/check.ts";
import type { Command, Shard, Task } from "../plan/ir.ts";
import type { FailureReason, NewEvent, PatchSummary } from "../events/types.ts";
import type { PatchState } from "../events/fold.ts";
// Agent steps load their modules (git, patches, globs) only when a task has one.
import type { AgentServices } from "../agent/agent_step.ts";
import { formatDuration } from "../render/duration.ts";
import { evaluateCheck } from "./acceptance.ts";
import type { Precheck } from "./decide.ts";
import { outputFileName, type OutputOwner } from "./output_name.ts";
import { backoffDelay, retryFor } from "./retry.ts";
import {
  acceptanceSteps,
  type CheckStep,
  compileSteps,
  type StepGroup,
} from "./steps.ts";
import type { TaskWorkspace } from "./workspace.ts";
import {
  type AuditBoard,
  describeViolations,
  startAudit,
} from "./write_audit.ts";

/** What running a task needs from the run. */
export interface TaskContext {
  runId: string;
  /** Absolute folder for this run's artifacts. */
  artifacts: string;
  /** The same folder relative to the project root (for events). */
  artifactsRelative: string;
  emit: (event: NewEvent) => void;
  /** Aborted on interrupt. */
  interrupt: AbortSignal;
  /** Waits (injectable so tests need not sleep). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The run's agent budget and brief renderer (default: no caps, the plain brief). */
  agents?: AgentServices;
  /** The tasks running at once, for the write audit's attribution. */
  audits?: AuditBoard;
}

/** How a task ended. */
export type TaskOutcome =
  | { kind: "completed"; durationMs: number }
  /** Its pre-check found its acceptance holding: nothing ran. */
  | { kind: "skipped"; reason: Precheck }
  /** Stopped at a gate inside the task (`apply_patch`), showing this patch. */
  | { kind: "paused"; gate: string; patch: PatchSummary; durationMs: number }
  | {
    kind: "failed";
    durationMs: number;
    reason: FailureReason;
    detail: string;
  };

type StepResult = { ok: true } | {
  ok: false;
  reason: FailureReason;
  detail: string;
} | { ok: "paused"; gate: string; patch: PatchSummary };

interface Walk {
  task: Task;
  workspace: TaskWorkspace;
  ctx: TaskContext;
  signal: AbortSignal;
  /** Gates approved for this task (a `Manual:` check passes when "manual" is among them). */
  approvedGates: ReadonlySet<string>;
  /** The task's definition hash (an agent's patch is bound to it). */
  taskHash: string;
  /** A validated patch of this task from an earlier start in this run. */
  reusePatch: PatchState | null;
  /** The patch the agent step produced, for the apply step. */
  patch: { summary: PatchSummary; reused: boolean } | null;
}

/**
 * Runs `task`: first its pre-check when `precheck` is set (its acceptance,
 * with the task's environment and timebox; when it holds, the task is
 * skipped), else `task_started` and its steps. Emits every event but
 * `task_completed` / `task_failed` / `skipped`, which the scheduler adds
 * with the fingerprint.
 */
export async function runTask(
  task: Task,
  workspace: TaskWorkspace,
  ctx: TaskContext,
  options: {
    precheck: Precheck | null;
    approvedGates: ReadonlySet<string>;
    /** The task's definition hash (default ""; agent tasks need it). */
    taskHash?: string;
    /** An agent task's validated patch from an earlier start in this run. */
    reusePatch?: PatchState | null;
  },
): Promise<TaskOutcome> {
  const started = performance.now();
  const abort = new AbortController();
  let timedOut = false;
  const onInterrupt = () => abort.abort();
  ctx.interrupt.addEventListener("abort", onInterrupt, { once: true });
  if (ctx.interrupt.aborted) abort.abort();
  const timebox = task.constraints.timebox_ms === undefined
    ? undefined
    : setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, task.constraints.timebox_ms);
  const walk: Walk = {
    task,
    workspace,
    ctx,
    signal: abort.signal,
    approvedGates: options.approvedGates,
    taskHash: options.taskHash ?? "",
    reusePatch: options.reusePatch ?? null,
    patch: null,
  };
  let result: StepResult;
  let audit: Awaited<ReturnType<typeof startAudit>> = null;
  try {
    // Before anything of it is spawned: a program or access its permissions or the run refuse.
    const refused = await workspace.refusal();
    if (refused !== null) {
      ctx.emit({ type: "task_started", task: task.id, shard: null });
      return {
        kind: "failed",
        durationMs: Math.round(performance.now() - started),
        reason: "permission_denied",
        detail: refused,
      };
    }
    audit = await startAudit(workspace.root, workspace.policy, ctx.audits);
    const holds = options.precheck !== null && !abort.signal.aborted &&
      await acceptanceHolds(walk);
    let violations = holds ? await audit?.() ?? [] : null;
    if (holds && violations!.length === 0) {
      return { kind: "skipped", reason: options.precheck! };
    }
    ctx.emit({ type: "task_started", task: task.id, shard: null });
    // A pre-check stopped by the timebox or Ctrl-C: its steps must not start after it.
    // (A pre-check that held but changed what it may not: failed by the audit below.)
    result = abort.signal.aborted
      ? { ok: false, reason: "acceptance_failed", detail: "stopped" }
      : holds
      ? { ok: true }
      : await walkGroups(compileSteps(task), walk);
    violations ??= await audit?.() ?? [];
    if (violations.length > 0) {
      // What it wrote where it may not outranks how its commands ended.
      result = {
        ok: false,
        reason: "write_denied",
        detail: describeViolations(violations) +
          (result.ok ? "" : ` (and ${result.detail})`),
      };
    }
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    result = { ok: false, reason: "error", detail: errorText(e) };
  } finally {
    // Only when set: Deno loads its Node timers (~13 ms) on first use of clearTimeout.
    if (timebox !== undefined) clearTimeout(timebox);
    ctx.interrupt.removeEventListener("abort", onInterrupt);
  }
  const durationMs = Math.round(performance.now() - started);
  if (result.ok === "paused") {
    return {
      kind: "paused",
      gate: result.gate,
      patch: result.patch,
      durationMs,
    };
  }
  if (result.ok) return { kind: "completed", durationMs };
  if (result.reason === "write_denied") {
    return { kind: "failed", durationMs, ...result };
  }
  if (timedOut) {
    return {
      kind: "failed",
      durationMs,
      reason: "timeout",
      detail: `timebox of ${
        formatDuration(task.constraints.timebox_ms!)
      } exceeded`,
    };
  }
  if (ctx.interrupt.aborted) {
    return {
      kind: "failed",
      durationMs,
      reason: "interrupted",
      detail: "run interrupted",
    };
  }
  return { kind: "failed", durationMs, ...result };
}

/** A one-line description of an unexpected error, for `task_failed`. */
function errorText(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return `${e.name}: ${e.message}${
    typeof code === "string" ? ` (${code})` : ""
  }`;
}

async function walkGroups(
  groups: StepGroup[],
  taskWalk: Walk,
): Promise<StepResult> {
  const { task, ctx } = taskWalk;
  for (const group of groups) {
    const shard = group.shard;
    // A shard's commands and checks run under its task's permissions narrowed by its own.
    const walk = shard
      ? { ...taskWalk, workspace: taskWalk.workspace.forShard(shard) }
      : taskWalk;
    const started = performance.now();
    if (shard) {
      ctx.emit({ type: "shard_started", task: task.id, shard: shard.id });
    }
    let result: StepResult = { ok: true };
    const failedChecks: string[] = [];
    for (const step of group.steps) {
      if (step.kind === "command") {
        result = await runCommand(step.command, shard, walk);
        if (!result.ok) break;
      } else if (step.kind === "agent") {
        const { defaultAgentServices, runAgentStep } = await import(
          "../agent/agent_step.ts"
        );
        const r = await runAgentStep({
          task,
          agent: step.agent,
          workspace: walk.workspace,
          ctx,
          signal: walk.signal,
          taskHash: walk.taskHash,
          reuse: walk.reusePatch,
          services: ctx.agents ?? defaultAgentServices(),
          validation: step.validation,
          shards: step.shards,
          validate: (groups, workspace, inner) =>
            walkGroups(groups, {
              ...walk,
              workspace,
              ctx: inner,
            }) as Promise<
              { ok: true } | {
                ok: false;
                reason: FailureReason;
                detail: string;
              }
            >,
        });
        if (!r.ok) {
          result = r;
          break;
        }
        walk.patch = { summary: r.patch, reused: r.reused };
      } else if (step.kind === "apply_patch") {
        if (walk.patch === null) {
          throw new Error("Internal error: apply_patch without an agent step");
        }
        const { runApplyStep } = await import("../agent/apply_step.ts");
        result = await runApplyStep({
          taskId: task.id,
          root: walk.workspace.root,
          patch: walk.patch.summary,
          gated: step.gated,
          approved: walk.patch.reused &&
            walk.approvedGates.has(step.kind),
          emit: ctx.emit,
        });
        if (result.ok !== true) break;
      } else {
        if (walk.signal.aborted) {
          result = {
            ok: false,
            reason: "acceptance_failed",
            detail: "stopped",
          };
          break;
        }
        const failure = await runCheck(step, shard, walk, "check");
        if (failure !== null) failedChecks.push(failure);
      }
    }
    if (result.ok === true && failedChecks.length > 0) {
      result = {
        ok: false,
        reason: "acceptance_failed",
        detail: failedChecks.join("; "),
      };
    }
    if (shard && result.ok !== "paused") {
      const duration_ms = Math.round(performance.now() - started);
      ctx.emit(
        result.ok
          ? {
            type: "shard_completed",
            task: task.id,
            shard: shard.id,
            duration_ms,
          }
          : {
            type: "shard_failed",
            task: task.id,
            shard: shard.id,
            duration_ms,
            reason: result.reason,
            detail: result.detail,
          },
      );
    }
    if (result.ok !== true) return result;
  }
  return { ok: true };
}

/** The absolute path of an output file and how events name it. */
function outputPaths(ctx: TaskContext, owner: OutputOwner) {
  const file = outputFileName(owner);
  return {
    absolute: join(ctx.artifacts, file),
    relative: `${ctx.artifactsRelative}/${file}`,
  };
}

async function runCommand(
  command: Command,
  shard: Shard | null,
  walk: Walk,
): Promise<StepResult> {
  const { task, ctx, signal, workspace } = walk;
  const policy = retryFor(command, task);
  for (let attempt = 1;; attempt++) {
    const output = outputPaths(ctx, {
      task: task.id,
      shard: shard?.id ?? null,
      step: "command",
      name: command.name,
      attempt,
    });
    const r = await workspace.runner.run(workspace.request(command.run, {
      outputPath: output.absolute,
      timeoutMs: command.timeout_ms,
      signal,
      ownProcessGroup: task.constraints.timebox_ms !== undefined,
    }));
    ctx.emit({
      type: "command_run",
      task: task.id,
      shard: shard?.id ?? null,
      name: command.name,
      cmd: command.run,
      status: r.status,
      signal: r.signal,
      duration_ms: Math.round(r.durationMs),
      output: r.wroteOutput ? output.relative : null,
      attempt,
      attempts: policy.attempts,
      timed_out: r.timedOut,
      output_bytes: r.outputBytes ?? 0,
      dropped_bytes: r.droppedBytes ?? 0,
      ...(r.leftRunning ? { left_running: r.leftRunning } : {}),
    });
    if (r.refused !== undefined) {
      return { ok: false, reason: "permission_denied", detail: r.refused };
    }
    // A shell that exited 0 while its orphans were being killed was still stopped.
    if (r.status === 0 && !r.aborted && !r.timedOut) return { ok: true };
    const how = r.timedOut
      ? `timed out after ${formatDuration(command.timeout_ms ?? 0)}`
      : r.aborted
      ? "was stopped"
      : r.status === null
      ? `was killed by ${r.signal}`
      : `exited ${r.status}`;
    const detail = `command "${command.name}" ${how}${
      r.wroteOutput ? ` (see ${output.relative})` : " (it printed nothing)"
    }`;
    const reason: FailureReason = r.timedOut ? "timeout" : "command_failed";
    if (signal.aborted || attempt >= policy.attempts) {
      return { ok: false, reason, detail };
    }
    const delay_ms = backoffDelay(policy, attempt + 1);
    ctx.emit({
      type: "retry_scheduled",
      task: task.id,
      shard: shard?.id ?? null,
      name: command.name,
      attempt: attempt + 1,
      delay_ms,
    });
    await ctx.sleep(delay_ms, signal);
    if (signal.aborted) return { ok: false, reason, detail };
  }
}

/**
 * Evaluates one check; emits its event (not for a pre-check, which records
 * nothing) and returns null when it passed, else a description.
 */
async function runCheck(
  step: CheckStep,
  shard: Shard | null,
  walk: Walk,
  as: "check" | "precheck",
): Promise<string | null> {
  const { task, ctx, signal, workspace } = walk;
  const check = step.check;
  const emit = as === "check" ? ctx.emit : () => {};
  const base = {
    task: task.id,
    shard: shard?.id ?? null,
    check: checkLabel(check),
    detail: describeCheck(check),
  };
  if (check.kind === "manual") {
    if (walk.approvedGates.has("manual")) {
      emit({ type: "acceptance_passed", ...base, output: null });
      return null;
    }
    emit({
      type: "acceptance_failed",
      ...base,
      reason: "not approved",
      output: null,
    });
    return base.detail;
  }
  const output = outputPaths(ctx, {
    task: task.id,
    shard: shard?.id ?? null,
    step: as,
    name: String(step.index),
    attempt: 1,
  });
  const outcome = await evaluateCheck(check, {
    workspace,
    searchPaths: step.searchPaths,
    output,
    signal,
    ownProcessGroup: task.constraints.timebox_ms !== undefined,
  });
  if (outcome.passed) {
    emit({ type: "acceptance_passed", ...base, output: outcome.output });
    return null;
  }
  emit({
    type: "acceptance_failed",
    ...base,
    reason: outcome.reason,
    output: outcome.output,
  });
  return `${base.detail} (${outcome.reason})`;
}

/** Whether every acceptance check of the task holds now (a `Manual:` check never does). */
async function acceptanceHolds(walk: Walk): Promise<boolean> {
  const steps = acceptanceSteps(walk.task);
  if (steps.some((s) => s.check.kind === "manual")) return false;
  for (const step of steps) {
    if (walk.signal.aborted) return false;
    if (await runCheck(step, null, walk, "precheck") !== null) return false;
  }
  return true;
}

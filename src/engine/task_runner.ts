/**
 * Runs one task: its shards in order (commands, then checks), then its own
 * commands in declared order, then its acceptance checks. Every step is an
 * event written before the next step starts.
 * @module
 */

import { join } from "node:path";
import { checkLabel, describeCheck } from "../plan/check.ts";
import type { Command, Shard, Task } from "../plan/ir.ts";
import type { ProcessRunner } from "../exec/runner.ts";
import type { FailureReason, NewEvent } from "../events/types.ts";
import { evaluateCheck } from "./acceptance.ts";
import { backoffDelay, retryFor } from "./retry.ts";

/** What running a task needs from the run. */
export interface TaskContext {
  root: string;
  runId: string;
  /** Absolute folder for this run's artifacts. */
  artifacts: string;
  /** The same folder relative to the root (for events). */
  artifactsRelative: string;
  runner: ProcessRunner;
  emit: (event: NewEvent) => void;
  /** Aborted on interrupt. */
  interrupt: AbortSignal;
  /** Waits (injectable so tests need not sleep). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Gates approved for this task (a `Manual:` check passes when "manual" is among them). */
  approvedGates: ReadonlySet<string>;
}

/** How a task ended. */
export type TaskOutcome =
  | { ok: true; durationMs: number }
  | { ok: false; durationMs: number; reason: FailureReason; detail: string };

type StepResult = { ok: true } | {
  ok: false;
  reason: FailureReason;
  detail: string;
};

/**
 * Runs `task` to completion or failure; emits `task_started`, the shard,
 * command and acceptance events, but not `task_completed`/`task_failed`
 * (the scheduler adds the fingerprint and emits those).
 */
export async function runTask(
  task: Task,
  ctx: TaskContext,
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
  const env = { ORCHESTRATE_RUN_ID: ctx.runId, ORCHESTRATE_TASK_ID: task.id };
  const step = { task, ctx, signal: abort.signal, env };
  ctx.emit({ type: "task_started", task: task.id, shard: null });
  let result: StepResult = { ok: true };
  try {
    for (const shard of task.shards) {
      result = await runShard(shard, step);
      if (!result.ok) break;
    }
    if (result.ok) result = await runCommands(task.commands, null, step);
    if (result.ok) {
      result = await runChecks(
        task.acceptance,
        null,
        task.paths.preferred,
        step,
      );
    }
  } finally {
    clearTimeout(timebox);
    ctx.interrupt.removeEventListener("abort", onInterrupt);
  }
  const durationMs = Math.round(performance.now() - started);
  if (result.ok) return { ok: true, durationMs };
  if (timedOut) {
    return {
      ok: false,
      durationMs,
      reason: "timeout",
      detail: `timebox of ${task.constraints.timebox_ms} ms exceeded`,
    };
  }
  if (ctx.interrupt.aborted) {
    return {
      ok: false,
      durationMs,
      reason: "interrupted",
      detail: "run interrupted",
    };
  }
  return {
    ok: false,
    durationMs,
    reason: result.reason,
    detail: result.detail,
  };
}

interface Step {
  task: Task;
  ctx: TaskContext;
  signal: AbortSignal;
  env: Record<string, string>;
}

async function runShard(shard: Shard, step: Step): Promise<StepResult> {
  const { task, ctx } = step;
  const started = performance.now();
  ctx.emit({ type: "shard_started", task: task.id, shard: shard.id });
  let result = await runCommands(shard.commands, shard, step);
  const searchPaths = shard.paths.preferred.length > 0
    ? shard.paths.preferred
    : task.paths.preferred;
  if (result.ok) {
    result = await runChecks(shard.acceptance, shard, searchPaths, step);
  }
  const duration_ms = Math.round(performance.now() - started);
  if (result.ok) {
    ctx.emit({
      type: "shard_completed",
      task: task.id,
      shard: shard.id,
      duration_ms,
    });
  } else {
    const { reason, detail } = result;
    ctx.emit({
      type: "shard_failed",
      task: task.id,
      shard: shard.id,
      duration_ms,
      reason,
      detail,
    });
  }
  return result;
}

function outputName(
  task: Task,
  shard: Shard | null,
  name: string,
  attempt: number,
): string {
  const who = shard ? `${task.id}.${shard.id}` : task.id;
  return logFileName(`${who}.${name}.${attempt}`);
}

/** A file name for captured output: `<stem>.log`, safe on every OS. */
export function logFileName(stem: string): string {
  return `${stem}.log`.replace(/[^A-Za-z0-9_.-]/g, "_");
}

async function runCommands(
  commands: Command[],
  shard: Shard | null,
  step: Step,
): Promise<StepResult> {
  const { task, ctx, signal } = step;
  for (const command of commands) {
    const policy = retryFor(command, task);
    for (let attempt = 1;; attempt++) {
      const file = outputName(task, shard, command.name, attempt);
      const r = await ctx.runner.run({
        command: command.run,
        cwd: ctx.root,
        outputPath: join(ctx.artifacts, file),
        timeoutMs: command.timeout_ms,
        ownProcessGroup: task.constraints.timebox_ms !== undefined,
        signal,
        env: step.env,
      });
      ctx.emit({
        type: "command_run",
        task: task.id,
        shard: shard?.id ?? null,
        name: command.name,
        cmd: command.run,
        status: r.status,
        signal: r.signal,
        duration_ms: Math.round(r.durationMs),
        output: r.wroteOutput ? `${ctx.artifactsRelative}/${file}` : null,
        attempt,
        attempts: policy.attempts,
        timed_out: r.timedOut,
      });
      if (r.status === 0) break;
      const how = r.timedOut
        ? `timed out after ${command.timeout_ms} ms`
        : r.status === null
        ? `was killed by ${r.signal}`
        : `exited ${r.status}`;
      const detail =
        `command "${command.name}" ${how} (see ${ctx.artifactsRelative}/${file})`;
      if (signal.aborted || attempt >= policy.attempts) {
        return { ok: false, reason: "command_failed", detail };
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
      if (signal.aborted) {
        return { ok: false, reason: "command_failed", detail };
      }
    }
  }
  return { ok: true };
}

async function runChecks(
  checks: Task["acceptance"],
  shard: Shard | null,
  searchPaths: readonly string[],
  step: Step,
): Promise<StepResult> {
  const { task, ctx, signal } = step;
  const failed: string[] = [];
  for (const [i, check] of checks.entries()) {
    if (signal.aborted) {
      return { ok: false, reason: "acceptance_failed", detail: "stopped" };
    }
    const base = {
      task: task.id,
      shard: shard?.id ?? null,
      check: checkLabel(check),
      detail: describeCheck(check),
    };
    if (check.kind === "manual") {
      if (ctx.approvedGates.has("manual")) {
        ctx.emit({ type: "acceptance_passed", ...base, output: null });
      } else {
        ctx.emit({
          type: "acceptance_failed",
          ...base,
          reason: "not approved",
          output: null,
        });
        failed.push(base.detail);
      }
      continue;
    }
    const file = outputName(task, shard, `check${i + 1}`, 1);
    const outcome = await evaluateCheck(check, {
      root: ctx.root,
      runner: ctx.runner,
      searchPaths,
      output: {
        absolute: join(ctx.artifacts, file),
        relative: `${ctx.artifactsRelative}/${file}`,
      },
      signal,
      env: step.env,
      ownProcessGroup: task.constraints.timebox_ms !== undefined,
    });
    if (outcome.passed) {
      ctx.emit({ type: "acceptance_passed", ...base, output: outcome.output });
    } else {
      ctx.emit({
        type: "acceptance_failed",
        ...base,
        reason: outcome.reason,
        output: outcome.output,
      });
      failed.push(`${base.detail} (${outcome.reason})`);
    }
  }
  if (failed.length === 0) return { ok: true };
  return { ok: false, reason: "acceptance_failed", detail: failed.join("; ") };
}

/**
 * Runs one task: walks its compiled steps (see `steps.ts`) inside its
 * timebox, in its workspace. Every step is an event written before the next
 * step starts. A fault (disk full, git or a helper failed) ends the task as
 * failed with reason `error`; a bug (see `isBug`) ends the run (exit 70).
 * @module
 */

import type { Task } from "../plan/ir.ts";
import type { FailureReason, PatchSummary } from "../events/types.ts";
import type { PatchState } from "../events/fold.ts";
import { formatDuration } from "../render/duration.ts";
import { isBug } from "../fault.ts";
import type { Precheck } from "./decide.ts";
import { compileSteps, precheckStep } from "./steps.ts";
import { walkGroups } from "./steps/groups.ts";
import type {
  Done,
  Failed,
  Paused,
  StepInput,
  TaskContext,
  Validate,
} from "./steps/handler.ts";
import type { TaskWorkspace } from "./workspace.ts";
import { distrustFolders } from "./files.ts";
import { describeViolations, startAudit } from "./write_audit.ts";

export type { TaskContext };

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

/** The step handlers' module (commands, checks, pre-checks and what they load). */
let stepRecord: Promise<typeof import("./steps/record.ts")> | undefined;

/**
 * Starts loading the step handlers' modules: a task will surely run soon.
 *
 * @example
 * ```ts ignore
 * loadSteps(); // then, later: await runTask(task, workspace, ctx, options);
 * ```
 */
export function loadSteps(): void {
  void (stepRecord ??= import("./steps/record.ts")).catch(() => {});
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
  // From here on the task may change any file: no folder is taken as seen.
  distrustFolders();
  const started = performance.now();
  // Loaded with the first task that runs: a no-op re-run never needs them.
  const { NO_FEATURES, stepHandlers } = await (stepRecord ??= import(
    "./steps/record.ts"
  ));
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
  const handlers = stepHandlers(ctx.features ?? NO_FEATURES);
  // An agent's validation: commands and checks only, through the same handlers.
  const validate: Validate = async (groups, space, inner) => {
    const r = await walkGroups(groups, {
      ...input,
      workspace: space,
      ctx: inner,
    }, handlers);
    if (r.ok === "paused") {
      throw new Error(`Internal error: a validation paused at ${r.gate}`);
    }
    return r;
  };
  const input: StepInput = {
    task,
    shard: null,
    workspace,
    ctx,
    signal: abort.signal,
    approvedGates: options.approvedGates,
    taskHash: options.taskHash ?? "",
    reusePatch: options.reusePatch ?? null,
    patch: null,
    validate,
  };
  let result: Done | Failed | Paused;
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
      (await handlers.precheck(precheckStep(task), input)).ok === true;
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
      : await walkGroups(compileSteps(task), input, handlers);
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
    // A bug is the run's to report (exit 70), never this task's failure.
    if (isBug(e)) throw e;
    result = { ok: false, reason: "error", detail: errorText(e as Error) };
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

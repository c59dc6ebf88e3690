/**
 * The `agent` step: runs a task's agent in a fresh git worktree, captures
 * its change as a patch, and judges it by the task's own commands and
 * checks run inside the worktree, retrying with feedback up to the task's
 * attempts. The agent's exit code 0 is necessary, never sufficient. A
 * patch that passed is recorded (`patch_validated`) and handed to the
 * `apply_patch` step.
 *
 * The worktree lives under the run's artifacts
 * (`.codex/runs/<run>/agent/<task>/worktree`) and is kept across the
 * attempts of one task, so the agent can build on its previous attempt. It
 * is removed once a patch passed (the patch file is the record), and kept
 * when the task fails, for inspection; the next run of the task starts
 * from a fresh one.
 * @module
 */

import { join, relative } from "../path.ts";
import type { PatchState } from "../events/fold.ts";
import type {
  AttemptFailure,
  FailureReason,
  NewEvent,
  PatchSummary,
  RunEvent,
} from "../events/types.ts";
import type { Agent, Task } from "../plan/ir.ts";
import type { TaskContext } from "../engine/task_runner.ts";
import type { TaskWorkspace } from "../engine/workspace.ts";
import { AgentBudget } from "./budget.ts";
import {
  type BriefRenderer,
  plainBrief,
  writeBriefFiles,
} from "./brief_files.ts";
import { failuresOf, writeFeedback } from "./feedback.ts";
import { capturePatch, forbiddenFiles, patchHash } from "./patch.ts";
import { agentCommand, readReport } from "./presets.ts";
import { createWorktree, removeWorktree } from "./worktree.ts";

/** What the run lends its agent steps (one budget for all of them). */
export interface AgentServices {
  budget: AgentBudget;
  brief: BriefRenderer;
}

/** The services of a run without caps, with the plain brief. */
export function defaultAgentServices(): AgentServices {
  return { budget: new AgentBudget(), brief: plainBrief };
}

/** How the agent step ended. */
export type AgentStepResult =
  | { ok: true; patch: PatchSummary; reused: boolean }
  | { ok: false; reason: FailureReason; detail: string };

/** Everything the agent step needs. */
export interface AgentStepInput {
  task: Task;
  agent: Agent;
  /** The task's workspace in the project. */
  workspace: TaskWorkspace;
  ctx: TaskContext;
  signal: AbortSignal;
  /** The task's definition hash now. */
  taskHash: string;
  /** A patch validated earlier in this run for this definition, to use instead of a new attempt. */
  reuse: PatchState | null;
  services: AgentServices;
  /** Runs the task's commands and checks in the given workspace (the worktree). */
  validate: (
    workspace: TaskWorkspace,
    ctx: TaskContext,
  ) => Promise<
    { ok: true } | { ok: false; reason: FailureReason; detail: string }
  >;
}

/** Runs the agent step (see the module doc). */
export async function runAgentStep(
  input: AgentStepInput,
): Promise<AgentStepResult> {
  const { task, ctx, reuse } = input;
  if (reuse !== null) return await reused(input, reuse);
  const command = agentCommand(input.agent);
  if (command === null) {
    return {
      ok: false,
      reason: "agent_failed",
      detail:
        `task ${task.id} has an agent but names no command or preset, and neither does orchestrator.agent`,
    };
  }
  const root = input.workspace.root;
  const dir = join(ctx.artifacts, "agent", task.id);
  const rel = (abs: string) => relative(root, abs);
  const brief = await writeBriefFiles(dir, task, input.services.brief);
  const worktreePath = join(dir, "worktree");
  const worktree = await createWorktree(root, worktreePath);
  const prefix = relative(worktree.path, worktree.root);
  const forbidden = [
    ...task.paths.forbidden,
    ...task.constraints.forbidden_paths,
  ]
    .map((f) => prefix === "" ? f : join(prefix, f));
  const attempts = input.agent.attempts;
  let feedback: string | null = null;
  let cost = 0;
  let last = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const limit = input.services.budget.exhausted() ??
      taskCostLimit(input.agent, cost);
    if (limit !== null) {
      last = `no attempt ${attempt}: ${limit}`;
      ctx.emit({
        type: "agent_attempt_failed",
        task: task.id,
        shard: null,
        attempt,
        reason: "limit",
        detail: limit,
        feedback: null,
      });
      break;
    }
    const attemptDir = join(dir, `attempt-${attempt}`);
    await Deno.mkdir(attemptDir, { recursive: true });
    ctx.emit({
      type: "agent_started",
      task: task.id,
      shard: null,
      attempt,
      attempts,
      cmd: command,
      preset: input.agent.preset,
      worktree: worktree.root,
      brief: rel(brief.md),
      feedback: feedback === null ? null : rel(feedback),
    });
    const env: Record<string, string> = {
      ORCHESTRATE_BRIEF: brief.md,
      ORCHESTRATE_BRIEF_JSON: brief.json,
      ORCHESTRATE_TASK_ID: task.id,
      ORCHESTRATE_RUN_ID: ctx.runId,
      ORCHESTRATE_ATTEMPT: String(attempt),
    };
    if (feedback !== null) env.ORCHESTRATE_FEEDBACK = feedback;
    const agentSpace = inWorktree(input.workspace, worktree.root, env);
    const output = join(attemptDir, "agent.log");
    const r = await agentSpace.runner.run(
      agentSpace.request(withStdin(command, brief.md), {
        outputPath: output,
        timeoutMs: input.agent.timeout_ms,
        signal: input.signal,
        ownProcessGroup: true,
      }),
    );
    const report = readReport(
      input.agent.preset,
      r.wroteOutput ? await Deno.readTextFile(output) : "",
    );
    const durationMs = Math.round(r.durationMs);
    input.services.budget.record(durationMs, report.cost_usd);
    cost += report.cost_usd ?? 0;
    ctx.emit({
      type: "agent_finished",
      task: task.id,
      shard: null,
      attempt,
      status: r.status,
      signal: r.signal,
      duration_ms: durationMs,
      timed_out: r.timedOut,
      output: r.wroteOutput ? rel(output) : null,
      ...report,
    });
    if (input.signal.aborted && !r.timedOut) {
      return { ok: false, reason: "interrupted", detail: "stopped" };
    }
    const captured = await capturePatch(worktree.path, worktree.base);
    const patchFile = join(dir, `attempt-${attempt}.patch`);
    await Deno.writeFile(patchFile, captured.text);
    const summary: PatchSummary = {
      patch: rel(patchFile),
      hash: captured.hash,
      files: captured.files,
      added: captured.added,
      removed: captured.removed,
    };
    if (captured.files.length > 0) {
      ctx.emit({
        type: "patch_proposed",
        task: task.id,
        shard: null,
        attempt,
        ...summary,
      });
    }
    const failure = await judge(input, {
      attempt,
      status: r.status,
      timedOut: r.timedOut,
      reported: report.reported_error,
      files: captured.files,
      forbidden,
      worktreeRoot: worktree.root,
      attemptDir,
    });
    if (failure === null) {
      ctx.emit({
        type: "patch_validated",
        task: task.id,
        shard: null,
        attempt,
        ...summary,
        task_hash: input.taskHash,
      });
      await removeWorktree(root, worktree.path);
      return { ok: true, patch: summary, reused: false };
    }
    if (input.signal.aborted) {
      return { ok: false, reason: "interrupted", detail: "stopped" };
    }
    last = `attempt ${attempt}: ${failure.detail}`;
    feedback = attempt < attempts
      ? await writeFeedback(
        join(dir, `feedback-${attempt}.md`),
        root,
        task.id,
        attempt,
        failure.summary,
        failure.failures,
      )
      : null;
    ctx.emit({
      type: "agent_attempt_failed",
      task: task.id,
      shard: null,
      attempt,
      reason: failure.reason,
      detail: failure.detail,
      feedback: feedback === null ? null : rel(feedback),
    });
  }
  return {
    ok: false,
    reason: "agent_failed",
    detail: `${last} (worktree kept for inspection: ${rel(worktree.root)})`,
  };
}

/** A task-level cost cap reached, or null. */
function taskCostLimit(agent: Agent, cost: number): string | null {
  return agent.max_cost_usd !== undefined && cost >= agent.max_cost_usd
    ? `the task's agent reported $${
      cost.toFixed(2)
    } of $${agent.max_cost_usd} (max_cost_usd)`
    : null;
}

interface Judged {
  reason: AttemptFailure;
  detail: string;
  /** The opening paragraph of the feedback. */
  summary: string;
  failures: { title: string; output: string | null }[];
}

/** Why an attempt's patch is not kept, or null when it passed every check in the worktree. */
async function judge(
  input: AgentStepInput,
  a: {
    attempt: number;
    status: number | null;
    timedOut: boolean;
    reported: string | null;
    files: string[];
    forbidden: string[];
    worktreeRoot: string;
    attemptDir: string;
  },
): Promise<Judged | null> {
  if (a.status !== 0 || a.reported !== null) {
    const how = a.timedOut
      ? "timed out"
      : a.status === null
      ? "was killed"
      : a.status !== 0
      ? `exited ${a.status}`
      : "exited 0";
    const detail = `the agent ${how}${
      a.reported ? ` and reported: ${a.reported}` : ""
    }`;
    return {
      reason: "agent_failed",
      detail,
      summary:
        `Your previous run ended badly: ${detail}. Your changes so far are still in the working directory.`,
      failures: [],
    };
  }
  if (a.files.length === 0) {
    const detail = "the agent exited 0 without changing any file";
    return {
      reason: "no_change",
      detail,
      summary:
        `You exited without changing any file. The task is not done: make the change it asks for.`,
      failures: [],
    };
  }
  const bad = forbiddenFiles(a.files, a.forbidden);
  if (bad.length > 0) {
    const detail = `the patch touches forbidden paths: ${bad.join(", ")}`;
    return {
      reason: "forbidden_path",
      detail,
      summary: `Your change touches paths the task forbids: ${
        bad.join(", ")
      }. Undo those changes (restore the files as they were) and keep the rest.`,
      failures: [],
    };
  }
  const { ctx, task } = input;
  const seen: RunEvent[] = [];
  const artifacts = join(a.attemptDir, "checks");
  await Deno.mkdir(artifacts, { recursive: true });
  const checkCtx: TaskContext = {
    ...ctx,
    artifacts,
    artifactsRelative: relative(input.workspace.root, artifacts),
    emit: (event: NewEvent) => {
      seen.push({ ...event, ts: "", run: ctx.runId } as RunEvent);
      ctx.emit(event);
    },
  };
  const space = inWorktree(input.workspace, a.worktreeRoot, {});
  const result = await input.validate(space, checkCtx);
  if (result.ok) return null;
  const failures = failuresOf(seen);
  return {
    reason: "checks_failed",
    detail: `in the worktree: ${result.detail}`,
    summary:
      `The orchestrator ran ${task.id}'s commands and acceptance checks on your change; these failed. Your changes are still in the working directory: fix them.`,
    failures,
  };
}

/** A validated patch of an earlier start of this task: checked unchanged, used as it is. */
async function reused(
  input: AgentStepInput,
  patch: PatchState,
): Promise<AgentStepResult> {
  const file = join(input.workspace.root, patch.patch);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(file);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    return {
      ok: false,
      reason: "patch_failed",
      detail: `the validated patch ${patch.patch} is gone`,
    };
  }
  const hash = await patchHash(bytes);
  if (hash !== patch.hash) {
    return {
      ok: false,
      reason: "patch_failed",
      detail:
        `${patch.patch} changed since it was validated (${patch.hash}, now ${hash}): restore it, or run the task again for a new patch`,
    };
  }
  const { task_hash: _, applied: __, ...summary } = patch;
  return { ok: true, patch: summary, reused: true };
}

/**
 * The task's workspace moved into a worktree: the same runner and policy,
 * its processes start there, with `env` added.
 */
export function inWorktree(
  base: TaskWorkspace,
  root: string,
  env: Record<string, string>,
): TaskWorkspace {
  const merged = { ...base.env, ...env };
  return {
    root,
    runner: base.runner,
    env: merged,
    policy: base.policy,
    request: (command, how) => ({
      ...base.request(command, how),
      cwd: root,
      env: merged,
    }),
    forShard: (shard) => inWorktree(base.forShard(shard), root, env),
    refusal: () => base.refusal(),
  };
}

/**
 * The command line with the brief on its stdin: a group, so a line of
 * several commands (`a && b`) reads it as a whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withStdin } from "./agent_step.ts";
 * assert.equal(withStdin("a && b", "/r/it's.md"), "{ a && b\n} < '/r/it'\\''s.md'");
 * ```
 */
export function withStdin(command: string, file: string): string {
  return `{ ${command}\n} < '${file.replaceAll("'", `'\\''`)}'`;
}

/**
 * The attempt loop: one agent's attempts in its worktree, each captured as
 * a patch and judged, with feedback for the next, until a patch passes or
 * the attempts (or the budget) run out.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import type { Agent } from "../plan/ir.ts";
import type { AgentStepInput } from "./agent_step.ts";
import { writeBriefFiles } from "./brief_files.ts";
import { writeFeedback } from "./feedback.ts";
import { judge } from "./judge.ts";
import { savePatch } from "./patch.ts";
import { agentGitEnv } from "./worktree.ts";
import { readReport } from "./presets.ts";
import { withStdin } from "./stdin.ts";
import type { AgentUnit, UnitResult } from "./unit.ts";

/** One agent's attempts in its worktree until a patch passes, or they run out. */
export async function attemptLoop(
  input: AgentStepInput,
  unit: AgentUnit,
): Promise<UnitResult> {
  const { task, ctx } = input;
  const { command, dir, worktree } = unit;
  const shardId = unit.shard?.id ?? null;
  const root = input.workspace.root;
  const rel = (abs: string) => relative(root, abs);
  const brief = await writeBriefFiles(
    dir,
    task,
    input.services.brief,
    shardId,
  );
  const prefix = relative(worktree.path, worktree.root);
  const forbidden = [
    ...task.paths.forbidden,
    ...task.constraints.forbidden_paths,
    ...(unit.shard?.paths.forbidden ?? []),
  ]
    .map((f) => prefix === "" ? f : join(prefix, f));
  // The agent of a shard works under the task's permissions narrowed by the shard's.
  const workspace = unit.shard === null
    ? input.workspace
    : input.workspace.forShard(unit.shard);
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
        shard: shardId,
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
      shard: shardId,
      attempt,
      attempts,
      cmd: command,
      preset: input.agent.preset,
      worktree: worktree.root,
      brief: rel(brief.md),
      feedback: feedback === null ? null : rel(feedback),
    });
    const env: Record<string, string> = {
      ...agentGitEnv(worktree),
      ORCHESTRATE_BRIEF: brief.md,
      ORCHESTRATE_BRIEF_JSON: brief.json,
      ORCHESTRATE_TASK_ID: task.id,
      ORCHESTRATE_RUN_ID: ctx.runId,
      ORCHESTRATE_ATTEMPT: String(attempt),
    };
    if (shardId !== null) env.ORCHESTRATE_SHARD_ID = shardId;
    if (feedback !== null) env.ORCHESTRATE_FEEDBACK = feedback;
    const agentSpace = workspace.inWorktree(worktree.root, env);
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
      shard: shardId,
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
    const patchFile = join(dir, `attempt-${attempt}.patch`);
    const summary = await savePatch(
      worktree,
      worktree.base,
      patchFile,
      root,
    );
    if (summary.files.length > 0) {
      ctx.emit({
        type: "patch_proposed",
        task: task.id,
        shard: shardId,
        attempt,
        ...summary,
      });
    }
    const failure = await judge(input, unit, {
      attempt,
      status: r.status,
      timedOut: r.timedOut,
      reported: report.reported_error,
      files: summary.files,
      forbidden,
      prefix,
      patch: patchFile,
      attemptDir,
    });
    if (failure === null) {
      return { ok: true, patch: summary, file: patchFile, attempt };
    }
    if (input.signal.aborted) {
      return { ok: false, reason: "interrupted", detail: "stopped" };
    }
    last = `attempt ${attempt}: ${failure.detail}`;
    feedback = attempt < attempts
      ? await writeFeedback(
        join(dir, `feedback-${attempt}.md`),
        root,
        shardId ?? task.id,
        attempt,
        failure.summary,
        failure.failures,
      )
      : null;
    ctx.emit({
      type: "agent_attempt_failed",
      task: task.id,
      shard: shardId,
      attempt,
      reason: failure.reason,
      detail: failure.detail,
      feedback: feedback === null ? null : rel(feedback),
    });
  }
  return {
    ok: false,
    reason: "agent_failed",
    detail: `${
      shardId === null ? "" : `shard ${shardId}: `
    }${last} (worktree kept for inspection: ${rel(worktree.root)})`,
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

/**
 * The `agent` step: runs a task's agent in a fresh git worktree, captures
 * its change as a patch, and judges it by the task's own commands and
 * checks run inside the worktree, retrying with feedback up to the task's
 * attempts. The agent's exit code 0 is necessary, never sufficient. A
 * patch that passed is recorded (`patch_validated`) and handed to the
 * `apply_patch` step.
 *
 * The worktree lives under the run's work folder
 * (`.codex/work/<run>/agent/<task>/worktree`), apart from the run's control
 * files (orchestrate's own repository for it, the patches), and is kept across the
 * attempts of one task, so the agent can build on its previous attempt. It
 * is removed once a patch passed (the patch file is the record), and kept
 * when the task fails, for inspection; the next run of the task starts
 * from a fresh one.
 * @module
 */

import { join } from "../fs/path.ts";
import type { PatchState } from "../events/fold.ts";
import type { FailureReason, PatchSummary } from "../events/types.ts";
import type { Agent, Shard, Task } from "../plan/ir.ts";
import type { ValidationGroup } from "../engine/steps.ts";
import type { TaskContext, Validate } from "../engine/steps/handler.ts";
import type { TaskWorkspace } from "../engine/workspace.ts";
import { attemptLoop } from "./attempt_loop.ts";
import { patchHash, readPatchFile } from "./patch.ts";
import { agentCommand } from "./presets.ts";
import type { AgentServices } from "./services.ts";
import { shardAgents } from "./shard_agents.ts";
import { createWorktree, removeWorktree, worktreePath } from "./worktree.ts";

/** How the agent step ended. */
export type AgentStepResult =
  | { ok: true; patch: PatchSummary; reused: boolean }
  | { ok: false; reason: FailureReason; detail: string };

/** A shard with an agent of its own, and what judges its attempts. */
export interface ShardAgent {
  shard: Shard;
  validation: ValidationGroup[];
}

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
  /** What judges the task's patch (with shards: their combined patch). */
  validation: ValidationGroup[];
  /** The task's shards, each done by an agent of its own (empty: one agent does the task). */
  shards: ShardAgent[];
  /** Runs these groups of commands and checks in the given workspace (a worktree). */
  validate: Validate;
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
  if (input.shards.length > 0) return await shardAgents(input, command, dir);
  const worktree = await createWorktree(
    root,
    worktreePath(root, ctx.runId, task.id),
    join(dir, "git"),
  );
  const r = await attemptLoop(input, {
    command,
    dir,
    shard: null,
    worktree,
    validation: input.validation,
  });
  if (!r.ok) return r;
  ctx.emit({
    type: "patch_validated",
    task: task.id,
    shard: null,
    attempt: r.attempt,
    ...r.patch,
    task_hash: input.taskHash,
  });
  await removeWorktree(root, worktree.path);
  return { ok: true, patch: r.patch, reused: false };
}

/** A validated patch of an earlier start of this task: checked unchanged, used as it is. */
async function reused(
  input: AgentStepInput,
  patch: PatchState,
): Promise<AgentStepResult> {
  const bytes = await readPatchFile(join(input.workspace.root, patch.patch));
  if (typeof bytes === "string") {
    return {
      ok: false,
      reason: "patch_failed",
      detail: `the validated patch ${patch.patch} ${bytes}`,
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

/**
 * Where an agent task's worktrees go: its run's work folder
 * (`.codex/work/<run>/agent/<task>/`), which a confined agent may write,
 * never the run's control folder under `.codex/runs/`.
 * @module
 */

import { workDir } from "../events/log.ts";
import { join } from "../path.ts";
import type { AgentStepInput } from "./agent_step.ts";

/**
 * The folder of `input`'s task's worktrees.
 *
 * @example
 * ```ts ignore
 * join(worktreeHome(input), "worktree"); // /p/.codex/work/R/agent/T/worktree
 * ```
 */
export function worktreeHome(
  input: Pick<AgentStepInput, "workspace" | "ctx" | "task">,
): string {
  return join(
    workDir(input.workspace.root, input.ctx.runId),
    "agent",
    input.task.id,
  );
}

/**
 * Shard agents: each shard of an agent task done by an agent of its own,
 * in a worktree of its own, scheduled by the overlap of their paths; then
 * their patches combined and judged as the task's one patch.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import type { AgentStepInput, AgentStepResult } from "./agent_step.ts";
import { attemptLoop } from "./attempt_loop.ts";
import { validateIn } from "./judge.ts";
import { savePatch } from "./patch.ts";
import { shardOrder } from "./shard_overlap.ts";
import type { UnitResult } from "./unit.ts";
import {
  addWorktree,
  removeWorktree,
  snapshot,
  stackPatches,
  worktreePath,
} from "./worktree.ts";

/**
 * Each shard's agent in a worktree of its own, judged by the shard's own
 * commands and checks; shards whose `paths.preferred` are disjoint at once
 * (up to the run's concurrency), overlapping ones in plan order, a later
 * one starting from the earlier ones' validated patches. Then all the
 * shards' patches together are judged by the task's commands and checks
 * and become the task's one patch (`patch_validated`, shard null), which
 * the `apply_patch` step applies and its approval binds to.
 */
export async function shardAgents(
  input: AgentStepInput,
  command: string,
  dir: string,
): Promise<AgentStepResult> {
  const { task } = input;
  const root = input.workspace.root;
  const rel = (abs: string) => relative(root, abs);
  const shards = input.shards;
  const waitFor = shardOrder(
    shards.map(({ shard }) =>
      shard.paths.preferred.length > 0
        ? shard.paths.preferred
        : task.paths.preferred
    ),
  );
  // Every shard starts from the same picture of the project.
  const base = await snapshot(root, join(dir, "git"));
  const files: (string | null)[] = shards.map(() => null);
  const runOne = async (i: number): Promise<UnitResult> => {
    const { shard, validation } = shards[i]!;
    const unitDir = join(dir, shard.id);
    const fresh = await addWorktree(
      root,
      worktreePath(root, input.ctx.runId, task.id, shard.id),
      base,
      join(dir, "git"),
    );
    const worktree = await stackPatches(
      fresh,
      waitFor[i]!.map((j) => files[j]!),
    );
    if ("conflict" in worktree) {
      return {
        ok: false,
        reason: "patch_failed",
        detail:
          `shard ${shard.id}: the earlier shards' patches do not apply together (worktree kept for inspection: ${
            rel(fresh.root)
          }):\n${worktree.conflict}`,
      };
    }
    const r = await attemptLoop(input, {
      command,
      dir: unitDir,
      shard,
      worktree,
      validation,
    });
    if (r.ok) {
      files[i] = r.file;
      await removeWorktree(root, worktree.path);
    }
    return r;
  };
  const running = new Map<number, Promise<[number, UnitResult]>>();
  const pending = shards.map((_, i) => i);
  let failure: UnitResult | null = null;
  const limit = Math.max(1, input.services.concurrency);
  while (running.size > 0 || (failure === null && pending.length > 0)) {
    while (failure === null && running.size < limit) {
      const at = pending.findIndex((i) =>
        waitFor[i]!.every((j) => files[j] !== null)
      );
      if (at < 0) break;
      const [i] = pending.splice(at, 1) as [number];
      running.set(i, runOne(i).then((r) => [i, r]));
    }
    const [i, r] = await Promise.race(running.values());
    running.delete(i);
    // The first failure ends the task; the shards already working finish.
    if (!r.ok) failure ??= r;
  }
  if (failure !== null) return failure as AgentStepResult;
  return await combine(input, dir, base, files as string[]);
}

/**
 * The shards' validated patches applied in plan order to a fresh worktree,
 * judged by the task's commands and checks, captured as the task's patch.
 */
async function combine(
  input: AgentStepInput,
  dir: string,
  base: string,
  files: string[],
): Promise<AgentStepResult> {
  const { task, ctx } = input;
  const root = input.workspace.root;
  const rel = (abs: string) => relative(root, abs);
  const fresh = await addWorktree(
    root,
    worktreePath(root, ctx.runId, task.id, "combined"),
    base,
    join(dir, "git"),
  );
  const worktree = await stackPatches(fresh, files);
  const kept = `worktree kept for inspection: ${rel(fresh.root)}`;
  if ("conflict" in worktree) {
    return {
      ok: false,
      reason: "patch_failed",
      detail:
        `the shards' patches do not apply together (${kept}):\n${worktree.conflict}`,
    };
  }
  const checks = await validateIn(
    input,
    input.validation,
    worktree,
    join(dir, "combined-checks"),
  );
  if (checks !== null) {
    return {
      ok: false,
      reason: "agent_failed",
      detail:
        `the shards' patches together fail in the worktree: ${checks.detail} (${kept})`,
    };
  }
  // Against the first picture: the one patch holds every shard's change.
  const summary = await savePatch(
    worktree,
    base,
    join(dir, "combined.patch"),
    root,
  );
  ctx.emit({
    type: "patch_validated",
    task: task.id,
    shard: null,
    attempt: 1,
    ...summary,
    task_hash: input.taskHash,
  });
  await removeWorktree(root, worktree.path);
  return { ok: true, patch: summary, reused: false };
}

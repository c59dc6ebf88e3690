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

import { join, relative } from "../path.ts";
import type { PatchState } from "../events/fold.ts";
import type {
  AttemptFailure,
  FailureReason,
  NewEvent,
  PatchSummary,
  RunEvent,
} from "../events/types.ts";
import type { Agent, Shard, Task } from "../plan/ir.ts";
import type { StepGroup } from "../engine/steps.ts";
import type { TaskContext } from "../engine/task_runner.ts";
import type { TaskWorkspace } from "../engine/workspace.ts";
import { AgentBudget } from "./budget.ts";
import { rerootPolicy } from "../exec/policy.ts";
import {
  type BriefRenderer,
  plainBrief,
  writeBriefFiles,
} from "./brief_files.ts";
import { failuresOf, writeFeedback } from "./feedback.ts";
import { patchHash, readPatchFile, savePatch } from "./patch.ts";
import { patchRefusals } from "./patch_paths.ts";
import { describePatch } from "./patch_text.ts";
import { agentCommand, readReport } from "./presets.ts";
import { shardOrder } from "./shard_overlap.ts";
import {
  addWorktree,
  agentGitEnv,
  createWorktree,
  removeWorktree,
  snapshot,
  stackPatches,
  type Worktree,
  worktreePath,
} from "./worktree.ts";

/** What the run lends its agent steps (one budget for all of them). */
export interface AgentServices {
  budget: AgentBudget;
  brief: BriefRenderer;
  /** How many agents of one task's shards may work at once (the run's concurrency). */
  concurrency: number;
}

/** The services of a run without caps, with the plain brief, one agent at a time. */
export function defaultAgentServices(): AgentServices {
  return { budget: new AgentBudget(), brief: plainBrief, concurrency: 1 };
}

/** How the agent step ended. */
export type AgentStepResult =
  | { ok: true; patch: PatchSummary; reused: boolean }
  | { ok: false; reason: FailureReason; detail: string };

/** A shard with an agent of its own, and what judges its attempts. */
export interface ShardAgent {
  shard: Shard;
  validation: StepGroup[];
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
  validation: StepGroup[];
  /** The task's shards, each done by an agent of its own (empty: one agent does the task). */
  shards: ShardAgent[];
  /** Runs these groups of commands and checks in the given workspace (a worktree). */
  validate: (
    groups: StepGroup[],
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

/** One agent's work: the whole task's, or one shard's. */
interface AgentUnit {
  command: string;
  /** Its folder under the run's artifacts (brief, patches, feedback). */
  dir: string;
  shard: Shard | null;
  worktree: Worktree;
  validation: StepGroup[];
}

type UnitResult =
  | { ok: true; patch: PatchSummary; file: string; attempt: number }
  | { ok: false; reason: FailureReason; detail: string };

/**
 * Each shard's agent in a worktree of its own, judged by the shard's own
 * commands and checks; shards whose `paths.preferred` are disjoint at once
 * (up to the run's concurrency), overlapping ones in plan order, a later
 * one starting from the earlier ones' validated patches. Then all the
 * shards' patches together are judged by the task's commands and checks
 * and become the task's one patch (`patch_validated`, shard null), which
 * the `apply_patch` step applies and its approval binds to.
 */
async function shardAgents(
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

/** One agent's attempts in its worktree until a patch passes, or they run out. */
async function attemptLoop(
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
    const agentSpace = inWorktree(workspace, worktree.root, env);
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
  unit: AgentUnit,
  a: {
    attempt: number;
    status: number | null;
    timedOut: boolean;
    reported: string | null;
    files: string[];
    forbidden: string[];
    prefix: string;
    patch: string;
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
  const bad = patchRefusals(describePatch(await Deno.readFile(a.patch)), {
    forbidden: a.forbidden,
    prefix: a.prefix,
  });
  if (bad.length > 0) {
    const detail = `the patch touches forbidden paths: ${bad.join("; ")}`;
    return {
      reason: "forbidden_path",
      detail,
      summary: `Your change touches paths the task forbids: ${
        bad.join("; ")
      }. Undo those changes (restore the files as they were) and keep the rest.`,
      failures: [],
    };
  }
  const failed = await validateIn(
    input,
    unit.validation,
    unit.worktree,
    join(a.attemptDir, "checks"),
  );
  if (failed === null) return null;
  const what = unit.shard === null
    ? `${input.task.id}'s`
    : `shard ${unit.shard.id}'s`;
  return {
    reason: "checks_failed",
    detail: `in the worktree: ${failed.detail}`,
    summary:
      `The orchestrator ran ${what} commands and acceptance checks on your change; these failed. Your changes are still in the working directory: fix them.`,
    failures: failed.failures,
  };
}

/**
 * Runs the groups in the worktree (in its project folder, its own `.git`
 * named for git; their output under `artifacts`); null when they passed,
 * else what failed.
 */
async function validateIn(
  input: AgentStepInput,
  groups: StepGroup[],
  worktree: Worktree,
  artifacts: string,
): Promise<
  { detail: string; failures: Judged["failures"] } | null
> {
  const { ctx } = input;
  const seen: RunEvent[] = [];
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
  const space = inWorktree(
    input.workspace,
    worktree.root,
    agentGitEnv(worktree),
  );
  const result = await input.validate(groups, space, checkCtx);
  if (result.ok) return null;
  return { detail: result.detail, failures: failuresOf(seen) };
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

/**
 * The task's workspace moved into a worktree: the same runner, its
 * processes start there with `env` added, and its policy's project paths
 * (write, read, forbidden, project programs) point into the worktree, so a
 * task allowed to write `src` lets its agent write the worktree's `src`.
 */
export function inWorktree(
  base: TaskWorkspace,
  root: string,
  env: Record<string, string>,
): TaskWorkspace {
  const merged = { ...base.env, ...env };
  const policy = rerootPolicy(base.policy, base.root, root);
  return {
    root,
    runner: base.runner,
    env: merged,
    policy,
    request: (command, how) => ({
      ...base.request(command, how),
      cwd: root,
      root: base.root,
      env: merged,
      policy,
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

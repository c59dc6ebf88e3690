/**
 * The task workspace: one value per task that says where its work happens
 * (its root), how its processes start (its runner), with which environment,
 * and under which permission policy. Commands, checks, pre-checks and the
 * final build get their process requests here and nowhere else, so a git
 * worktree or a sandboxed runner replaces one provider, not the engine.
 * @module
 */

import { commandArgv } from "../exec/argv.ts";
import {
  type AccessSource,
  type RunFlags,
  TaskAccess,
} from "../exec/permissions.ts";
import { ownEnv } from "../exec/permissions_env.ts";
import {
  type ProcessPolicy,
  rerootPolicy,
  unrestrictedPolicy,
} from "../exec/policy.ts";
import type { ProcessRunner, RunRequest } from "../exec/runner.ts";
import type { Permissions, Shard, Task } from "../plan/ir.ts";
import { compileSteps, type StepGroup } from "./steps.ts";

/** What a task's processes may do (see `exec/policy.ts`). */
export type WorkspacePolicy = ProcessPolicy;

/** Where and how one task's processes run. */
export interface TaskWorkspace {
  /** The task's root: the project today, a git worktree for an agent. */
  readonly root: string;
  /** Starts its processes (bare, or wrapped in a sandbox). */
  readonly runner: ProcessRunner;
  /** Exactly the environment of its processes (the policy's). */
  readonly env: Readonly<Record<string, string>>;
  /** What its processes may do (the sandbox and the write audit enforce it). */
  readonly policy: ProcessPolicy;
  /** A process request for a command line of this task. */
  request(command: string, how: ProcessOptions): RunRequest;
  /** The workspace of one of its shards: the task's permissions narrowed by the shard's. */
  forShard(shard: Shard): TaskWorkspace;
  /**
   * The same workspace moved into a copy of the project at `root` (an
   * agent's git worktree), its processes getting `env` besides (see
   * {@link worktreeWorkspace}).
   */
  inWorktree(root: string, env?: Record<string, string>): TaskWorkspace;
  /**
   * Why the task may not start, or null: it declares more than the run's
   * `--allow-*` flags allow, or one of its commands (its shards' and its
   * command checks' too) starts a program its permissions refuse. Spawns
   * nothing, so a refused task fails before any of it runs.
   */
  refusal(): Promise<string | null>;
}

/** Per-process details of a request. */
export interface ProcessOptions {
  /** Absolute file for its output. */
  outputPath: string;
  timeoutMs?: number;
  /** Aborted by the timebox or an interrupt. */
  signal: AbortSignal;
  /** Its own process group (set when a timebox can cut it short). */
  ownProcessGroup?: boolean;
  /** Each chunk of its output as it arrives (masked), for a live view. */
  onOutput?: (bytes: Uint8Array) => void;
}

/** Hands out workspaces: one per task, one for the final build. */
export interface WorkspaceProvider {
  /** The project root: where every task's workspace starts (before a worktree). */
  readonly root: string;
  forTask(task: Task): TaskWorkspace;
  /** The workspace of the final release/install steps. */
  forBuild(): TaskWorkspace;
}

/** The first refusal of a task's steps, each under its own (shard's) access. */
async function refusalOf(
  task: Task,
  taskAccess: TaskAccess,
  shardAccess: (shard: Shard) => TaskAccess,
  root: string,
): Promise<string | null> {
  const declared = taskAccess.refuseDeclared();
  if (declared !== null) return declared;
  return await refusalOfGroups(
    compileSteps(task),
    taskAccess,
    shardAccess,
    root,
  );
}

async function refusalOfGroups(
  groups: readonly StepGroup[],
  taskAccess: TaskAccess,
  shardAccess: (shard: Shard) => TaskAccess,
  root: string,
): Promise<string | null> {
  for (const group of groups) {
    const access = group.shard ? shardAccess(group.shard) : taskAccess;
    const refused = group.shard ? access.refuseDeclared() : null;
    if (refused !== null) return refused;
    for (const step of group.steps) {
      if (step.kind === "agent") {
        // What validates the agent's work runs under the same permissions.
        const why = await refusalOfGroups(
          step.validation,
          taskAccess,
          shardAccess,
          root,
        );
        if (why !== null) return why;
        continue;
      }
      const line = step.kind === "command"
        ? step.command.run
        : step.kind === "check" && "command" in step.check
        ? step.check.command
        : null;
      if (line === null) continue;
      const [program] = await commandArgv(line, access.policy.env.PATH ?? "");
      const why = access.refuseProgram(program!, line, root);
      if (why !== null) return why;
    }
  }
  return null;
}

/** The permission side of a run: the plan's defaults and the run-wide flags. */
export interface RunAccess {
  /** `orchestrator.permissions` of the plan. */
  defaults?: Permissions;
  /** `--allow-*` of the command line (none: the run restricts nothing). */
  flags?: RunFlags;
  /** The environment children are built from (default: this process's). */
  env?: Readonly<Record<string, string>>;
  /** The values masked in every task's output (see `runSecrets`). */
  secrets?: readonly string[];
}

/**
 * The provider of a plain run: every task works in the project root with
 * the given runner, under its permissions (see `exec/permissions.ts`), and
 * knows its run and task id from the environment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectWorkspaces } from "./workspace.ts";
 * const runner = { run: () => Promise.reject(new Error("unused")), killAll() {} };
 * const ws = projectWorkspaces("/repo", "r1", runner, { env: { PATH: "/bin", GH_TOKEN: "x1y2z3" } }).forBuild();
 * const req = ws.request("make", { outputPath: "/tmp/o", signal: new AbortController().signal });
 * assert.equal(req.cwd, "/repo");
 * assert.equal(req.env?.ORCHESTRATE_RUN_ID, "r1");
 * assert.equal(req.env?.GH_TOKEN, undefined);
 * ```
 */
export function projectWorkspaces(
  root: string,
  runId: string,
  runner: ProcessRunner,
  access: RunAccess = {},
): WorkspaceProvider {
  const source: AccessSource = {
    root,
    defaults: access.defaults,
    flags: access.flags ?? {},
    env: access.env ?? ownEnv(),
    secrets: access.secrets,
  };
  const make = (
    task: Task | null,
    shard: Shard | null,
    extraEnv: Record<string, string>,
  ): TaskWorkspace => {
    // Made when first asked: an up-to-date task is skipped without it.
    let made: TaskAccess | undefined;
    const access = () => made ??= new TaskAccess(source, task, shard, extraEnv);
    const workspace: TaskWorkspace = {
      root,
      runner,
      get env() {
        return access().policy.env;
      },
      get policy() {
        return access().policy;
      },
      request: (command, how) => ({
        command,
        cwd: root,
        outputPath: how.outputPath,
        timeoutMs: how.timeoutMs,
        signal: how.signal,
        ownProcessGroup: how.ownProcessGroup,
        ...(how.onOutput ? { onOutput: how.onOutput } : {}),
        ...(task?.keep_running ? { keepRunning: true } : {}),
        // The policy's own object: the runner recognises it and adds nothing.
        env: access().policy.env,
        policy: access().policy,
      }),
      forShard: (s) => make(task, s, extraEnv),
      inWorktree: (at, env = {}) => worktreeWorkspace(workspace, at, env),
      refusal: () =>
        task === null ? Promise.resolve(access().refuseDeclared()) : refusalOf(
          task,
          access(),
          (s) => new TaskAccess(source, task, s, extraEnv),
          root,
        ),
    };
    return workspace;
  };
  const build = make(null, null, { ORCHESTRATE_RUN_ID: runId });
  return {
    root,
    forTask: (task) =>
      make(task, null, {
        ORCHESTRATE_RUN_ID: runId,
        ORCHESTRATE_TASK_ID: task.id,
      }),
    forBuild: () => build,
  };
}

/**
 * `base` moved into a worktree at `root`: the same runner, its processes
 * start there with `env` added, and its policy's project paths (write,
 * read, forbidden, project programs) point into the worktree, so a task
 * allowed to write `src` lets its agent write the worktree's `src`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectWorkspaces } from "./workspace.ts";
 * const runner = { run: () => Promise.reject(new Error("unused")), killAll() {} };
 * const ws = projectWorkspaces("/repo", "r1", runner, { env: { PATH: "/bin" } }).forBuild();
 * const wt = ws.inWorktree("/repo/.codex/wt", { ORCHESTRATE_ATTEMPT: "1" });
 * const req = wt.request("make", { outputPath: "/tmp/o", signal: new AbortController().signal });
 * assert.equal(req.cwd, "/repo/.codex/wt");
 * assert.equal(req.root, "/repo");
 * assert.equal(req.env?.ORCHESTRATE_ATTEMPT, "1");
 * ```
 */
export function worktreeWorkspace(
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
    forShard: (shard) => worktreeWorkspace(base.forShard(shard), root, env),
    inWorktree: (at, more = {}) =>
      worktreeWorkspace(base, at, { ...env, ...more }),
    refusal: () => base.refusal(),
  };
}

/** The policy of a process that may do anything the orchestrator may, with an empty environment. */
export const UNRESTRICTED: ProcessPolicy = unrestrictedPolicy({});

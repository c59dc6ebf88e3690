/**
 * The task workspace: one value per task that says where its work happens
 * (its root), how its processes start (its runner), with which environment,
 * and under which permission policy. Commands, checks, pre-checks and the
 * final build get their process requests here and nowhere else, so a git
 * worktree or a sandboxed runner replaces one provider, not the engine.
 * @module
 */

import type { ProcessPolicy } from "../exec/policy.ts";
import type { ProcessRunner, RunRequest } from "../exec/runner.ts";
import { resolve } from "../path.ts";
import type { Task } from "../plan/ir.ts";

/** Where and how one task's processes run. */
export interface TaskWorkspace {
  /** The task's root: the project today, a git worktree for an agent. */
  readonly root: string;
  /** Starts its processes (bare, or wrapped in a sandbox). */
  readonly runner: ProcessRunner;
  /** Variables added to the inherited environment. */
  readonly env: Readonly<Record<string, string>>;
  /** What its processes may do (the sandbox and the write audit enforce it). */
  readonly policy: ProcessPolicy;
  /** A process request for a command line of this task. */
  request(command: string, how: ProcessOptions): RunRequest;
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
}

/** Hands out workspaces: one per task, one for the final build. */
export interface WorkspaceProvider {
  forTask(task: Task): TaskWorkspace;
  /** The workspace of the final release/install steps. */
  forBuild(): TaskWorkspace;
}

/**
 * The provider of a plain run: every task works in the project root with
 * the given runner, and knows its run and task id from the environment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { projectWorkspaces } from "./workspace.ts";
 * const runner = { run: () => Promise.reject(new Error("unused")), killAll() {} };
 * const ws = projectWorkspaces("/repo", "r1", runner).forBuild();
 * const req = ws.request("make", { outputPath: "/tmp/o", signal: new AbortController().signal });
 * assert.equal(req.cwd, "/repo");
 * assert.equal(req.env?.ORCHESTRATE_RUN_ID, "r1");
 * ```
 */
export function projectWorkspaces(
  root: string,
  runId: string,
  runner: ProcessRunner,
  policies: (task: Task) => ProcessPolicy = (task) => policyFor(task, root),
): WorkspaceProvider {
  const make = (
    env: Record<string, string>,
    policy: ProcessPolicy,
  ): TaskWorkspace => ({
    root,
    runner,
    env,
    policy,
    request: (command, how) => ({
      command,
      cwd: root,
      outputPath: how.outputPath,
      timeoutMs: how.timeoutMs,
      signal: how.signal,
      ownProcessGroup: how.ownProcessGroup,
      env,
      policy,
    }),
  });
  const build = make({ ORCHESTRATE_RUN_ID: runId }, UNRESTRICTED);
  return {
    forTask: (task) =>
      make(
        { ORCHESTRATE_RUN_ID: runId, ORCHESTRATE_TASK_ID: task.id },
        policies(task),
      ),
    forBuild: () => build,
  };
}

/** The policy of a process that may do anything the orchestrator may. */
export const UNRESTRICTED: ProcessPolicy = Object.freeze({
  run: "all",
  read: "all",
  write: "all",
  forbidden: [],
  net: true,
  env: {},
  secrets: [],
});

/**
 * A task's policy until plan permissions exist: anything, except writing
 * its forbidden paths (`paths.forbidden` of the task and its shards, and
 * `constraints.forbidden_paths`), resolved against `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { policyFor } from "./workspace.ts";
 * const policy = policyFor({
 *   paths: { preferred: [], forbidden: ["vendor/"] }, shards: [],
 *   constraints: { forbidden_paths: ["secrets"] },
 * }, "/repo");
 * assert.deepEqual(policy.forbidden, ["/repo/vendor", "/repo/secrets"]);
 * ```
 */
export function policyFor(
  task: Pick<Task, "paths" | "shards" | "constraints">,
  root: string,
): ProcessPolicy {
  const forbidden = [
    ...task.paths.forbidden,
    ...task.shards.flatMap((s) => s.paths.forbidden),
    ...task.constraints.forbidden_paths,
  ].map((p) => resolve(root, p));
  return { ...UNRESTRICTED, forbidden: [...new Set(forbidden)] };
}

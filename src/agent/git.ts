/**
 * Runs git for the orchestrator's own bookkeeping (worktrees, patches).
 * These calls are not the plan's commands, and they read what an agent
 * wrote, so git runs under a fixed policy that trusts nothing of it: the
 * git found once on a PATH without project folders (see
 * `exec/programs.ts`), exactly this module's environment (no inherited
 * `GIT_*`, no system or global configuration), no hooks, no fsmonitor, no
 * pager, a timeout, and through `exec/` so the second Ctrl-C stops it.
 * Which repository it works on is always named by the caller (`gitDir`),
 * never found through a `.git` file an agent could have replaced.
 * @module
 */

import { ownProgram, trustedPath } from "../exec/programs.ts";
import { runOwn } from "../exec/own_process.ts";

/** What one git call gave. */
export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A git call that failed where failure is not an expected outcome. */
export class GitError extends Error {
  override name = "GitError";
}

/** Where and on what one git call works. */
export interface GitCall {
  /** The project root: PATH folders below it are never searched for git. */
  root: string;
  /** Its working folder (default: `root`). */
  cwd?: string;
  /** The repository, given explicitly (else git finds the one of `cwd`: only for the user's project). */
  gitDir?: string;
  /** The work tree of `gitDir`. */
  workTree?: string;
  /** The index file to use instead of the repository's. */
  index?: string;
  /** Bytes on its stdin. */
  stdin?: Uint8Array;
}

/** How long one git call may take: far above any real call, it only ends a hang. */
export const GIT_TIMEOUT_MS = 10 * 60_000;

/**
 * Configuration given on every call: it overrides whatever a repository's
 * own config says about programs git would start or files it would trust.
 */
export const FIXED_CONFIG: readonly string[] = [
  "core.hooksPath=/dev/null",
  "core.fsmonitor=false",
  "core.untrackedCache=false",
  "core.quotePath=false",
  "core.pager=cat",
  "core.editor=false",
  "core.sshCommand=false",
  "core.askPass=false",
  "core.autocrlf=false",
  "core.safecrlf=false",
  "diff.external=",
  "diff.noprefix=false",
  "diff.mnemonicPrefix=false",
  "diff.relative=false",
  "gc.auto=0",
  "maintenance.auto=false",
  "credential.helper=",
].flatMap((c) => ["-c", c]);

/** The environment of every call: nothing inherited but a trusted PATH. */
function gitEnv(root: string, call: GitCall): Record<string, string> {
  const env: Record<string, string> = {
    PATH: trustedPath(Deno.env.get("PATH") ?? "", root).join(":"),
    LC_ALL: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_ATTR_NOSYSTEM: "1",
    GIT_NO_REPLACE_OBJECTS: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_OPTIONAL_LOCKS: "0",
    GIT_PAGER: "cat",
    GIT_AUTHOR_NAME: "orchestrate",
    GIT_AUTHOR_EMAIL: "orchestrate@localhost",
    GIT_COMMITTER_NAME: "orchestrate",
    GIT_COMMITTER_EMAIL: "orchestrate@localhost",
  };
  const home = Deno.env.get("HOME");
  if (home !== undefined) env.HOME = home;
  if (call.index !== undefined) env.GIT_INDEX_FILE = call.index;
  return env;
}

/**
 * Runs `git args` as the call says and returns its exit code and output
 * (bytes: patches are binary).
 *
 * @throws {GitError} when there is no git outside the project's folders,
 * or it was killed (timeout, second Ctrl-C).
 */
export async function gitBytes(
  args: readonly string[],
  call: GitCall,
): Promise<{ code: number; stdout: Uint8Array; stderr: string }> {
  const program = ownProgram("git", Deno.env.get("PATH") ?? "", call.root);
  if (program === null) {
    throw new GitError(
      "git is not on PATH (folders inside the project are not searched for orchestrate's own git)",
    );
  }
  const repo = call.gitDir === undefined
    // The user's project, found from `cwd`: the repository orchestrate was
    // started in is trusted as the user's own (the global configuration
    // that could say so is not read), its risky settings overridden above.
    ? ["-c", "safe.directory=*"]
    : [`--git-dir=${call.gitDir}`];
  if (call.workTree !== undefined) repo.push(`--work-tree=${call.workTree}`);
  const r = await runOwn({
    program,
    args: [...FIXED_CONFIG, ...repo, ...args],
    cwd: call.cwd ?? call.root,
    env: gitEnv(call.root, call),
    ...(call.stdin === undefined ? {} : { stdin: call.stdin }),
    timeoutMs: GIT_TIMEOUT_MS,
  });
  if (r.code === null) {
    throw new GitError(
      `git ${args.join(" ")} was ${
        r.timedOut ? `stopped after ${GIT_TIMEOUT_MS / 1000}s` : "killed"
      }`,
    );
  }
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `git args` as the call says and returns its exit code and output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { git } from "./git.ts";
 * assert.match((await git(["--version"], { root: "/nowhere", cwd: "/" })).stdout, /^git version/);
 * ```
 */
export async function git(
  args: readonly string[],
  call: GitCall,
): Promise<GitResult> {
  const r = await gitBytes(args, call);
  return { ...r, stdout: new TextDecoder().decode(r.stdout) };
}

/**
 * Runs git and returns its stdout; a non-zero exit is a {@link GitError}
 * naming the command and what git said.
 */
export async function gitOk(
  args: readonly string[],
  call: GitCall,
): Promise<string> {
  const r = await git(args, call);
  if (r.code !== 0) {
    throw new GitError(
      `git ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`,
    );
  }
  return r.stdout;
}

/**
 * The call that works on an agent's worktree through orchestrate's own
 * repository and index (never the worktree's `.git`).
 */
export function own(worktree: {
  project: string;
  gitDir: string;
  path: string;
  index: string;
}): GitCall {
  return {
    root: worktree.project,
    gitDir: worktree.gitDir,
    workTree: worktree.path,
    cwd: worktree.path,
    index: worktree.index,
  };
}

/**
 * Runs git for the orchestrator's own bookkeeping (worktrees, patches):
 * these are not the plan's commands, so they bypass the task's runner and
 * get a fixed identity and no user hooks or pager.
 * @module
 */

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

const IDENTITY = {
  GIT_AUTHOR_NAME: "orchestrate",
  GIT_AUTHOR_EMAIL: "orchestrate@localhost",
  GIT_COMMITTER_NAME: "orchestrate",
  GIT_COMMITTER_EMAIL: "orchestrate@localhost",
  GIT_PAGER: "cat",
  GIT_TERMINAL_PROMPT: "0",
};

/**
 * Runs `git args` in `cwd` and returns its exit code and output.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { git } from "./git.ts";
 * assert.match((await git(["--version"], ".")).stdout, /^git version/);
 * ```
 */
export async function git(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<GitResult> {
  const out = await new Deno.Command("git", {
    args: ["-c", "core.hooksPath=/dev/null", ...args],
    cwd,
    env: { ...IDENTITY, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

/**
 * Runs git and returns its stdout; a non-zero exit is a {@link GitError}
 * naming the command and what git said.
 */
export async function gitOk(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<string> {
  const r = await git(args, cwd, env);
  if (r.code !== 0) {
    throw new GitError(
      `git ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`,
    );
  }
  return r.stdout;
}

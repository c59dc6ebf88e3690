/**
 * orchestrate's own short processes (git for worktrees and patches), apart
 * from the plan's commands but under one policy too: an absolute program,
 * exactly the environment given (nothing inherited), a timeout, and
 * stopped with every task's processes by the second Ctrl-C
 * ({@link killOwnProcesses}, called by the runner's `killAll`).
 * @module
 */

/** What one own process gave. */
export interface OwnResult {
  /** Exit code; null when it was killed (timeout, second Ctrl-C). */
  code: number | null;
  stdout: Uint8Array;
  stderr: string;
  /** Killed because it ran longer than its timeout. */
  timedOut: boolean;
}

/** How to run one own process. */
export interface OwnRequest {
  /** Absolute path of the program. */
  program: string;
  args: readonly string[];
  cwd: string;
  /** Exactly its environment. */
  env: Record<string, string>;
  /** Bytes for its stdin (else it reads nothing). */
  stdin?: Uint8Array;
  /** Killed after this long. */
  timeoutMs: number;
}

const live = new Set<Deno.ChildProcess>();

/**
 * Runs one own process to its end and returns what it printed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runOwn } from "./own_process.ts";
 * const r = await runOwn({
 *   program: "/bin/sh", args: ["-c", "cat; echo $X"], cwd: "/",
 *   env: { X: "x" }, stdin: new TextEncoder().encode("in "), timeoutMs: 5000,
 * });
 * assert.equal(new TextDecoder().decode(r.stdout), "in x\n");
 * ```
 */
export async function runOwn(request: OwnRequest): Promise<OwnResult> {
  const child = new Deno.Command(request.program, {
    args: [...request.args],
    cwd: request.cwd,
    env: request.env,
    clearEnv: true,
    stdin: request.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  live.add(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    kill(child, "SIGKILL");
  }, request.timeoutMs);
  try {
    if (request.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      // A process that exits without reading all of it closes the pipe: not an error here.
      await writer.write(request.stdin).catch(() => {});
      await writer.close().catch(() => {});
    }
    const out = await child.output();
    return {
      code: out.signal === null ? out.code : null,
      stdout: out.stdout,
      stderr: new TextDecoder().decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    live.delete(child);
  }
}

/** Sends `signal` to every own process still running (the second Ctrl-C). */
export function killOwnProcesses(signal: Deno.Signal): void {
  for (const child of live) kill(child, signal);
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch {
    // Already ended.
  }
}

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
    // Read while writing: a process may answer before it has read everything.
    const readers: ReadableStreamDefaultReader<Uint8Array>[] = [];
    const stdout = collect(child.stdout, readers);
    const stderr = collect(child.stderr, readers);
    if (request.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      // A process that exits without reading all of it closes the pipe: not an error here.
      await writer.write(request.stdin).catch(() => {});
      await writer.close().catch(() => {});
    }
    const status = await child.status;
    // Killed: a process it started may still hold the pipes; stop reading.
    if (status.signal !== null) {
      for (const r of readers) r.cancel().catch(() => {});
    }
    return {
      code: status.signal === null ? status.code : null,
      stdout: await stdout,
      stderr: new TextDecoder().decode(await stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    live.delete(child);
  }
}

/** All of a stream's bytes (until its end, or until its reader is cancelled). */
async function collect(
  stream: ReadableStream<Uint8Array>,
  readers: ReadableStreamDefaultReader<Uint8Array>[],
): Promise<Uint8Array> {
  const reader = stream.getReader();
  readers.push(reader);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // Cancelled after a kill: what arrived is kept.
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
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

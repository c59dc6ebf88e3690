/**
 * The process runner: the one interface through which the engine starts
 * subprocesses, so a sandboxed runner can replace it (see ROADMAP).
 * @module
 */

/** What to run. */
export interface RunRequest {
  /** The command line from the plan. */
  command: string;
  cwd: string;
  /** File that receives stdout and stderr, interleaved as they arrive. */
  outputPath: string;
  /** Kill the command's process group after this long. */
  timeoutMs?: number;
  /** Aborting kills the command's process group (timebox, interrupt). */
  signal?: AbortSignal;
  /** Give the command its own process group (set when it can be cut short by a timebox). */
  ownProcessGroup?: boolean;
  /** Extra environment variables (the rest is inherited). */
  env?: Record<string, string>;
}

/** How a command ended. */
export interface RunResult {
  /** Exit code; null when ended by a signal. */
  status: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  /** Ended because `signal` was aborted. */
  aborted: boolean;
  /** Whether the command printed anything (else no output file was created). */
  wroteOutput: boolean;
}

/** Starts commands. */
export interface ProcessRunner {
  run(request: RunRequest): Promise<RunResult>;
  /** Kills every running process group at once (second Ctrl-C). */
  killAll(signal: Deno.Signal): void;
}

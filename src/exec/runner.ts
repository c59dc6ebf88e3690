/**
 * The process runner: the one interface through which the engine starts
 * subprocesses, so a sandboxed runner can replace it (see ROADMAP).
 * @module
 */

import type { ProcessPolicy } from "./policy.ts";

export { OUTPUT_CAP_BYTES, OutputError } from "./output_file.ts";

/** What to run. */
export interface RunRequest {
  /** The command line from the plan. */
  command: string;
  cwd: string;
  /**
   * The project root, when the command runs elsewhere (an agent's worktree):
   * a sandbox keeps it readable (the brief, the run's files).
   */
  root?: string;
  /**
   * File that receives stdout and stderr, interleaved as they arrive;
   * created only when the first byte arrives.
   */
  outputPath: string;
  /**
   * Keep at most this many bytes of output, the last ones (default
   * {@link OUTPUT_CAP_BYTES}); the file then starts with a line saying how
   * many bytes were dropped.
   */
  outputCapBytes?: number;
  /** Kill the command's processes after this long. */
  timeoutMs?: number;
  /**
   * Also hands each chunk of output (masked, as written to the file) to
   * this function as it arrives: `run --stream` shows it live.
   */
  onOutput?: (bytes: Uint8Array) => void;
  /**
   * Aborting kills the command's processes (timebox, interrupt): SIGTERM,
   * then SIGKILL after a grace period, after which `run()` stops waiting
   * for output still held open by processes it could not kill.
   */
  signal?: AbortSignal;
  /** Give the command its own process group (set when it can be cut short by a timebox). */
  ownProcessGroup?: boolean;
  /**
   * Its task declares `keep_running`: what the command starts may outlive
   * it (no pid namespace), and the result lists what is left.
   */
  keepRunning?: boolean;
  /**
   * Extra environment variables, added to exactly `policy.env`
   * (orchestrate's own additions, such as an agent's `ORCHESTRATE_BRIEF`;
   * never the user's secrets).
   */
  env?: Record<string, string>;
  /**
   * What the command's processes may do (required: nothing is spawned
   * without one). The runner checks the program before it spawns (refused:
   * {@link RunResult.refused}), spawns with a cleared environment plus
   * exactly `policy.env`, and masks `policy.secrets` in the output file. A
   * caller that means "inherit" says so with
   * `unrestrictedPolicy(environment)` (see `policy.ts`).
   */
  policy: ProcessPolicy;
}

/** How a command ended. */
export interface RunResult {
  /** Exit code; null when ended by a signal. */
  status: number | null;
  signal: string | null;
  durationMs: number;
  timedOut: boolean;
  /** Ended because `signal` was aborted (or {@link ProcessRunner.killAll}). */
  aborted: boolean;
  /** Whether the command printed anything (else no output file was created). */
  wroteOutput: boolean;
  /** Bytes the command printed (for the `command_run` event). */
  outputBytes?: number;
  /** Bytes dropped from the start of the output file by the cap (0 when none). */
  droppedBytes?: number;
  /**
   * Why the policy refused to start the command (nothing was spawned; the
   * output file says the same, and `status` is 126).
   */
  refused?: string;
  /**
   * Processes the command left running (`keep_running` only): pid and
   * command line, for the run to report.
   */
  leftRunning?: { pid: number; command: string }[];
}

/** Starts commands. */
export interface ProcessRunner {
  /**
   * Runs one command to its end.
   * @throws {OutputError} when its output cannot be written (disk full, I/O
   * error): the command is killed first. The engine records `task_failed`
   * with reason `error` and the message.
   */
  run(request: RunRequest): Promise<RunResult>;
  /**
   * Sends `signal` to every running command's processes and stops waiting
   * for them: every pending `run()` resolves at once, as aborted (second
   * Ctrl-C).
   */
  killAll(signal: Deno.Signal): void;
  /**
   * Commands the run will likely start next: a runner may start their
   * launchers ahead, held before the command's program, so that a later
   * {@link run} of the same command starts it sooner. Nothing of a command
   * runs before its `run()`. Resolves to false when it is too early to
   * tell (no command of the run is running yet): ask again later.
   */
  prepare?(requests: readonly RunRequest[]): Promise<boolean>;
  /** Ends what {@link prepare} started and no `run()` took (the run is over). */
  dropSpares?(): Promise<void>;
  /**
   * A command will surely start soon: load and probe now what the first
   * one would wait for (the runner's modules, the sandbox's one-off probe).
   * Starts nothing of any command; never needed for correctness.
   */
  warm?(): void;
}

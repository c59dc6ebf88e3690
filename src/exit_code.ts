/**
 * The one table of exit codes (README: "Exit codes"). The CLI's errors, a
 * run's outcome, `status` and the interrupt handler all take their numbers
 * from here.
 * @module
 */

import type { RunOutcome } from "./events/types.ts";

/** Every exit code of `orchestrate`. */
export const EXIT_CODE = {
  /** Done. */
  ok: 0,
  /** A task failed or is blocked. */
  failed: 1,
  /** Invalid plan or bad usage. */
  invalid: 2,
  /** Paused at an approval gate. */
  paused: 3,
  /** A bug in orchestrate ("internal error"). */
  internal: 70,
  /** A file or folder could not be read or written (permissions, disk full, a file where a folder should be). */
  io: 74,
  /** Interrupted (Ctrl-C). */
  interrupted: 130,
} as const;

/** One of {@link EXIT_CODE}'s values. */
export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/**
 * The exit code of a run by the outcome its `completed` event records.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RUN_EXIT } from "./exit_code.ts";
 * assert.equal(RUN_EXIT.paused, 3);
 * assert.equal(RUN_EXIT.error, 70);
 * ```
 */
export const RUN_EXIT: Readonly<Record<RunOutcome, ExitCode>> = {
  success: EXIT_CODE.ok,
  failed: EXIT_CODE.failed,
  paused: EXIT_CODE.paused,
  interrupted: EXIT_CODE.interrupted,
  error: EXIT_CODE.internal,
};

/**
 * The terminal view of a run: live at a TTY, plain lines elsewhere.
 * @module
 */

import { LiveReporter } from "./live_reporter.ts";
import { PlainReporter } from "./plain_reporter.ts";
import type { Reporter } from "./reporter.ts";
import type { Timers } from "./timers.ts";
import { style } from "../render/ansi.ts";
import { FailureOutput } from "./failure_output.ts";

/** Options of {@link createReporter}. */
export interface ReporterOptions {
  /** Output is a terminal: the live view; otherwise plain lines (CI, pipes). */
  tty: boolean;
  /** ANSI colours. */
  color: boolean;
  /** Where text goes. */
  out: (text: string) => void;
  /** Terminal width for the live view. */
  columns?: number;
  /** Clock and timers for the live view (tests). */
  timers?: Timers;
  /**
   * Show the last lines of a failing command's output under its failure:
   * the project root (output paths are relative to it), where the user
   * stands, and how many lines (0: none).
   */
  failureOutput?: { root: string; cwd: string; lines: number };
}

/**
 * Chooses the terminal view: {@link LiveReporter} when `tty`, else
 * {@link PlainReporter}. The CLI passes `terminalOptions()`.
 *
 * @param options Terminal, colours and output.
 * @returns A reporter for the engine's observers.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createReporter } from "./progress.ts";
 * import { PlainReporter } from "./plain_reporter.ts";
 * const reporter = createReporter({ tty: false, color: false, out: () => {} });
 * assert.ok(reporter instanceof PlainReporter);
 * ```
 */
export function createReporter(options: ReporterOptions): Reporter {
  const failures = options.failureOutput
    ? new FailureOutput({
      ...options.failureOutput,
      style: style(options.color),
    })
    : undefined;
  if (!options.tty) {
    return new PlainReporter({
      color: options.color,
      out: options.out,
      ...(failures ? { failures } : {}),
    });
  }
  return new LiveReporter({
    color: options.color,
    out: options.out,
    ...(failures ? { failures } : {}),
    ...(options.columns ? { columns: options.columns } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
}

/**
 * What the terminal can do, asked once by the CLI (the only place that reads
 * `Deno.stdout` and `NO_COLOR` for the progress view).
 * @module
 */

import { stdout } from "./stdio.ts";

/** Where progress goes and how. */
export interface TerminalOptions {
  /** stdout is a terminal: redraw in place. */
  tty: boolean;
  /** Colours on: a terminal and `NO_COLOR` unset or empty. */
  color: boolean;
  /** Terminal width, when known. */
  columns?: number;
  /** Writes text to stdout, synchronously and completely (dropped once nobody reads). */
  out: (text: string) => void;
}

/**
 * Options for `createReporter` from the real stdout and environment:
 * colours only on a terminal and when `NO_COLOR` is not set
 * (https://no-color.org).
 *
 * @example
 * ```ts ignore
 * // ignore: asks the real terminal
 * const reporter = createReporter(terminalOptions());
 * ```
 */
export function terminalOptions(): TerminalOptions {
  const tty = Deno.stdout.isTerminal();
  const noColor = (Deno.env.get("NO_COLOR") ?? "") !== "";
  let columns: number | undefined;
  if (tty) {
    try {
      columns = Deno.consoleSize().columns;
    } catch {
      columns = undefined;
    }
  }
  return {
    tty,
    color: tty && !noColor,
    ...(columns ? { columns } : {}),
    out: (text) => stdout.write(text),
  };
}

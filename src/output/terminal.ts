/**
 * What the terminal can do, asked once by the CLI (the only place that reads
 * `Deno.stdout` and `NO_COLOR` for the progress view).
 * @module
 */

/** Where progress goes and how. */
export interface TerminalOptions {
  /** stdout is a terminal: redraw in place. */
  tty: boolean;
  /** Colours on: a terminal and `NO_COLOR` unset or empty. */
  color: boolean;
  /** Terminal width, when known. */
  columns?: number;
  /** Writes text to stdout, synchronously and completely. */
  out: (text: string) => void;
}

const _encoder = new TextEncoder();

/**
 * Writes text to stdout synchronously, looping until every byte is written.
 *
 * @example
 * ```ts ignore
 * writeStdout("hello\n");
 * ```
 */
export function writeStdout(text: string): void {
  const bytes = _encoder.encode(text);
  let written = 0;
  while (written < bytes.length) {
    written += Deno.stdout.writeSync(bytes.subarray(written));
  }
}

/**
 * Options for `createReporter` from the real stdout and environment:
 * colours only on a terminal and when `NO_COLOR` is not set
 * (https://no-color.org).
 *
 * @example
 * ```ts ignore
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
    out: writeStdout,
  };
}

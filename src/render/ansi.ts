/**
 * ANSI colours and cursor control for the terminal view.
 * @module
 */

/** Colours that are no-ops when colour is off. */
export interface Style {
  /** Success. */
  green(text: string): string;
  /** Failure. */
  red(text: string): string;
  /** Blocked, retries, waiting. */
  yellow(text: string): string;
  /** The spinner. */
  cyan(text: string): string;
  /** Secondary text: skips, elapsed time. */
  dim(text: string): string;
  /** Emphasis. */
  bold(text: string): string;
}

function _sgr(open: number, close: number): (text: string) => string {
  return (text) => `\x1b[${open}m${text}\x1b[${close}m`;
}

const _identity = (text: string) => text;

/**
 * A {@link Style}: ANSI colours when `color` is true, plain text otherwise.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { style } from "./ansi.ts";
 * assert.equal(style(false).red("x"), "x");
 * assert.equal(style(true).red("x"), "\x1b[31mx\x1b[39m");
 * ```
 */
export function style(color: boolean): Style {
  if (!color) {
    return {
      green: _identity,
      red: _identity,
      yellow: _identity,
      cyan: _identity,
      dim: _identity,
      bold: _identity,
    };
  }
  return {
    green: _sgr(32, 39),
    red: _sgr(31, 39),
    yellow: _sgr(33, 39),
    cyan: _sgr(36, 39),
    dim: _sgr(2, 22),
    bold: _sgr(1, 22),
  };
}

/**
 * Moves the cursor up `lines` lines to column 1 and erases from there to
 * the end of the screen: clears a block that was drawn with `lines`
 * newline-terminated lines. Empty for 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eraseLines } from "./ansi.ts";
 * assert.equal(eraseLines(2), "\x1b[2A\r\x1b[J");
 * assert.equal(eraseLines(0), "");
 * ```
 */
export function eraseLines(lines: number): string {
  return lines > 0 ? `\x1b[${lines}A\r\x1b[J` : "";
}

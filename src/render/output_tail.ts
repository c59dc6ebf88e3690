/**
 * The last lines of a failing command's output, as the terminal and
 * `status` show them under the failure: colours dropped, other control
 * characters escaped, each line behind a gutter.
 * @module
 */

import type { Style } from "./ansi.ts";
import { safeText } from "../text/safe_text.ts";

/** Default number of output lines shown under a failure. */
export const FAILURE_LINES = 20;

// Colour and cursor sequences a command prints for its own terminal.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;

/**
 * One line of a command's output as a view shows it: colour and cursor
 * sequences dropped, a carriage-return progress bar's last state kept, other
 * control characters escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainLine } from "./output_tail.ts";
 * assert.equal(plainLine("\x1b[31mred\x1b[0m 10%\r100%\x07"), "100%\\x07");
 * ```
 */
export function plainLine(line: string): string {
  return safeText(
    line.replace(ANSI, "").replace(/\r+$/, "").split("\r").at(-1)!,
  );
}

/**
 * The last `max` lines of `text` (a trailing newline ends the last line;
 * carriage-return progress bars keep only what was drawn last), and how many
 * lines came before them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lastLines } from "./output_tail.ts";
 * assert.deepEqual(lastLines("a\nb\nc\n", 2), { lines: ["b", "c"], before: 1 });
 * assert.deepEqual(lastLines("10%\r100%\ndone", 5), { lines: ["100%", "done"], before: 0 });
 * ```
 */
export function lastLines(
  text: string,
  max: number,
): { lines: string[]; before: number } {
  const all = text.replace(/\n$/, "").split("\n").map((line) =>
    line.replace(/\r+$/, "").split("\r").at(-1)!
  );
  if (text === "") return { lines: [], before: 0 };
  const keep = Math.max(0, max);
  return {
    lines: keep === 0 ? [] : all.slice(-keep),
    before: Math.max(0, all.length - keep),
  };
}

/**
 * The block shown under a failure: a heading naming the file (`where`, as
 * the reader can open it) and the last lines of its output behind `│`.
 * Empty when there is nothing to show.
 *
 * @param text The end of the output file (possibly cut at the start: `partial`).
 * @param where The file's path for the reader.
 * @param max Lines to show at most.
 * @param s Colours.
 * @param partial Whether `text` is only the end of the file (more came before).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { style } from "./ansi.ts";
 * import { tailBlock } from "./output_tail.ts";
 * assert.deepEqual(tailBlock("one\n\x1b[31mtwo\x1b[0m\n", "out.log", 20, style(false), false), [
 *   "    │ one",
 *   "    │ two",
 *   "    └ out.log",
 * ]);
 * assert.deepEqual(tailBlock("a\nb\nc\n", "out.log", 1, style(false), false), [
 *   "    │ c",
 *   "    └ last 1 line shown; all of it in out.log",
 * ]);
 * ```
 */
export function tailBlock(
  text: string,
  where: string,
  max: number,
  s: Style,
  partial: boolean,
): string[] {
  const { lines, before } = lastLines(text.replace(ANSI, ""), max);
  if (lines.length === 0) return [];
  const footer = before > 0 || partial
    ? `last ${lines.length} line${
      lines.length === 1 ? "" : "s"
    } shown; all of it in ${safeText(where)}`
    : safeText(where);
  return [
    ...lines.map((line) => `    ${s.dim("│")} ${safeText(line)}`),
    `    ${s.dim(`└ ${footer}`)}`,
  ];
}

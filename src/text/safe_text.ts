/**
 * Text from a plan or a log, made safe to print: control characters
 * escaped, so a title cannot move the cursor, clear the screen, ring the
 * bell, start a new line in TASKS.md or reorder text with a bidi override.
 * @module
 */

// C0 and C1 controls, DEL, bidi marks/overrides/isolates, line and paragraph separators.
const UNSAFE =
  // deno-lint-ignore no-control-regex
  /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * Escapes control characters in text shown to people (terminal or
 * TASKS.md): `\n`, `\r` and `\t` by name, others as `\xHH` or `\u{HHHH}`.
 * Printable text, including non-Latin scripts and emoji, is unchanged.
 *
 * @param text A title, id, name or message from a plan or a log.
 * @returns The text on one line, without control characters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeText } from "./safe_text.ts";
 * assert.equal(safeText("Fix\x1b[2J it\nnow\x07"), "Fix\\x1b[2J it\\nnow\\x07");
 * assert.equal(safeText("D\u00e9j\u00e0 vu \u2713"), "D\u00e9j\u00e0 vu \u2713");
 * assert.equal(safeText("a\u202eb"), "a\\u{202e}b");
 * ```
 */
export function safeText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const named = NAMED[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u{${code.toString(16)}}`;
  });
}

/**
 * {@link safeText} for a block of lines (a brief, a report): line breaks and
 * tabs are kept as they are, every other control character is escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeBlock } from "./safe_text.ts";
 * assert.equal(safeBlock("## ev\x1b[31mil.ts\n\tfunc x()\r"), "## ev\\x1b[31mil.ts\n\tfunc x()\\r");
 * ```
 */
export function safeBlock(text: string): string {
  return text.split("\n").map((line) =>
    line.split("\t").map(safeText).join("\t")
  ).join("\n");
}

/**
 * Offsets in source text: line and column, the source line, the limits that
 * keep hostile plans from exhausting the parsers.
 * @module
 */

import type { Diagnostic, Result } from "../diagnostic.ts";

/**
 * The largest plan file (included files and TS helpers alike) read: 16
 * times a 10,000-task plan. Past it a source is refused before it is read,
 * rather than taking the machine's memory.
 */
export const PLAN_MAX_BYTES = 64 * 1024 * 1024;
/** Alias nodes allowed in one document; plans rarely need more than a few. */
export const MAX_ALIASES = 1000;
/** Collection nesting allowed; plans are about eight levels deep. */
export const MAX_DEPTH = 100;
/** The message for a document nested deeper than {@link MAX_DEPTH}. */
export const TOO_DEEP =
  `Nesting deeper than ${MAX_DEPTH} levels: no plan is this deep; refusing it`;

/**
 * 1-based line and column of a character offset.
 *
 * @example
 * ```ts
 * import { lineCol } from "./source_text.ts";
 * lineCol("a\nbc", 3); // [2, 2]
 * ```
 */
export function lineCol(source: string, offset: number): [number, number] {
  let line = 1, start = 0;
  for (
    let i = source.indexOf("\n");
    i >= 0 && i < offset;
    i = source.indexOf("\n", i + 1)
  ) {
    line++;
    start = i + 1;
  }
  return [line, offset - start + 1];
}

/** A failed parse: one diagnostic at `offset` of `source`, with its source line. */
export function failAt(
  source: string,
  file: string,
  offset: number,
  message: string,
): Result<never> {
  const at = Math.max(0, Math.min(offset, source.length));
  const [line, col] = lineCol(source, at);
  const start = at - (col - 1);
  const end = source.indexOf("\n", start);
  const d: Diagnostic = {
    file,
    line,
    col,
    message,
    sourceLine: source.slice(start, end < 0 ? undefined : end).replace(
      /\r$/,
      "",
    ),
  };
  return { ok: false, diagnostics: [d] };
}

/**
 * `text` without a leading byte order mark (editors on Windows save one;
 * it is not part of the plan).
 *
 * @example
 * ```ts
 * import { withoutBom } from "./source_text.ts";
 * withoutBom("\uFEFFversion: 1"); // "version: 1"
 * ```
 */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Diagnostics: what users got wrong, with where.
 * @module
 */

/** A path into a parsed document (object keys and array indices). */
export type DocPath = readonly (string | number)[];

/** One problem in a plan, located by file and document path or line:col. */
export interface Diagnostic {
  file: string;
  message: string;
  /** Path of the offending node; resolved to a position by `positions.ts`. */
  path?: DocPath;
  /** Point at the key of the last path element instead of its value. */
  atKey?: boolean;
  line?: number;
  col?: number;
  /** Another place worth naming ("first defined at ..."). */
  related?: { file: string; path: DocPath; label: string };
  /** The source line, for the underline in the report. */
  sourceLine?: string;
}

/** Result of an operation that can fail with diagnostics. */
export type Result<T> = { ok: true; value: T } | {
  ok: false;
  diagnostics: Diagnostic[];
};

/** Characters of a source line shown under a diagnostic. */
const SHOWN = 200;

/**
 * Formats a located diagnostic as `file:line:col: message`, followed by the
 * source line and a caret when known.
 *
 * @example
 * ```ts
 * import { formatDiagnostic } from "./diagnostic.ts";
 * formatDiagnostic({ file: "orchestrator.yml", line: 3, col: 5, message: "Bad" });
 * // "orchestrator.yml:3:5: Bad"
 * ```
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line ?? 1}:${d.col ?? 1}`;
  let text = `${where}: ${d.message}`;
  if (d.sourceLine !== undefined && d.sourceLine.trim() !== "") {
    // Long lines (minified JSON) are shown as a window around the column.
    const col = Math.max(0, (d.col ?? 1) - 1);
    const from = d.sourceLine.length > SHOWN && col > SHOWN / 2
      ? col - SHOWN / 2
      : 0;
    // \u2026 is an ellipsis: modules loaded at start-up stay ASCII (faster to load).
    const before = from > 0 ? "\u2026" : "";
    const after = d.sourceLine.length > from + SHOWN ? "\u2026" : "";
    const line = before + d.sourceLine.slice(from, from + SHOWN) + after;
    text += `\n  ${line}\n  ${" ".repeat(col - from + before.length)}^`;
  }
  return text;
}

/** Diagnostics in file, line, column order (stable for equal positions). */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return [...list].sort((a, b) =>
    a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) ||
    (a.col ?? 0) - (b.col ?? 0)
  );
}

/**
 * The closing count of a failed check, naming the files the errors are in
 * (an included file rather than the plan that includes it).
 *
 * @example
 * ```ts
 * import { errorSummary } from "./diagnostic.ts";
 * errorSummary([{ file: "tasks/a.yml", message: "Bad" }], "orchestrator.yml");
 * // "1 error in tasks/a.yml"
 * errorSummary(
 *   [{ file: "a.yml", message: "x" }, { file: "b.yml", message: "y" }, { file: "b.yml", message: "z" }],
 *   "a.yml",
 * );
 * // "3 errors in 2 files: a.yml (1), b.yml (2)"
 * ```
 */
export function errorSummary(
  diagnostics: readonly Diagnostic[],
  planFile: string,
): string {
  const n = diagnostics.length;
  const count = `${n} error${n === 1 ? "" : "s"}`;
  const perFile = new Map<string, number>();
  for (const d of diagnostics) {
    perFile.set(d.file, (perFile.get(d.file) ?? 0) + 1);
  }
  if (perFile.size <= 1) {
    return `${count} in ${[...perFile.keys()][0] ?? planFile}`;
  }
  const files = [...perFile].map(([file, k]) => `${file} (${k})`).join(", ");
  return `${count} in ${perFile.size} files: ${files}`;
}

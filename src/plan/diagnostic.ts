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
    const line = d.sourceLine.length > 200
      ? d.sourceLine.slice(0, 200) + "…"
      : d.sourceLine;
    text += `\n  ${line}\n  ${" ".repeat(Math.max(0, (d.col ?? 1) - 1))}^`;
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

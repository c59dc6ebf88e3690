/**
 * A plan that calls a name its helper file does not export fails with
 * `Cannot read properties of undefined (reading 'call')` at the call (the
 * transpiled code reads the name off the helper's exports). This finds,
 * for such a failure, the import that named it and says so there, with the
 * names the helper does export.
 * @module
 */

import type { Diagnostic } from "../diagnostic.ts";
import { closest } from "../suggest.ts";
import { codeOnly } from "./ts_scan.ts";

/** One name an import statement takes from a module. */
export interface NamedImport {
  /** The name in the module's exports (`default` for a default import). */
  name: string;
  /** The name the importer uses. */
  local: string;
  specifier: string;
  /** 1-based line and column of the name in the importer. */
  line: number;
  col: number;
}

const IMPORT =
  /\bimport\s+(?!type\b)(?:([A-Za-z_$][\w$]*)\s*,?\s*)?(?:\{([^}]*)\})?\s*from\s*(["'])([^"'\n]*)\3/g;

/**
 * The value names each `import` statement of `source` takes (type-only
 * imports and namespace imports left out), with where each is written.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { namedImports } from "./ts_missing_import.ts";
 * assert.deepEqual(
 *   namedImports('import { a, b as c, type T } from "./h.ts";').map((n) => [n.name, n.local, n.col]),
 *   [["a", "a", 10], ["b", "c", 13]],
 * );
 * ```
 */
export function namedImports(source: string): NamedImport[] {
  const code = codeOnly(source);
  const out: NamedImport[] = [];
  const place = (offset: number) => {
    const before = source.slice(0, offset);
    const line = before.split("\n").length;
    return { line, col: offset - before.lastIndexOf("\n") };
  };
  for (const m of code.matchAll(IMPORT)) {
    const quote = m.index + m[0].lastIndexOf(m[3]!, m[0].length - 2);
    const specifier = source.slice(quote + 1, quote + 1 + m[4]!.length);
    if (m[1]) {
      out.push({
        name: "default",
        local: m[1],
        specifier,
        ...place(m.index + m[0].indexOf(m[1])),
      });
    }
    if (m[2] === undefined) continue;
    const listStart = m.index + m[0].indexOf("{") + 1;
    let offset = 0;
    for (const part of m[2].split(",")) {
      const here = listStart + offset;
      offset += part.length + 1;
      const item = part.trim();
      if (item === "" || item.startsWith("type ")) continue;
      const [name, local] = item.split(/\s+as\s+/).map((s) => s.trim());
      out.push({
        name: name!,
        local: local ?? name!,
        specifier,
        ...place(here + part.indexOf(name!)),
      });
    }
  }
  return out;
}

/**
 * The diagnostic for a failure on `failedLine` of `file` caused by calling
 * an imported name its module does not export, or null when that is not
 * what happened.
 *
 * @param exportsOf The exports of each imported specifier (null: not a plan file, e.g. the DSL).
 */
export function missingImport(
  file: string,
  source: string,
  failedLine: string,
  exportsOf: (specifier: string) => readonly string[] | null,
): Diagnostic | null {
  for (const imp of namedImports(source)) {
    const exported = exportsOf(imp.specifier);
    if (exported === null || exported.includes(imp.name)) continue;
    if (!new RegExp(`(?<![\\w$.])${imp.local}(?![\\w$])`).test(failedLine)) {
      continue;
    }
    const near = closest(imp.name, exported);
    const what = imp.name === "default"
      ? `"${imp.specifier}" has no default export`
      : `"${imp.specifier}" does not export "${imp.name}"`;
    return {
      file,
      line: imp.line,
      col: imp.col,
      sourceLine: source.split("\n")[imp.line - 1] ?? "",
      message: `${what}${near ? `: did you mean "${near}"?` : ""}${
        exported.length > 0 && !near
          ? ` (it exports ${exported.join(", ")})`
          : ""
      }`,
    };
  }
  return null;
}

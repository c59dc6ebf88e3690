/**
 * Source text → plain data, for YAML and strict JSON, with syntax errors as
 * located diagnostics and guards against hostile input (alias bombs, deep
 * nesting, huge documents).
 * @module
 */

import { load } from "js-yaml";
import type { Diagnostic, Result } from "./diagnostic.ts";

/** Alias nodes allowed in one document; plans rarely need more than a few. */
export const MAX_ALIASES = 1000;
/** Collection nesting allowed; plans are about eight levels deep. */
export const MAX_DEPTH = 100;
/** Values visited per byte of source beyond which aliases must be multiplying the document. */
const EXPANSION_PER_BYTE = 2;

/**
 * Parses `.json` files as strict JSON and everything else as YAML 1.2.
 *
 * @example
 * ```ts
 * import { parseSource } from "./parse_source.ts";
 * parseSource("version: 1\n", "orchestrator.yml"); // { ok: true, value: { version: 1 } }
 * ```
 */
export function parseSource(source: string, file: string): Result<unknown> {
  if (source.trim() === "") {
    return fail(
      file,
      1,
      1,
      "Plan file is empty: expected a mapping with `version: 1`",
    );
  }
  return file.endsWith(".json")
    ? parseJson(source, file)
    : parseYaml(source, file);
}

function parseJson(source: string, file: string): Result<unknown> {
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (e) {
    const message = (e as Error).message;
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    let line = 1, col = 1;
    if (lc) [line, col] = [Number(lc[1]), Number(lc[2])];
    else {
      const pos = /at position (\d+)/.exec(message);
      if (pos) [line, col] = lineCol(source, Number(pos[1]));
      else [line, col] = lineCol(source, source.length);
    }
    const reason = message.replace(/ in JSON at position.*$/, "").replace(
      /\s*\(line \d+ column \d+\)/,
      "",
    );
    return fail(file, line, col, `Invalid JSON: ${reason}`);
  }
}

function parseYaml(source: string, file: string): Result<unknown> {
  let value: unknown;
  try {
    value = load(source, {
      maxAliases: MAX_ALIASES,
      maxDepth: MAX_DEPTH,
      filename: file,
    });
  } catch (e) {
    const err = e as {
      reason?: string;
      mark?: { line: number; column: number };
      message?: string;
    };
    if (err.reason === undefined) {
      return fail(file, 1, 1, `Cannot parse YAML: ${err.message ?? String(e)}`);
    }
    const line = (err.mark?.line ?? 0) + 1, col = (err.mark?.column ?? 0) + 1;
    return fail(file, line, col, `Invalid YAML: ${err.reason}`);
  }
  // js-yaml keeps aliases as shared references: a "billion laughs" document
  // loads instantly and explodes in whatever walks it. Walk it once, bounded.
  if (
    source.includes("*") &&
    expands(value, source.length * EXPANSION_PER_BYTE + 10_000)
  ) {
    const at = source.search(/(^|[\s,[{])\*[^\s,\]}]/);
    const [line, col] = lineCol(source, at < 0 ? 0 : at + 1);
    return fail(
      file,
      line,
      col,
      "Aliases expand the document beyond any plausible plan (alias bomb?); refusing it",
    );
  }
  return { ok: true, value };
}

function expands(value: unknown, budget: number): boolean {
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++visited > budget) return true;
    if (v !== null && typeof v === "object") {
      for (const child of Object.values(v as object)) {
        if (child !== null && typeof child === "object") stack.push(child);
        else visited++;
      }
    }
  }
  return false;
}

/** 1-based line and column of a character offset. */
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

function fail(
  file: string,
  line: number,
  col: number,
  message: string,
): Result<never> {
  const d: Diagnostic = { file, line, col, message };
  return { ok: false, diagnostics: [d] };
}

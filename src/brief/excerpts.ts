/**
 * The lines of a file a brief shows for its focus points: a matched
 * symbol's own body (or its first lines), the lines around a use of a
 * name (with the signature of the function holding it), the lines around
 * a quoted text. Overlapping excerpts are merged.
 * @module
 */

import type { IndexSymbol } from "../index/symbols.ts";
import type { Focus } from "./relevant_code.ts";

/** Lines of one file shown in a brief. */
export interface Excerpt {
  /** First line shown, 1-based. */
  start: number;
  /** Last line shown. */
  end: number;
  /** Why these lines (`declares wrap_text`, `uses wrap_text in run_wrap`). */
  why: string;
  /** The lines; a gap inside an excerpt is a line `⋮`. */
  text: string;
}

/** Lines of a symbol's body shown at most. */
export const BODY_LINES = 24;
/** Lines either side of a use or a quoted text. */
const CONTEXT = 3;

/**
 * The excerpts of `text` for `focus` (best first), in line order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { excerptsOf } from "./excerpts.ts";
 * const py = "def a():\n    return 1\n\n\ndef run(x):\n    y = a()\n    return y\n";
 * const symbols = [{ name: "a", kind: "function" as const, line: 1 }, { name: "run", kind: "function" as const, line: 5 }];
 * const out = excerptsOf(py, "python", symbols, [{ uses: "a", why: "uses a", weight: 1 }]);
 * assert.deepEqual(out, [{ start: 5, end: 7, why: "uses a in run", text: "def run(x):\n    y = a()\n    return y" }]);
 * ```
 */
export function excerptsOf(
  text: string,
  language: string,
  symbols: readonly IndexSymbol[],
  focus: readonly Focus[],
): Excerpt[] {
  const lines = text.split(/\r?\n/);
  const ranges: { start: number; end: number; why: string; keep?: number }[] =
    [];
  for (const f of focus) {
    if (f.symbol) {
      const end = bodyEnd(lines, f.symbol.line, language);
      ranges.push({
        start: f.symbol.line,
        end: Math.min(end, f.symbol.line + BODY_LINES - 1),
        why: f.why,
      });
      continue;
    }
    const line = f.line ?? (f.uses ? firstUse(lines, f.uses, symbols) : 0);
    if (!line) continue;
    const around = enclosing(symbols, line);
    const why = around && f.uses ? `${f.why} in ${around.name}` : f.why;
    if (around) {
      const end = bodyEnd(lines, around.line, language);
      if (end >= line && end - around.line < 16) {
        ranges.push({ start: around.line, end, why });
        continue;
      }
      if (end >= line) {
        // A long body: its signature, then the lines around the use.
        ranges.push({
          start: Math.max(around.line, line - CONTEXT),
          end: Math.min(end, line + CONTEXT),
          why,
          keep: around.line,
        });
        continue;
      }
    }
    ranges.push({
      start: Math.max(1, line - CONTEXT),
      end: Math.min(lines.length, line + CONTEXT),
      why,
    });
  }
  ranges.sort((a, b) => a.start - b.start);
  const merged: typeof ranges = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end + 1) {
      last.end = Math.max(last.end, r.end);
      if (!last.why.split("; ").includes(r.why)) last.why += `; ${r.why}`;
    } else merged.push({ ...r });
  }
  return merged.map((r) => {
    const body = lines.slice(r.start - 1, r.end);
    const head = r.keep !== undefined && r.keep < r.start
      ? [lines[r.keep - 1]!, ...(r.keep + 1 < r.start ? ["⋮"] : [])]
      : [];
    return {
      start: r.keep !== undefined && r.keep < r.start ? r.keep : r.start,
      end: r.end,
      why: r.why,
      text: [...head, ...body].join("\n").trimEnd(),
    };
  });
}

/**
 * The first line using `name` that is not an import nor its declaration;
 * else an import's line, unless `callsOnly` (0: none).
 */
export function firstUse(
  lines: readonly string[],
  name: string,
  symbols: readonly IndexSymbol[],
  callsOnly = false,
): number {
  const word = new RegExp(
    `(^|[^A-Za-z0-9_])${name.replace(/\$/g, "\\$")}(?![A-Za-z0-9_])`,
  );
  const declared = new Set(
    symbols.filter((s) => s.name === name).map((s) => s.line),
  );
  let fallback = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!word.test(line) || declared.has(i + 1)) continue;
    if (
      /^\s*(?:import|from|(?:pub(?:\([^)]*\))?\s+)?use|export\s*[{*]|__all__|#|\/\/)/
        .test(line)
    ) {
      fallback ||= i + 1;
      continue;
    }
    return i + 1;
  }
  return callsOnly ? 0 : fallback;
}

function enclosing(
  symbols: readonly IndexSymbol[],
  line: number,
): IndexSymbol | undefined {
  let best: IndexSymbol | undefined;
  for (const s of symbols) {
    if (s.line <= line && (!best || s.line >= best.line)) best = s;
  }
  return best;
}

/**
 * The last line of the declaration at `start`: by indentation for Python,
 * by braces otherwise (a declaration ending in `;` before any brace is
 * one line).
 */
export function bodyEnd(
  lines: readonly string[],
  start: number,
  language: string,
): number {
  const first = lines[start - 1] ?? "";
  if (language === "python") {
    const indent = first.length - first.trimStart().length;
    let end = start;
    for (let i = start; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === "") continue;
      if (
        line.length - line.trimStart().length <= indent &&
        !/^\s*[)\]}]/.test(line)
      ) break;
      end = i + 1;
    }
    return end;
  }
  let depth = 0;
  let opened = false;
  for (let i = start - 1; i < Math.min(lines.length, start + 400); i++) {
    for (const c of lines[i]!) {
      if (c === "{") {
        depth++;
        opened = true;
      } else if (c === "}") depth--;
    }
    if (opened && depth <= 0) return i + 1;
    if (!opened && /;\s*$/.test(lines[i]!)) return i + 1;
  }
  return Math.min(lines.length, start + BODY_LINES - 1);
}

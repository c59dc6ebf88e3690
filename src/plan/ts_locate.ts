/**
 * Where a TypeScript plan defined its tasks, and how a diagnostic about the
 * plan's data is placed at the DSL call that defined the offending task. The
 * plan runs in a worker, so the call sites cross back as (path, site) pairs
 * and are attached again to the copy the main thread validates.
 * @module
 */

import { resolve } from "../path.ts";
import type { Diagnostic, DocPath } from "./diagnostic.ts";
import { valueAt } from "./issues.ts";

/** Where a DSL call was written. */
export interface CallSite {
  file: string;
  line: number;
}

/**
 * Where the DSL call that produced an object was written: filled by the
 * loader for the copy of the plan's data it returns.
 *
 * @example
 * ```ts ignore
 * callSites.get(plan.tasks[0]); // { file: "orchestrator.ts", line: 3 }
 * ```
 */
export const callSites: WeakMap<object, CallSite> = new WeakMap();

/**
 * Places diagnostics about a TS plan's data at the line of the DSL call that
 * defined the offending task (or the key inside it, when found nearby).
 *
 * @example
 * ```ts ignore
 * locateInTs([{ file: "orchestrator.ts", path: ["tasks", 0, "titel"], message }], sources, data)[0]!.line;
 * ```
 */
export function locateInTs(
  diagnostics: Diagnostic[],
  sources: ReadonlyMap<string, string>,
  data: unknown,
): Diagnostic[] {
  const place = (fallback: string, path: DocPath) => {
    let site: { file: string; line: number } | undefined;
    for (let n = path.length; n >= 0 && !site; n--) {
      const value = valueAt(data, path.slice(0, n));
      if (value !== null && typeof value === "object") {
        site = callSites.get(value);
      }
    }
    const file = site?.file ?? fallback;
    const source = sources.get(file) ?? sources.get(resolve(file)) ?? "";
    const lines = source.split("\n");
    let line = site?.line ?? 1;
    let col = 0;
    const key = [...path].reverse().find((k) => typeof k === "string");
    if (key) {
      const pattern = new RegExp(
        `(?<![\\w$])["']?${escapeRegExp(key)}["']?\\s*:`,
      );
      const found = lines.findIndex((l, i) =>
        i >= line - 1 && i < line + 60 && pattern.test(l)
      );
      if (found >= 0) {
        line = found + 1;
        col = lines[found]!.search(pattern) + 1;
      }
    }
    // A scalar written literally near its key: point at it.
    const value = valueAt(data, path);
    if (col > 0 && (typeof value === "string" || typeof value === "number")) {
      const literals = typeof value === "number"
        ? [String(value)]
        : [JSON.stringify(value), `'${value}'`, `\`${value}\``];
      for (let i = line - 1; i < Math.min(lines.length, line + 5); i++) {
        const from = i === line - 1 ? col - 1 : 0;
        const at = Math.min(
          ...literals.map((l) => lines[i]!.indexOf(l, from)).filter((n) =>
            n >= 0
          ),
        );
        if (Number.isFinite(at)) {
          [line, col] = [i + 1, at + 1];
          break;
        }
      }
    }
    const text = lines[line - 1] ?? "";
    if (col === 0) col = Math.max(1, text.search(/\S/) + 1);
    return { file, line, col, sourceLine: text };
  };
  return diagnostics.map((d) => {
    if (d.line !== undefined || !d.path || !sources.has(d.file)) return d;
    const out: Diagnostic = { ...d, ...place(d.file, d.path) };
    if (d.related) {
      const r = place(d.related.file, d.related.path);
      out.message += ` (${d.related.label} ${r.file}:${r.line}:${r.col})`;
    }
    return out;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

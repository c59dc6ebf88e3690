/**
 * Places diagnostics at their YAML/JSON nodes. Only the error path loads
 * `npm:yaml` (exact node ranges, but slow), so valid plans never pay for it.
 * Its tree costs ~25 bytes of memory per byte of source, so past a budget
 * a file is placed by a text scan instead (`coarse_position.ts`), and its
 * messages name the path.
 * @module
 */

import { type CoarseLocator, coarseLocator } from "./coarse_position.ts";
import type { Diagnostic, DocPath } from "../diagnostic.ts";
import { fieldPath } from "../issues.ts";

/**
 * Characters of source parsed again for exact positions, across files: a
 * 10 MB plan with errors is placed exactly (~300 MB peak); larger ones
 * are placed coarsely rather than exhausting memory.
 */
export const POSITION_BUDGET = 12_000_000;

/** Source text of each file that diagnostics may point into. */
export type Sources = ReadonlyMap<string, string>;

/**
 * Fills `line`, `col` and `sourceLine` of every diagnostic that has a `path`
 * (and of `related` places, into the message).
 *
 * @example
 * ```ts
 * import { locate } from "./positions.ts";
 * const [d] = await locate(
 *   [{ file: "a.yml", path: ["tasks", 0, "id"], message: "Bad id" }],
 *   new Map([["a.yml", "tasks:\n  - id: 1x\n"]]),
 * );
 * [d!.line, d!.col]; // [2, 9]
 * ```
 */
export async function locate(
  diagnostics: Diagnostic[],
  sources: Sources,
): Promise<Diagnostic[]> {
  const { LineCounter, parseDocument, isMap, isNode } = await import("yaml");
  const docs = new Map<
    string,
    {
      doc: ReturnType<typeof parseDocument>;
      lc: InstanceType<typeof LineCounter>;
    }
  >();
  let budget = POSITION_BUDGET;
  const coarse = new Map<string, CoarseLocator>();
  const coarseFor = (file: string) => {
    if (!coarse.has(file) && !docs.has(file)) {
      const source = sources.get(file);
      if (source === undefined || source.length <= budget) return undefined;
      coarse.set(file, coarseLocator(source));
    }
    return coarse.get(file);
  };
  const docFor = (file: string) => {
    if (!docs.has(file)) {
      const source = sources.get(file);
      if (source === undefined || coarseFor(file)) return undefined;
      budget -= source.length;
      const lc = new LineCounter();
      try {
        docs.set(file, {
          doc: parseDocument(source, { lineCounter: lc, uniqueKeys: false }),
          lc,
        });
      } catch {
        return undefined; // Too deep for the position parser: fall back to line 1.
      }
    }
    return docs.get(file);
  };
  const position = (file: string, path: DocPath, atKey: boolean) => {
    const rough = coarseFor(file);
    if (rough) return rough.position(path);
    const entry = docFor(file);
    if (!entry) return undefined;
    const { doc, lc } = entry;
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      if (atKey && n === path.length && n > 0) {
        const parent = prefix.length === 1
          ? doc.contents
          : doc.getIn(prefix.slice(0, -1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((p) =>
            isNode(p.key) && String(p.key.toJSON()) === String(path[n - 1])
          );
          if (pair && isNode(pair.key) && pair.key.range) {
            return lc.linePos(pair.key.range[0]);
          }
        }
        continue;
      }
      const node = n === 0 ? doc.contents : doc.getIn(prefix, true);
      if (isNode(node) && node.range) return lc.linePos(node.range[0]);
    }
    return undefined;
  };
  const starts = new Map<string, number[]>();
  const lineStarts = (file: string, source: string) => {
    let list = starts.get(file);
    if (!list) {
      list = [0];
      for (
        let i = source.indexOf("\n");
        i >= 0;
        i = source.indexOf("\n", i + 1)
      ) {
        list.push(i + 1);
      }
      starts.set(file, list);
    }
    return list;
  };
  return diagnostics.map((d) => {
    const out: Diagnostic = { ...d };
    if (d.path && d.line === undefined) {
      const pos = position(d.file, d.path, d.atKey ?? false);
      if (pos) {
        out.line = pos.line;
        out.col = pos.col;
      }
      const where = fieldPath(d.path);
      if (coarse.has(d.file) && where !== "" && !d.message.startsWith(where)) {
        out.message += ` (at ${where})`;
      }
    }
    if (d.related) {
      const { file, path, label } = d.related;
      const pos = position(file, path, false);
      out.message += pos || !coarse.has(file)
        ? ` (${label} ${file}:${pos?.line ?? 1}:${pos?.col ?? 1})`
        : ` (${label} ${file} at ${fieldPath(path)})`;
    }
    const source = sources.get(d.file);
    if (source !== undefined && out.line !== undefined) {
      out.sourceLine = lineOf(source, lineStarts(d.file, source), out.line);
    }
    return out;
  });
}

function lineOf(source: string, starts: number[], line: number): string {
  const start = starts[line - 1];
  if (start === undefined) return "";
  const end = source.indexOf("\n", start);
  return source.slice(start, end < 0 ? undefined : end).replace(/\r$/, "");
}

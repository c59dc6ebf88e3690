/**
 * Where a document path probably is, found by scanning the text for its
 * last key: the fallback of `positions.ts` for sources too large to parse
 * again with node ranges. Linear in the source, no tree built.
 * @module
 */

import type { DocPath } from "../diagnostic.ts";
import { lineCol } from "./source_text.ts";

/** Distinct keys scanned for in one source, at most; later ones get no position. */
export const MAX_SCANS = 32;

/** A coarse locator over one source: scans are remembered and bounded. */
export interface CoarseLocator {
  /** 1-based line and column of the key that `path` ends at (or whose value it names), when that key is written once. */
  position(path: DocPath): { line: number; col: number } | undefined;
}

/**
 * A locator for `source` that places a path at the only place its last key
 * is written (`undefined` when the key is written never or more than once).
 *
 * @example
 * ```ts
 * import { coarseLocator } from "./coarse_position.ts";
 * const at = coarseLocator("tasks:\n  - id: A\n    titel: a\n");
 * at.position(["tasks", 0, "titel"]); // { line: 3, col: 5 }
 * at.position(["tasks", 0]); // { line: 1, col: 1 }
 * ```
 */
export function coarseLocator(source: string): CoarseLocator {
  const found = new Map<string, number | undefined>();
  const offsetOf = (key: string): number | undefined => {
    if (found.has(key)) return found.get(key);
    if (found.size >= MAX_SCANS) return undefined;
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // A key starts a line (after indentation and list dashes) or follows
    // "{" or "," in flow style and JSON; quoted or not; then ":".
    const pattern = new RegExp(
      `(?:^[ \\t]*(?:-[ \\t]+)*|[{,][ \\t]*)(["']?)${escaped}\\1[ \\t]*:`,
      "dgm",
    );
    let offset: number | undefined;
    let count = 0;
    for (const m of source.matchAll(pattern)) {
      if (++count > 1) break;
      offset = m.indices![1]![0]; // where the key (or its quote) starts
    }
    const unique = count === 1 ? offset : undefined;
    found.set(key, unique);
    return unique;
  };
  return {
    position(path) {
      const key = path.findLast((step) => typeof step === "string");
      if (key === undefined) return { line: 1, col: 1 };
      const offset = offsetOf(key);
      if (offset === undefined) return undefined;
      const [line, col] = lineCol(source, offset);
      return { line, col };
    },
  };
}

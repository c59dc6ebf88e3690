/**
 * Answers a query from the index: symbols first, then files, each ranked
 * exact > prefix > substring > fuzzy (the letters in order), then by
 * case, by shorter name, and by path and line, so the same index always
 * gives the same answer.
 * @module
 */

import type { RepoIndex } from "./repo_index.ts";
import type { SymbolKind } from "./symbols.ts";

/** How well a name matches: lower is better. */
export type MatchTier = "exact" | "prefix" | "substring" | "fuzzy";

const TIERS: readonly MatchTier[] = ["exact", "prefix", "substring", "fuzzy"];

/** A symbol found. */
export interface SymbolHit {
  name: string;
  kind: SymbolKind;
  path: string;
  line: number;
  container?: string;
  match: MatchTier;
}

/** A file found (by its path or its file name). */
export interface FileHit {
  path: string;
  language: string;
  match: MatchTier;
}

/** The answer to a query. */
export interface SearchResult {
  query: string;
  symbols: SymbolHit[];
  files: FileHit[];
}

/**
 * How `name` matches `query`, with a rank inside the tier (0 when the case
 * matches too), or `null`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchName } from "./search.ts";
 * assert.deepEqual(matchName("parseArgs", "parseArgs"), { tier: 0, caseRank: 0 });
 * assert.deepEqual(matchName("parse", "parseArgs"), { tier: 1, caseRank: 0 });
 * assert.deepEqual(matchName("args", "parseArgs"), { tier: 2, caseRank: 1 });
 * assert.deepEqual(matchName("prsa", "parseArgs"), { tier: 3, caseRank: 1 });
 * assert.equal(matchName("zz", "parseArgs"), null);
 * ```
 */
export function matchName(
  query: string,
  name: string,
): { tier: number; caseRank: number } | null {
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let tier: number;
  let exactCase: boolean;
  if (n === q) {
    tier = 0;
    exactCase = name === query;
  } else if (n.startsWith(q)) {
    tier = 1;
    exactCase = name.startsWith(query);
  } else if (n.includes(q)) {
    tier = 2;
    exactCase = name.includes(query);
  } else if (subsequence(q, n)) {
    tier = 3;
    exactCase = false;
  } else return null;
  return { tier, caseRank: exactCase ? 0 : 1 };
}

function subsequence(query: string, name: string): boolean {
  let at = 0;
  for (const c of query) {
    at = name.indexOf(c, at);
    if (at < 0) return false;
    at++;
  }
  return query.length > 0;
}

/**
 * Searches the index for `query`.
 *
 * @param index The repository's index.
 * @param query A name or part of one (`AppErr`, `parse_args`, `cli/run.ts`).
 * @param limit The most symbols and the most files returned.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { searchIndex } from "./search.ts";
 * const index = {
 *   version: 2, notes: [], identifiers: {},
 *   files: {
 *     "src/error.rs": { language: "rust", size: 1, mtime_ms: 0, hash: "h", symbols: [
 *       { name: "AppErrorKind", kind: "enum" as const, line: 9 },
 *       { name: "AppError", kind: "struct" as const, line: 3 },
 *     ] },
 *   },
 * };
 * const r = searchIndex(index, "AppError", 10);
 * assert.deepEqual(r.symbols.map((s) => s.name), ["AppError", "AppErrorKind"]);
 * assert.deepEqual(searchIndex(index, "error", 10).files.map((f) => f.path), ["src/error.rs"]);
 * ```
 */
export function searchIndex(
  index: RepoIndex,
  query: string,
  limit: number,
): SearchResult {
  const symbols: (SymbolHit & { rank: number[] })[] = [];
  const files: (FileHit & { rank: number[] })[] = [];
  const pathQuery = query.includes("/");
  for (const path of Object.keys(index.files)) {
    const file = index.files[path]!;
    for (const symbol of file.symbols) {
      const m = matchName(query, symbol.name);
      if (m === null) continue;
      symbols.push({
        ...symbol,
        path,
        match: TIERS[m.tier]!,
        rank: [m.tier, m.caseRank, symbol.name.length],
      });
    }
    const name = path.slice(path.lastIndexOf("/") + 1);
    const stem = name.replace(/\.[^.]*$/, "");
    // A file matches by its name, its name without extension, or (for a query with `/`) its path.
    const m = [matchName(query, stem), matchName(query, name)]
      .concat(pathQuery ? [matchName(query, path)] : [])
      .filter((x) => x !== null)
      .sort((a, b) => a.tier - b.tier || a.caseRank - b.caseRank)[0];
    if (m === undefined) continue;
    files.push({
      path,
      language: file.language,
      match: TIERS[m.tier]!,
      rank: [m.tier, m.caseRank, path.length],
    });
  }
  const byRank = <T extends { rank: number[]; path: string }>(
    extra: (a: T, b: T) => number,
  ) =>
  (a: T, b: T) => {
    for (let i = 0; i < a.rank.length; i++) {
      const d = a.rank[i]! - b.rank[i]!;
      if (d !== 0) return d;
    }
    return (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) || extra(a, b);
  };
  symbols.sort(byRank((a, b) => a.line - b.line));
  files.sort(byRank(() => 0));
  return {
    query,
    symbols: symbols.slice(0, limit).map(({ rank: _, ...hit }) => hit),
    files: files.slice(0, limit).map(({ rank: _, ...hit }) => hit),
  };
}

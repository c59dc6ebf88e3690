/**
 * The existing code most relevant to a task, found through the index:
 * files declaring the identifiers its text names, then files inside or
 * beside its `paths` hints; ranked by score, then path.
 * @module
 */

import picomatch from "picomatch";
import type { RepoIndex } from "../index/repo_index.ts";
import type { IndexSymbol } from "../index/symbols.ts";

/** A file worth reading before the task, with why. */
export interface RelevantFile {
  path: string;
  language: string;
  /** Higher is more relevant: 100 a named symbol, 70 one named in another case, 60 inside a hint, 30 beside one. */
  score: number;
  reasons: string[];
  /** The symbols named by the task first, then the file's others, in line order. */
  symbols: IndexSymbol[];
  /** Names from the task that this file declares. */
  named: string[];
}

const WORD = /[A-Za-z_][A-Za-z0-9_]{2,}/g;

/**
 * Ranks the indexed files for a task.
 *
 * @param index The repository's index.
 * @param text The task's words (title, description, shards, checks).
 * @param hints The task's `paths` (preferred) hints.
 * @returns Every relevant file, best first (trimming is the caller's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relevantFiles } from "./relevant_code.ts";
 * const index = {
 *   version: 1, notes: [],
 *   files: {
 *     "src/a.rs": { language: "rust", size: 1, mtime_ms: 0, hash: "h", symbols: [{ name: "AppError", kind: "enum" as const, line: 2 }] },
 *     "src/b.rs": { language: "rust", size: 1, mtime_ms: 0, hash: "h", symbols: [] },
 *   },
 *   identifiers: { AppError: ["src/a.rs"] },
 * };
 * const ranked = relevantFiles(index, "Map AppError to exit codes", ["src/b.rs"]);
 * assert.deepEqual(ranked.map((f) => [f.path, f.score]), [["src/a.rs", 100], ["src/b.rs", 60]]);
 * ```
 */
export function relevantFiles(
  index: RepoIndex,
  text: string,
  hints: readonly string[],
): RelevantFile[] {
  const found = new Map<string, RelevantFile>();
  const touch = (path: string, score: number, reason: string) => {
    const file = index.files[path];
    if (!file) return null;
    let entry = found.get(path);
    if (!entry) {
      entry = {
        path,
        language: file.language,
        score: 0,
        reasons: [],
        symbols: [],
        named: [],
      };
      found.set(path, entry);
    }
    entry.score = Math.max(entry.score, score);
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    return entry;
  };
  const words = [...new Set(text.match(WORD) ?? [])];
  let lower: Map<string, string[]> | null = null;
  for (const word of words) {
    let names = Object.hasOwn(index.identifiers, word) ? [word] : [];
    let score = 100;
    if (names.length === 0 && word.length >= 4) {
      lower ??= lowerCaseNames(index);
      names = lower.get(word.toLowerCase()) ?? [];
      score = 70;
    }
    for (const name of names) {
      for (const path of index.identifiers[name]!) {
        const entry = touch(path, score, `declares ${name}`);
        if (entry && !entry.named.includes(name)) entry.named.push(name);
      }
    }
  }
  const paths = Object.keys(index.files);
  for (const hint of hints) {
    const clean = hint.replace(/^\.\//, "").replace(/\/+$/, "");
    const glob = /[*?[\]{}]/.test(clean)
      ? picomatch(clean, { dot: true })
      : null;
    const folder = clean.includes("/")
      ? clean.slice(0, clean.lastIndexOf("/"))
      : "";
    for (const path of paths) {
      if (glob ? glob(path) : path === clean || path.startsWith(`${clean}/`)) {
        touch(path, 60, `in ${hint}`);
      } else if (!glob && dirOf(path) === folder) {
        touch(path, 30, `beside ${hint}`);
      }
    }
  }
  for (const entry of found.values()) {
    const all = index.files[entry.path]!.symbols;
    const named = all.filter((s) => entry.named.includes(s.name));
    entry.symbols = [...named, ...all.filter((s) => !named.includes(s))];
    entry.named.sort();
  }
  return [...found.values()].sort((a, b) =>
    b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function lowerCaseNames(index: RepoIndex): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const name of Object.keys(index.identifiers)) {
    const key = name.toLowerCase();
    const list = map.get(key);
    if (list) list.push(name);
    else map.set(key, [name]);
  }
  return map;
}

/**
 * The existing code most relevant to a task, found through the index and
 * ranked by what the ticket means: symbols the ticket names as code weigh
 * more than symbols matching its plain words, rare names (declared in few
 * files) more than common ones (inverse document frequency), the lines
 * holding text it quotes, the task's preferred paths and their
 * neighbours; then, from the best symbols, the code that uses them
 * (callers, through each file's reference list) and the tests that
 * exercise them. Files under a forbidden path are never offered.
 * @module
 */

import picomatch from "picomatch";
import type { RepoIndex } from "../index/repo_index.ts";
import type { IndexSymbol } from "../index/symbols.ts";
import type { TextHit } from "../index/text_search.ts";
import { forbiddenFiles } from "../agent/patch.ts";
import { isCommonWord, ticketTerms } from "./ticket_terms.ts";
import { firstUse } from "./excerpts.ts";

/** Something in a file to show: a symbol's body, or a line and its context. */
export interface Focus {
  /** The symbol to show (its declaration line), when known from the index. */
  symbol?: IndexSymbol;
  /** A line to show (a quoted text's), when known. */
  line?: number;
  /** A name whose use in this file is shown (callers, tests). */
  uses?: string;
  why: string;
  weight: number;
}

/** A file worth reading before the task, with why. */
export interface RelevantFile {
  path: string;
  language: string;
  /** Higher is more relevant (a sum of weighted reasons, rounded). */
  score: number;
  reasons: string[];
  /** The symbols the task names first, then the file's others, in line order. */
  symbols: IndexSymbol[];
  /** Names from the task that this file declares. */
  named: string[];
  /** What to show of it, best first. */
  focus: Focus[];
  /** Whether it is a test file. */
  test: boolean;
}

/** Options of {@link relevantFiles}. */
export interface RelevantOptions {
  /** Paths (folders, files, globs) never offered. */
  forbidden?: readonly string[];
  /** Lines holding the ticket's quoted texts, per text searched. */
  textHits?: ReadonlyMap<string, readonly TextHit[]>;
  /** A file's text, to tell a call from a bare import (else every use counts). */
  read?: (path: string) => string | null;
}

/** Files below this share of the best score are left out (noise). */
const CUTOFF = 0.12;
/** Seeds whose callers are looked up. */
const SEEDS_FOLLOWED = 8;
/** Tests found per chosen file at most, through its names or its module's. */
const TESTS_PER_FILE = 3;
/** A name used by more files than this is too common to follow. */
const MAX_USERS = 12;

const TEST_PATH =
  /(?:^|\/)(?:tests?|spec|__tests__)\/|(?:^|\/)test_[^/]*\.py$|_test\.[a-z]+$|\.(?:test|spec)\.[a-z]+$/;

/**
 * Whether `path` is a test file by the usual layouts.
 *
 * @example
 * ```ts
 * import { isTestPath } from "./relevant_code.ts";
 * isTestPath("tests/test_cli.py"); // true
 * isTestPath("src/cli.py"); // false
 * ```
 */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/**
 * Ranks the indexed files for a task.
 *
 * @param index The repository's index.
 * @param text The task's words (title, description, shards, checks).
 * @param hints The task's `paths` (preferred) hints.
 * @param options Forbidden paths, and the lines found for quoted texts.
 * @returns The relevant files, best first (trimming to a budget is the caller's).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { relevantFiles } from "./relevant_code.ts";
 * const file = (symbols: { name: string; kind: "function"; line: number }[], uses: string[]) =>
 *   ({ language: "python", size: 1, mtime_ms: 0, hash: "h", symbols, uses });
 * const index = {
 *   version: 2, notes: [],
 *   files: {
 *     "src/wrap.py": file([{ name: "wrap_text", kind: "function", line: 1 }], ["wrap_text"]),
 *     "src/commands.py": file([{ name: "run_wrap", kind: "function", line: 3 }], ["run_wrap", "wrap_text"]),
 *     "examples/demo.py": file([], ["wrap_text"]),
 *   },
 *   identifiers: { wrap_text: ["src/wrap.py"], run_wrap: ["src/commands.py"] },
 * };
 * const ranked = relevantFiles(index, "`wrap_text` ignores the width", [], { forbidden: ["examples/"] });
 * assert.deepEqual(ranked.map((f) => f.path), ["src/wrap.py", "src/commands.py"]);
 * assert.deepEqual(ranked[1]!.reasons, ["uses wrap_text"]);
 * ```
 */
export function relevantFiles(
  index: RepoIndex,
  text: string,
  hints: readonly string[],
  options: RelevantOptions = {},
): RelevantFile[] {
  // One pass over the paths: the globs are compiled once.
  const banned = new Set(
    forbiddenFiles(Object.keys(index.files), options.forbidden ?? []),
  );
  const allowed = (path: string) => !banned.has(path);
  const paths = Object.keys(index.files).filter(allowed);
  const codeFiles = paths.filter((p) => index.files[p]!.symbols.length > 0);
  const total = Math.max(1, codeFiles.length);
  const idf = (df: number) => Math.log(1 + total / Math.max(1, df));
  const found = new Map<
    string,
    RelevantFile & { byReason: Map<string, number> }
  >();
  const touch = (path: string, reason: string, weight: number) => {
    const file = index.files[path];
    if (!file || !allowed(path)) return null;
    let entry = found.get(path);
    if (!entry) {
      entry = {
        path,
        language: file.language,
        score: 0,
        reasons: [],
        symbols: [],
        named: [],
        focus: [],
        test: isTestPath(path),
        byReason: new Map(),
      };
      found.set(path, entry);
    }
    // The same reason counts once, at its best weight.
    entry.byReason.set(
      reason,
      Math.max(entry.byReason.get(reason) ?? 0, weight),
    );
    return entry;
  };
  const addFocus = (entry: RelevantFile, focus: Focus) => {
    const same = entry.focus.find((f) =>
      f.symbol === focus.symbol && f.line === focus.line &&
      f.uses === focus.uses
    );
    if (same) same.weight = Math.max(same.weight, focus.weight);
    else entry.focus.push(focus);
  };
  const declaring = (name: string) =>
    (Object.hasOwn(index.identifiers, name) ? index.identifiers[name]! : [])
      .filter(allowed);
  /** Symbols the ticket points at, with how surely. */
  const seeds: { path: string; symbol: IndexSymbol; weight: number }[] = [];
  const seed = (path: string, name: string, weight: number, why: string) => {
    const entry = touch(path, why, weight);
    if (!entry) return;
    if (!entry.named.includes(name)) entry.named.push(name);
    const symbols = index.files[path]!.symbols;
    // `Buffer.flush_pending`: the method is shown, not all of `Buffer`.
    const qualifier = qualifiers.has(name) &&
      symbols.some((s) => s.container === name && members.has(s.name));
    if (qualifier) return;
    for (const symbol of symbols) {
      if (symbol.name !== name) continue;
      addFocus(entry, { symbol, why, weight });
      seeds.push({ path, symbol, weight });
    }
  };

  /** Names with `word` as one part of them (`level` in `parse_level`), weakly. */
  const partMatch = (word: string) => {
    const singular = word.endsWith("s") ? word.slice(0, -1) : word;
    for (const name of parts().get(singular) ?? []) {
      const lowerName = name.toLowerCase();
      if (lowerName === word || lowerName === singular) continue;
      const files = declaring(name);
      for (const path of files) {
        seed(path, name, 1.5 * idf(files.length), `declares ${name}`);
      }
    }
  };
  const terms = ticketTerms(text);
  const qualifiers = new Set(terms.qualifiers);
  const members = new Set(
    terms.identifiers.filter((i) => !qualifiers.has(i)),
  );
  let lower: Map<string, string[]> | null = null;
  const lowerNames = () => lower ??= lowerCaseNames(index);
  let partsMap: Map<string, string[]> | null = null;
  const parts = () => partsMap ??= nameParts(lowerNames());
  for (const identifier of terms.identifiers) {
    let names = declaring(identifier).length > 0 ? [identifier] : [];
    let surety = 10;
    if (names.length === 0 && identifier.length >= 4) {
      names = lowerNames().get(identifier.toLowerCase()) ?? [];
      surety = 7;
    }
    for (const name of names) {
      const files = declaring(name);
      for (const path of files) {
        seed(path, name, surety * idf(files.length), `declares ${name}`);
      }
    }
    if (declaring(identifier).length === 0) {
      partMatch(identifier.toLowerCase());
    }
  }
  // Plain words: only a symbol named exactly so, weakly; never a common word.
  for (const word of terms.words) {
    if (isCommonWord(word)) continue;
    const singular = word.endsWith("s") ? word.slice(0, -1) : word;
    // `level` finds `level` and `Level`, never the constant `LEVEL`.
    const forms = (w: string) => [w, w[0]!.toUpperCase() + w.slice(1)];
    const exact = [...forms(word), ...forms(singular)].filter((n) =>
      declaring(n).length > 0
    );
    for (const name of new Set(exact)) {
      const files = declaring(name);
      for (const path of files) {
        seed(path, name, 4 * idf(files.length), `declares ${name}`);
      }
    }
  }
  // Quoted text and options: the lines holding them, and the symbol around.
  for (const [query, hits] of options.textHits ?? []) {
    const files = new Set(hits.map((h) => h.path).filter(allowed));
    const base = 8 * idf(files.size);
    for (const hit of hits) {
      const why = `contains "${query}"`;
      // Prose (a changelog, docs) mentioning it is weaker evidence than code.
      const code = index.files[hit.path]!.symbols.length > 0;
      const weight = code ? base : base * 0.4;
      const entry = touch(hit.path, why, weight);
      if (!entry) continue;
      addFocus(entry, { line: hit.line, why, weight });
      const around = enclosing(index.files[hit.path]!.symbols, hit.line);
      if (around && !entry.test) {
        seeds.push({ path: hit.path, symbol: around, weight: weight * 0.8 });
      }
    }
  }
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
        touch(path, `in ${hint}`, 40);
      } else if (!glob && dirOf(path) === folder && !isTestPath(path)) {
        touch(path, `beside ${hint}`, 2);
      }
    }
  }
  // Follow the best symbols to the code that uses them, and their tests.
  const users = usersOf(index, paths);
  const followed = new Set<string>();
  seeds.sort((a, b) => b.weight - a.weight);
  for (const s of seeds) {
    if (followed.size >= SEEDS_FOLLOWED) break;
    if (followed.has(s.symbol.name)) continue;
    followed.add(s.symbol.name);
    // A file declaring the name itself holds its own declaration, not a use.
    const declarers = new Set(declaring(s.symbol.name));
    const using = (users.get(s.symbol.name) ?? []).filter((p) =>
      p !== s.path && !declarers.has(p)
    );

    if (using.length === 0 || using.length > MAX_USERS) continue;
    const weight = (s.weight * 0.8) / Math.sqrt(using.length);
    for (const path of using) {
      const test = isTestPath(path);
      // A file that only imports or re-exports the name is no caller.
      const source = options.read?.(path) ?? null;
      const imported = source !== null &&
        firstUse(source.split(/\r?\n/), s.symbol.name, [], true) === 0;
      const why = `${
        test ? "tests" : imported ? "imports" : "uses"
      } ${s.symbol.name}`;
      const w = imported ? weight * 0.25 : weight;
      const entry = touch(path, why, w);
      if (entry) addFocus(entry, { uses: s.symbol.name, why, weight: w });
    }
  }
  // Tests of the chosen code files that name none of its symbols directly
  // (they go through a caller, or import the module by its name).
  const chosen = [...found.values()].filter((f) => !f.test);
  for (const file of chosen) {
    const score = sum(file.byReason);
    const stem = file.path.slice(file.path.lastIndexOf("/") + 1).replace(
      /\.[^.]*$/,
      "",
    );
    const names = index.files[file.path]!.symbols.map((s) => s.name)
      .filter((n) => n.length >= 4 && declaring(n).length === 1);
    if (
      stem.length >= 3 &&
      !["mod", "lib", "main", "index", "__init__"].includes(stem)
    ) {
      names.push(stem);
    }
    // The closest few: a test named after the file first (test_cli.py for
    // cli.py), then in path order; never every test naming a common word.
    const tests: { path: string; name: string }[] = [];
    for (const path of paths) {
      if (!isTestPath(path)) continue;
      const uses = index.files[path]!.uses ?? [];
      const name = names.find((n) => uses.includes(n));
      if (name !== undefined) tests.push({ path, name });
    }
    const named = (p: string) => p.slice(p.lastIndexOf("/") + 1).includes(stem);
    tests.sort((a, b) => Number(named(b.path)) - Number(named(a.path)));
    for (const { path, name } of tests.slice(0, TESTS_PER_FILE)) {
      const why = `tests ${file.path}`;
      const weight = (score - hinted(file.byReason)) * 0.5;
      const entry = touch(path, why, weight);
      if (entry) addFocus(entry, { uses: name, why, weight });
    }
  }
  const out = [...found.values()];
  for (const entry of out) {
    entry.score = Math.round(sum(entry.byReason) * 10) / 10;
    entry.reasons = [...entry.byReason].sort((a, b) => b[1] - a[1]).map(([r]) =>
      r
    );
    const all = index.files[entry.path]!.symbols;
    const named = all.filter((s) => entry.named.includes(s.name));
    entry.symbols = [...named, ...all.filter((s) => !named.includes(s))];
    entry.named.sort();
    entry.focus.sort((a, b) => b.weight - a.weight);
  }
  // Noise is judged against the best evidence, not against a hint's bonus.
  const best = Math.max(0, ...out.map((f) => f.score - hinted(f.byReason)));
  return out.filter((f) => f.score >= best * CUTOFF)
    .sort((a, b) =>
      b.score - a.score || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
    )
    .map(({ byReason: _, ...file }) => file);
}

/** The part of a score that comes from being a preferred path. */
function hinted(reasons: Map<string, number>): number {
  let total = 0;
  for (const [reason, v] of reasons) if (reason.startsWith("in ")) total += v;
  return total;
}

function sum(map: Map<string, number>): number {
  let total = 0;
  for (const v of map.values()) total += v;
  return total;
}

/** The innermost symbol declared at or before `line` (approximate scope). */
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

function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** Per name, the files (allowed) whose code uses it. */
function usersOf(
  index: RepoIndex,
  paths: readonly string[],
): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const path of paths) {
    for (const name of index.files[path]!.uses ?? []) {
      const list = map.get(name);
      if (list) list.push(path);
      else map.set(name, [path]);
    }
  }
  return map;
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

/** Per lower-case part of a declared name (`parse_level` → parse, level), the names. */
function nameParts(
  lower: Map<string, string[]>,
): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const names of lower.values()) {
    for (const name of names) {
      const split = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase()
        .split("_");
      if (split.length < 2) continue;
      for (const part of new Set(split)) {
        if (part.length < 3) continue;
        const list = map.get(part);
        if (list) list.push(name);
        else map.set(part, [name]);
      }
    }
  }
  return map;
}

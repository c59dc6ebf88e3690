/**
 * The public interface of the files a task edits, from the index: each
 * exported name with its declaration line, and one place that uses it.
 * @module
 */

import type { RepoIndex } from "../index/repo_index.ts";
import type { IndexSymbol } from "../index/symbols.ts";
import { firstUse } from "./excerpts.ts";

/** One exported name of a file to edit. */
export interface InterfaceEntry {
  name: string;
  kind: IndexSymbol["kind"];
  line: number;
  /** The declaration's first line, trimmed. */
  signature: string;
  /** `path:line` of one use elsewhere, or null when none is indexed. */
  used_at: string | null;
}

/** Names listed per file at most. */
const PER_FILE = 15;

/** Whether `symbol`, declared on `line`, is part of the file's public interface. */
function exported(
  language: string,
  symbol: IndexSymbol,
  line: string,
): boolean {
  if (symbol.kind === "impl") return false;
  switch (language) {
    case "typescript":
    case "javascript":
      return symbol.container === undefined
        ? /^\s*export\b/.test(line)
        : !/^\s*(?:private|protected|#)/.test(line) &&
          !symbol.name.startsWith("#");
    case "rust":
      return /^\s*pub\b/.test(line);
    case "python":
      return !symbol.name.startsWith("_") || symbol.name === "__init__";
    case "go":
      return /^[A-Z]/.test(symbol.name);
    default:
      return false;
  }
}

/**
 * The exported names of `path` (whose text is `text`) with one use each,
 * found through the index's reference lists; `read` gives another file's
 * text.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { interfaceOf } from "./interfaces.ts";
 * const index = {
 *   version: 2, notes: [], identifiers: {},
 *   files: {
 *     "a.ts": { language: "typescript", size: 1, mtime_ms: 0, hash: "h", symbols: [
 *       { name: "open", kind: "function" as const, line: 1 },
 *       { name: "hidden", kind: "function" as const, line: 2 },
 *     ] },
 *     "b.ts": { language: "typescript", size: 1, mtime_ms: 0, hash: "h", symbols: [], uses: ["open"] },
 *   },
 * };
 * const text = "export function open(p: string): void {}\nfunction hidden() {}\n";
 * const entries = await interfaceOf(index, "a.ts", text, () => Promise.resolve('import { open } from "./a.ts";\nopen("x");\n'), () => true);
 * assert.deepEqual(entries, [{ name: "open", kind: "function", line: 1, signature: "export function open(p: string): void {}", used_at: "b.ts:2" }]);
 * ```
 */
export async function interfaceOf(
  index: RepoIndex,
  path: string,
  text: string,
  read: (path: string) => Promise<string | null>,
  allowed: (path: string) => boolean,
): Promise<InterfaceEntry[]> {
  const file = index.files[path];
  if (!file) return [];
  const lines = text.split(/\r?\n/);
  const out: InterfaceEntry[] = [];
  const users = new Map<string, string[]>();
  for (const other of Object.keys(index.files)) {
    if (other === path || !allowed(other)) continue;
    for (const name of index.files[other]!.uses ?? []) {
      const list = users.get(name);
      if (list) list.push(other);
      else users.set(name, [other]);
    }
  }
  for (const symbol of file.symbols) {
    if (out.length >= PER_FILE) break;
    const line = lines[symbol.line - 1] ?? "";
    if (!exported(file.language, symbol, line)) continue;
    let usedAt: string | null = null;
    for (const user of (users.get(symbol.name) ?? []).slice(0, 3)) {
      const source = await read(user);
      const at = source === null
        ? 0
        : firstUse(source.split(/\r?\n/), symbol.name, []);
      if (at > 0) {
        usedAt = `${user}:${at}`;
        break;
      }
    }
    out.push({
      name: symbol.name,
      kind: symbol.kind,
      line: symbol.line,
      signature: line.trim().slice(0, 160),
      used_at: usedAt,
    });
  }
  return out;
}

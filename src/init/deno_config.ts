/**
 * The import map entry that makes `import ... from "orchestrate"` resolve
 * to the project's DSL copy for `deno check` and editors: added to the
 * project's `deno.json` (or `deno.jsonc`) as text, so the user's comments,
 * order and layout stay as they were.
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import { parseJsonc, scanJsonc } from "../text/jsonc.ts";

/** What {@link addImport} decided. */
export type ImportChange =
  /** The new text of the file (or of a new `deno.json` when there was none). */
  | { kind: "write"; text: string }
  /** The specifier is mapped already: to `target`, or to something else (`current`). */
  | { kind: "unchanged"; current: string }
  /** Why the file cannot be changed safely: the user adds the entry. */
  | { kind: "refused"; reason: string };

/**
 * The config text with `"specifier": "target"` in its `imports`, its
 * `imports` created when missing. `text` is `undefined` for a file that
 * does not exist yet.
 *
 * @param text The `deno.json`/`deno.jsonc` text, or `undefined`.
 * @param specifier The bare specifier, e.g. `orchestrate`.
 * @param target What it maps to, e.g. `./.codex/orchestrate.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { addImport } from "./deno_config.ts";
 * const r = addImport('{\n  // tasks\n  "tasks": {}\n}\n', "orchestrate", "./o.ts");
 * assert.equal(r.kind === "write" && r.text, '{\n  "imports": {\n    "orchestrate": "./o.ts"\n  },\n  // tasks\n  "tasks": {}\n}\n');
 * ```
 */
export function addImport(
  text: string | undefined,
  specifier: string,
  target: string,
): ImportChange {
  const entry = `${JSON.stringify(specifier)}: ${JSON.stringify(target)}`;
  if (text === undefined) {
    return { kind: "write", text: `{\n  "imports": {\n    ${entry}\n  }\n}\n` };
  }
  let config: unknown;
  try {
    config = parseJsonc(text);
  } catch (e) {
    return {
      kind: "refused",
      reason: `it is not valid JSON (${(e as Error).message})`,
    };
  }
  if (!isObject(config)) {
    return { kind: "refused", reason: "it is not an object" };
  }
  if (config.importMap !== undefined) {
    return {
      kind: "refused",
      reason: `its imports come from the import map ${
        JSON.stringify(config.importMap)
      }: add ${entry} there`,
    };
  }
  const imports = config.imports;
  if (imports !== undefined && !isObject(imports)) {
    return { kind: "refused", reason: `its "imports" is not an object` };
  }
  const current = imports?.[specifier];
  if (typeof current === "string") return { kind: "unchanged", current };
  if (current !== undefined) {
    return {
      kind: "refused",
      reason: `its "imports" maps ${JSON.stringify(specifier)} to a non-string`,
    };
  }
  const tokens = scan(text);
  const top = tokens.find((t) => t.depth === 0 && t.char === "{");
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  let merged: string | undefined;
  if (top !== undefined && imports === undefined) {
    const empty = tokens[tokens.indexOf(top) + 1]?.char === "}";
    merged = insertAt(
      text,
      top.at + 1,
      `\n${indent}"imports": {\n${indent}${indent}${entry}\n${indent}}${
        empty ? "\n" : ","
      }`,
    );
  } else if (top !== undefined) {
    // The top-level "imports" key, then its value's `{`.
    const key = tokens.findIndex((t) => t.depth === 1 && t.key === "imports");
    const open = key < 0 ? undefined : tokens[key + 1];
    if (open?.char === "{") {
      const empty = tokens[tokens.indexOf(open) + 1]?.char === "}";
      merged = insertAt(
        text,
        open.at + 1,
        `\n${indent}${indent}${entry}${empty ? `\n${indent}` : ","}`,
      );
    }
  }
  // The edit is kept only when it means exactly the old config plus the entry.
  const expected = {
    ...config,
    imports: { ...(imports ?? {}), [specifier]: target },
  };
  if (merged !== undefined && means(merged, expected)) {
    return { kind: "write", text: merged };
  }
  return { kind: "refused", reason: "orchestrate cannot edit it safely" };
}

function means(text: string, expected: unknown): boolean {
  try {
    return isDeepStrictEqual(parseJsonc(text), expected);
  } catch {
    return false;
  }
}

function insertAt(text: string, at: number, insert: string): string {
  return text.slice(0, at) + insert + text.slice(at);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

interface Token {
  /** Offset in the text. */
  at: number;
  /** `{`, `}`, `[`, `]`, or `"` for a string. */
  char: string;
  /** Nesting depth before this token. */
  depth: number;
  /** A string followed by `:`: the key's text. */
  key?: string;
}

/** Brackets and keys of JSONC text, outside strings and comments. */
function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let depth = 0;
  scanJsonc(text, (at, end) => {
    const token: Token = { at, char: '"', depth };
    if (/^\s*:/.test(text.slice(end, end + 63))) {
      token.key = JSON.parse(text.slice(at, end));
    }
    tokens.push(token);
  }, (at) => {
    const c = text[at]!;
    if (c === "}" || c === "]") depth--;
    if ("{}[]".includes(c)) tokens.push({ at, char: c, depth });
    if (c === "{" || c === "[") depth++;
  });
  return tokens;
}

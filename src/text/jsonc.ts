/**
 * JSON with comments and trailing commas, as `deno.jsonc` (and `deno.json`)
 * may be written.
 * @module
 */

/**
 * Parses JSONC: `//` and `/* *\/` comments and trailing commas are allowed.
 *
 * @param text The file's text.
 * @returns The value.
 * @throws {SyntaxError} When the text is not JSON once comments and trailing commas are removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJsonc } from "./jsonc.ts";
 * const text = '{\n  // tasks\n  "tasks": { "test": "deno test // a,}", },\n}';
 * assert.deepEqual(parseJsonc(text), { tasks: { test: "deno test // a,}" } });
 * ```
 */
export function parseJsonc(text: string): unknown {
  let out = "";
  scanJsonc(
    text,
    (at, end) => out += text.slice(at, end), // a string, copied whole (escapes included)
    (at) => {
      const c = text[at]!;
      // A trailing comma: the text before a closing bracket ends in one.
      if (c === "}" || c === "]") out = out.replace(/,\s*$/, "");
      out += c;
    },
  );
  return JSON.parse(out);
}

/**
 * Walks JSONC text in order, skipping `//` and `/* *\/` comments: each
 * string (quotes and escapes included) goes to `onString` with its start
 * and end offsets, each other character to `onChar` with its offset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanJsonc } from "./jsonc.ts";
 * const seen: string[] = [];
 * const text = '{"a": 1} // b, c';
 * scanJsonc(text, (at, end) => seen.push(text.slice(at, end)), (at) => {
 *   if (text[at] !== " ") seen.push(text[at]!);
 * });
 * assert.deepEqual(seen, ["{", '"a"', ":", "1", "}"]);
 * ```
 */
export function scanJsonc(
  text: string,
  onString: (at: number, end: number) => void,
  onChar: (at: number) => void,
): void {
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      onString(i, j + 1);
      i = j + 1;
    } else if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      onChar(i);
      i++;
    }
  }
}

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
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') { // a string, copied whole (escapes included)
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (text.startsWith("//", i)) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      i = end === -1 ? text.length : end + 2;
    } else {
      // A trailing comma: the text before a closing bracket ends in one.
      if (c === "}" || c === "]") out = out.replace(/,\s*$/, "");
      out += c;
      i++;
    }
  }
  return JSON.parse(out);
}

/**
 * Copies a vendored JavaScript module with every non-ASCII character written
 * as its `\uXXXX` escape (see src/plan/vendor/README.md: an all-ASCII
 * module loads faster). Usage:
 *   deno run -A scripts/vendor_ascii.ts FROM TO
 * @module
 */

/**
 * `text` with each UTF-16 code unit above U+007F written as `\uXXXX`: the
 * same program wherever those characters stand in string or regular
 * expression literals, identifiers or comments (not in a raw template).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { asciiEscaped } from "./vendor_ascii.ts";
 * assert.equal(asciiEscaped('replace(/\\t/g, "\u2192")'), 'replace(/\\t/g, "\\u2192")');
 * ```
 */
export function asciiEscaped(text: string): string {
  return text.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

if (import.meta.main) {
  const [from, to] = Deno.args;
  if (!from || !to) throw new Error("usage: vendor_ascii.ts FROM TO");
  await Deno.writeTextFile(to, asciiEscaped(await Deno.readTextFile(from)));
}

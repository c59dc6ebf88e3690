/**
 * Duplicate keys in JSON: `JSON.parse` keeps the last silently, so a plan
 * that sets `"run"` twice would run a command its reader never saw. YAML
 * plans refuse them; JSON plans do too, with this one linear scan.
 * @module
 */

/** A key repeated in one object of a JSON document. */
export interface DuplicateKey {
  /** Character offset of the repeated key's opening quote. */
  offset: number;
  /** The key, decoded. */
  key: string;
}

interface Frame {
  /** Keys seen so far; `undefined` for an array. */
  keys: Set<string> | undefined;
  /** The next string of this object is a key. */
  expectKey: boolean;
}

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c;
const OPEN_OBJECT = 0x7b, CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b, CLOSE_ARRAY = 0x5d;

/**
 * The first key that repeats within one object of `source`, which must be
 * valid JSON (run it after `JSON.parse` succeeded), or `undefined`.
 *
 * @example
 * ```ts
 * import { duplicateKey } from "./json_duplicates.ts";
 * duplicateKey('{"a": 1, "b": {"a": 2}}'); // undefined
 * duplicateKey('{"a": 1, "a": 2}'); // { offset: 9, key: "a" }
 * ```
 */
export function duplicateKey(source: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(source, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const raw = source.slice(i + 1, end);
        const key = raw.includes("\\") ? JSON.parse(`"${raw}"`) as string : raw;
        if (top.keys.has(key)) return { offset: i, key };
        top.keys.add(key);
        top.expectKey = false;
      }
      i = end;
    } else if (c === OPEN_OBJECT) {
      stack.push({ keys: new Set(), expectKey: true });
    } else if (c === OPEN_ARRAY) {
      stack.push({ keys: undefined, expectKey: false });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
  return undefined;
}

/** Offset of the quote that closes the string opened at `open`. */
function closingQuote(source: string, open: number): number {
  let at = open + 1;
  for (;;) {
    at = source.indexOf('"', at);
    if (at < 0) return source.length;
    let backslashes = 0;
    while (source.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
    at++;
  }
}

/**
 * Strict JSON plans: nesting limited before parsing, syntax errors located
 * at the offending character (V8's messages do not always say where),
 * duplicate keys refused as YAML plans refuse them.
 * @module
 */

import type { Result } from "../diagnostic.ts";
import { duplicateKey } from "./json_duplicates.ts";
import { jsonSyntaxError } from "./json_syntax.ts";
import { failAt, MAX_DEPTH, TOO_DEEP } from "./source_text.ts";

/**
 * Parses strict JSON (no comments, no trailing commas, no key twice in one
 * object) into plain data.
 *
 * @example
 * ```ts
 * import { parseJson } from "./parse_json.ts";
 * parseJson('{"version": 1}', "plan.json"); // { ok: true, value: { version: 1 } }
 * parseJson('{"version": 1,}', "plan.json").ok; // false
 * ```
 */
export function parseJson(source: string, file: string): Result<unknown> {
  const deep = tooDeepAt(source, MAX_DEPTH);
  if (deep !== undefined) {
    return failAt(
      source,
      file,
      deep,
      TOO_DEEP,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    const located = jsonSyntaxError(source);
    if (located) {
      return failAt(
        source,
        file,
        located.offset,
        `Invalid JSON: ${located.message}`,
      );
    }
    const message = (e as Error).message.split("\n")[0]!;
    const position = /at position (\d+)/.exec(message);
    return failAt(
      source,
      file,
      position ? Number(position[1]) : source.length,
      `Invalid JSON: ${message.replace(/ in JSON at position.*$/, "")}`,
    );
  }
  const duplicate = duplicateKey(source);
  if (duplicate) {
    return failAt(
      source,
      file,
      duplicate.offset,
      `Invalid JSON: duplicate key ${
        JSON.stringify(duplicate.key)
      }: keys of an object must be unique`,
    );
  }
  return { ok: true, value };
}

/** Offset of the first bracket nested deeper than `limit`, outside strings. */
function tooDeepAt(source: string, limit: number): number | undefined {
  let depth = 0, inString = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}

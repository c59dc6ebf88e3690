/**
 * Feeding the brief to an agent's command line on its stdin.
 * @module
 */

/**
 * The command line with the brief on its stdin: a group, so a line of
 * several commands (`a && b`) reads it as a whole.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withStdin } from "./stdin.ts";
 * assert.equal(withStdin("a && b", "/r/it's.md"), "{ a && b\n} < '/r/it'\\''s.md'");
 * ```
 */
export function withStdin(command: string, file: string): string {
  return `{ ${command}\n} < '${file.replaceAll("'", `'\\''`)}'`;
}

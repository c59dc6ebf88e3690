/**
 * Reads one string value from a TOML file (`Cargo.toml`, `pyproject.toml`):
 * all that `init` needs from them, without a TOML parser.
 * @module
 */

/**
 * The string value of `key` in the table `[table]`, or `undefined`.
 * Understands basic and literal one-line strings (`"..."`, `'...'`) and
 * comments; anything else (arrays, inline tables, multi-line strings) is
 * `undefined`.
 *
 * @param text The TOML text.
 * @param table The table's name, e.g. `package` or `tool.poetry`.
 * @param key The key, e.g. `name`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tomlString } from "./toml_value.ts";
 * const text = '[package]\nname = "demo" # the crate\n\n[dependencies]\nname = "x"\n';
 * assert.equal(tomlString(text, "package", "name"), "demo");
 * assert.equal(tomlString(text, "workspace", "name"), undefined);
 * ```
 */
export function tomlString(
  text: string,
  table: string,
  key: string,
): string | undefined {
  let current: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$/.exec(line);
    if (header) {
      current = header[1]!.replace(/\s*\.\s*/g, ".").replace(/"/g, "");
      continue;
    }
    if (current !== table) continue;
    const match =
      /^("?)([A-Za-z0-9_-]+)\1\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(#.*)?$/
        .exec(line);
    if (match && match[2] === key) {
      if (match[4] !== undefined) return match[4];
      try {
        return JSON.parse(`"${match[3]}"`);
      } catch (e) {
        if (e instanceof SyntaxError) return undefined; // a TOML-only escape
        throw e;
      }
    }
  }
  return undefined;
}

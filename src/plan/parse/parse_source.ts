/**
 * Source text -> plain data, for YAML and strict JSON, with syntax errors as
 * located diagnostics and guards against hostile input (alias bombs, deep
 * nesting, huge documents).
 * @module
 */

import type { Result } from "../diagnostic.ts";
import { parseJson } from "./parse_json.ts";
import { parseYaml } from "./parse_yaml.ts";
import { withoutBom } from "./source_text.ts";

export { lineCol, MAX_ALIASES, MAX_DEPTH } from "./source_text.ts";

/**
 * Parses `.json` files as strict JSON and everything else as YAML 1.2; a
 * leading byte order mark is ignored. Never throws for bad input: every problem is a located diagnostic.
 *
 * @example
 * ```ts
 * import { parseSource } from "./parse_source.ts";
 * await parseSource("version: 1\n", "orchestrator.yml"); // { ok: true, value: { version: 1 } }
 * ```
 */
export async function parseSource(
  source: string,
  file: string,
): Promise<Result<unknown>> {
  source = withoutBom(source);
  const json = file.endsWith(".json");
  if (source.trim() === "" || (!json && onlyComments(source))) {
    return empty(file);
  }
  return json ? parseJson(source, file) : await parseYaml(source, file);
}

function onlyComments(source: string): boolean {
  // Line by line without splitting: a real plan stops at its first lines.
  for (let start = 0; start <= source.length;) {
    const end = source.indexOf("\n", start);
    const line = source.slice(start, end < 0 ? source.length : end);
    if (!/^\s*(#.*)?$/.test(line)) return false;
    if (end < 0) break;
    start = end + 1;
  }
  return true;
}

function empty(file: string): Result<never> {
  return {
    ok: false,
    diagnostics: [{
      file,
      line: 1,
      col: 1,
      message: "Plan file is empty: expected a mapping with `version: 1`",
    }],
  };
}

/**
 * YAML plans: loaded with js-yaml (fast), bounded against alias bombs and
 * deep nesting; syntax errors re-described with `npm:yaml` (error path only).
 * @module
 */

// js-yaml as a local module: see ../vendor/README.md.
// @ts-types="../vendor/js_yaml.d.mts"
import { load } from "../vendor/js_yaml.mjs";
import type { Result } from "../diagnostic.ts";
import { failAt, MAX_ALIASES, MAX_DEPTH, TOO_DEEP } from "./source_text.ts";

/** Values visited per byte of source beyond which aliases must be multiplying the document. */
const EXPANSION_PER_BYTE = 2;
/** Larger sources keep js-yaml's message: re-parsing them would take seconds. */
const REDESCRIBE_LIMIT = 1_000_000;

interface YamlException {
  reason?: string;
  message?: string;
  mark?: { position: number };
}

/**
 * Parses one YAML 1.2 document into plain data.
 *
 * @example
 * ```ts
 * import { parseYaml } from "./parse_yaml.ts";
 * await parseYaml("version: 1\n", "orchestrator.yml"); // { ok: true, value: { version: 1 } }
 * ```
 */
export async function parseYaml(
  source: string,
  file: string,
): Promise<Result<unknown>> {
  let value: unknown;
  try {
    value = load(source, {
      maxAliases: MAX_ALIASES,
      maxDepth: MAX_DEPTH,
      filename: file,
    });
  } catch (e) {
    return await syntaxError(source, file, e as YamlException);
  }
  // js-yaml keeps aliases as shared references: a "billion laughs" document
  // loads instantly and explodes in whatever walks it. Walk it once, bounded.
  if (
    source.includes("*") &&
    expands(value, source.length * EXPANSION_PER_BYTE + 10_000)
  ) {
    const at = source.search(/(^|[\s,[{])\*[^\s,\]}]/);
    return failAt(
      source,
      file,
      at < 0 ? 0 : at + 1,
      "Aliases expand the document beyond any plausible plan (alias bomb?); refusing it",
    );
  }
  return { ok: true, value };
}

async function syntaxError(
  source: string,
  file: string,
  e: YamlException,
): Promise<Result<never>> {
  let at = e.mark?.position ?? 0;
  if (source[at - 1] === "*") at--; // js-yaml marks an alias after its "*"
  if (e.reason === undefined) {
    return failAt(source, file, 0, `Cannot parse YAML: ${e.message ?? e}`);
  }
  if (/maxDepth/.test(e.reason)) {
    return failAt(
      source,
      file,
      at,
      TOO_DEEP,
    );
  }
  if (/maxAliases/.test(e.reason)) {
    return failAt(
      source,
      file,
      at,
      `More than ${MAX_ALIASES} aliases (alias bomb?); refusing it`,
    );
  }
  if (source.length <= REDESCRIBE_LIMIT) {
    const { yamlSyntaxError } = await import("./yaml_syntax.ts");
    const better = yamlSyntaxError(source);
    if (better) {
      return failAt(
        source,
        file,
        better.offset,
        `Invalid YAML: ${better.message}`,
      );
    }
  }
  return failAt(source, file, at, `Invalid YAML: ${e.reason}`);
}

function expands(value: unknown, budget: number): boolean {
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++visited > budget) return true;
    if (v !== null && typeof v === "object") {
      for (const child of Object.values(v as object)) {
        if (child !== null && typeof child === "object") stack.push(child);
        else visited++;
      }
    }
  }
  return false;
}

/**
 * Names a plan takes from the DSL that the DSL does not export. TypeScript
 * erases what is used only as a type, so every `<dsl>.name` left in the
 * transpiled code is a value the plan will use: one the DSL lacks would
 * otherwise fail later as a TypeError about `'call'`.
 * @module
 */

import * as dsl from "../../dsl/dsl.ts";
import type { Diagnostic } from "../diagnostic.ts";
import { closest } from "../suggest.ts";
import { codeOnly, escapeRegExp as escape } from "./ts_scan.ts";

const EXPORTS: ReadonlySet<string> = new Set(Object.keys(dsl));

/**
 * The first value the plan uses from the DSL that the DSL does not export,
 * located at its name in the import (or its first use), with the nearest
 * export as a suggestion.
 *
 * @param code The transpiled module.
 * @param source The module's TypeScript.
 * @param specifiers The specifiers in it that name the DSL.
 *
 * @example
 * ```ts ignore
 * unknownDslName(code, 'import { testPasses } from "orchestrate";', "p.ts", ["orchestrate"])?.message;
 * // "testPasses is not exported by the DSL; did you mean testsPass?"
 * ```
 */
export function unknownDslName(
  code: string,
  source: string,
  display: string,
  specifiers: string[],
): Diagnostic | undefined {
  if (specifiers.length === 0) return undefined;
  const plain = codeOnly(code);
  for (const specifier of specifiers) {
    for (const alias of aliases(code, plain, specifier)) {
      const use = new RegExp(`(?<![\\w$.])${escape(alias)}\\.([\\w$]+)`, "g");
      for (const m of plain.matchAll(use)) {
        const name = m[1]!;
        if (EXPORTS.has(name)) continue;
        const guess = closest(name, EXPORTS);
        return {
          ...position(source, specifier, name),
          file: display,
          message: `${name} is not exported by the DSL${
            guess ? `; did you mean ${guess}?` : ""
          }`,
        };
      }
    }
  }
  return undefined;
}

/** The variables the transpiled code holds the DSL module in. */
function aliases(code: string, plain: string, specifier: string): string[] {
  const names: string[] = [];
  const quoted = `(["'])${escape(specifier)}\\2`;
  for (
    const m of code.matchAll(
      new RegExp(`var ([\\w$]+) = require\\(${quoted}\\)`, "g"),
    )
  ) {
    names.push(m[1]!);
    const wrapped = new RegExp(
      `var ([\\w$]+) = _interopRequire(?:Wildcard|Default)\\(${
        escape(m[1]!)
      }\\)`,
      "g",
    );
    for (const w of plain.matchAll(wrapped)) names.push(w[1]!);
  }
  return names;
}

/** Where `name` is imported from `specifier`, else where it is used, else line 1. */
function position(
  source: string,
  specifier: string,
  name: string,
): { line: number; col: number; sourceLine: string } {
  const imports = new RegExp(
    `import\\s*(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*(["'])${
      escape(specifier)
    }\\2`,
    "g",
  );
  let at = -1;
  for (const m of source.matchAll(imports)) {
    const inList = m[1]!.search(
      new RegExp(`(?<![\\w$])${escape(name)}(?![\\w$])`),
    );
    if (inList >= 0) {
      at = m.index + m[0].indexOf("{") + 1 + inList;
      break;
    }
  }
  if (at < 0) {
    at = codeOnly(source).search(
      new RegExp(`(?<![\\w$])[\\w$]+\\s*\\.\\s*${escape(name)}(?![\\w$])`),
    );
  }
  const before = source.slice(0, Math.max(0, at));
  const line = before.split("\n").length;
  const col = at < 0 ? 1 : at - before.lastIndexOf("\n");
  return { line, col, sourceLine: source.split("\n")[line - 1] ?? "" };
}

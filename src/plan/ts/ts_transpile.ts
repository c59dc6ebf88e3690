/**
 * Prepares `orchestrator.ts` for the plan worker without running any of it:
 * transpiles it and the relative `.ts` files it imports with sucrase (which
 * keeps line numbers; TS + ESM become a CommonJS-style body), and refuses,
 * at their line, imports that are neither the DSL nor a relative `.ts` file
 * inside the plan's folder. A compiled binary can neither `import()` a file
 * that was not embedded nor transpile TypeScript, hence all this.
 * @module
 */

import { transform } from "sucrase";
import { dirname, resolve, sep } from "../../fs/path.ts";
import { fileURLToPath as fromFileUrl } from "node:url";
import type { Diagnostic, Result } from "../diagnostic.ts";
import { parseJson } from "../parse/parse_json.ts";
import { unknownDslName } from "./ts_dsl_names.ts";
import { rewriteNamespaces } from "./ts_namespaces.ts";
import { codeOnly, escapeRegExp } from "./ts_scan.ts";
import {
  FileTooLarge,
  mebibytes,
  NotARegularFile,
  readRegularText,
} from "../../fs/regular_file.ts";
import { PLAN_MAX_BYTES } from "../parse/source_text.ts";
import { STATE_DIR } from "../../fs/state_dir.ts";

/** One transpiled plan file, ready to run in the worker. */
export interface PlanModule {
  /** Absolute path. */
  absolute: string;
  /** The name diagnostics show (relative to the working directory when inside it). */
  display: string;
  source: string;
  /**
   * The transpiled body, for `new AsyncFunction("require", "module",
   * "exports", "$importMeta", code)`: `import.meta` is renamed to the
   * parameter `$importMeta` (same length, so columns stay).
   */
  code: string;
  /** Each specifier the body may `require`: the built-in DSL (null) or a module's absolute path. */
  imports: [string, string | null][];
}

const DSL_SPECIFIERS =
  /^(orchestrate|(jsr|npm):@?orchestrate(\/orchestrate)?(@[^/]*)?)$/;
/** The copy of the DSL `orchestrate init --ts` writes. */
const DSL_COPY = `${sep}${STATE_DIR}${sep}orchestrate.ts`;
const OWN_DSL = [
  fromFileUrl(new URL("../../../mod.ts", import.meta.url)),
  fromFileUrl(new URL("../../dsl/dsl.ts", import.meta.url)),
];

class Refused {
  constructor(readonly diagnostic: Diagnostic) {}
}

/**
 * The plan and every file it imports, transpiled, entry first; or the first
 * located problem (a syntax error, a refused or missing import).
 *
 * @example
 * ```ts ignore
 * const r = await transpilePlan("orchestrator.ts", source, Deno.cwd());
 * if (r.ok) r.value[0]!.code;
 * ```
 */
export async function transpilePlan(
  file: string,
  source: string,
  cwd: string,
): Promise<Result<PlanModule[]>> {
  const absolute = resolve(cwd, file);
  const folder = await realFolder(dirname(absolute));
  const modules = new Map<string, PlanModule>();
  const add = async (
    absolute: string,
    source: string,
    display: string,
  ): Promise<void> => {
    const code = transpile(source, display);
    const module: PlanModule = { absolute, display, source, code, imports: [] };
    modules.set(absolute, module);
    const specifiers = requires(code);
    const dslSpecifiers: string[] = [];
    // ES modules import before they run: refuse a bad import before any code runs.
    for (const specifier of specifiers) {
      const target = resolve(dirname(absolute), specifier);
      if (isDsl(specifier, target)) {
        module.imports.push([specifier, null]);
        dslSpecifiers.push(specifier);
      } else if (
        specifier.startsWith(".") && /\.([cm]?ts|json)$/.test(specifier)
      ) {
        if (specifier.endsWith(".json") && !jsonAttribute(source, specifier)) {
          throw new Refused({
            ...importError(display, source, specifier),
            message: `Cannot import "${specifier}" without ` +
              `'with { type: "json" }': add it after the specifier`,
          });
        }
        module.imports.push([specifier, target]);
      } else {
        throw new Refused(importError(display, source, specifier));
      }
    }
    const unknown = unknownDslName(code, source, display, dslSpecifiers);
    if (unknown) throw new Refused(unknown);
    for (const [specifier, target] of module.imports) {
      if (target === null || modules.has(target)) continue;
      const text = await readImport(target, folder);
      if (typeof text !== "string") {
        throw new Refused({
          ...importError(display, source, specifier),
          message: `Cannot import "${specifier}": ${text.reason}`,
        });
      }
      const shown = relativeDisplay(target, cwd);
      if (target.endsWith(".json")) jsonModule(modules, target, text, shown);
      else await add(target, text, shown);
    }
  };
  try {
    await add(absolute, source, file);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, diagnostics: [e.diagnostic] };
    throw e;
  }
  return { ok: true, value: [...modules.values()] };
}

/**
 * Only the DSL's own names: `orchestrate` (and its package names), the copy
 * `init --ts` writes under `.codex/`, and this program's own files. A
 * user's file that happens to be called `orchestrate.ts` is an ordinary import.
 */
export function isDsl(specifier: string, target: string): boolean {
  return DSL_SPECIFIERS.test(specifier) || target.endsWith(DSL_COPY) ||
    OWN_DSL.includes(target);
}

/** Whether the import of `specifier` carries `with { type: "json" }` (or the older `assert`). */
function jsonAttribute(source: string, specifier: string): boolean {
  return new RegExp(
    `(["'])${
      escapeRegExp(specifier)
    }\\1\\s*(?:with|assert|,)[^;]{0,80}?\\btype\\s*:\\s*(["'])json\\2`,
  ).test(source);
}

/** A JSON file as a module whose default export is its data; a syntax error is refused at its place. */
function jsonModule(
  modules: Map<string, PlanModule>,
  absolute: string,
  source: string,
  display: string,
): void {
  const parsed = parseJson(source, display);
  if (!parsed.ok) throw new Refused(parsed.diagnostics[0]!);
  const code =
    `Object.defineProperty(exports, "__esModule", { value: true });` +
    ` exports.default = JSON.parse(${JSON.stringify(source)});`;
  modules.set(absolute, { absolute, display, source, code, imports: [] });
}

function transpile(source: string, display: string): string {
  try {
    const code = transform(rewriteNamespaces(source), {
      transforms: ["typescript", "imports"],
      keepUnusedImports: true,
      filePath: display,
    }).code;
    return renameImportMeta(code);
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new Refused({
      file: display,
      line: loc?.line ?? 1,
      col: Math.max(1, loc?.column ?? 1), // sucrase columns are 1-based
      sourceLine: source.split("\n")[(loc?.line ?? 1) - 1] ?? "",
      message: `Cannot parse TypeScript: ${
        (e as Error).message.replace(/^Error transforming [^:]*: /, "").replace(
          /\s*\(\d+:\d+\)$/,
          "",
        )
      }`,
    });
  }
}

/** `import.meta` becomes the evaluator's `$importMeta` (a body is not a module). */
function renameImportMeta(code: string): string {
  if (!code.includes("import")) return code;
  const plain = codeOnly(code);
  let out = "";
  let from = 0;
  for (const m of plain.matchAll(/(?<![\w$.])import\.meta(?![\w$])/g)) {
    out += code.slice(from, m.index) + "$importMeta";
    from = m.index + m[0].length;
  }
  return out + code.slice(from);
}

/** The imported file's text, or why it cannot be imported. */
async function readImport(
  target: string,
  folder: string,
): Promise<string | { reason: string }> {
  try {
    // The worker may read only the plan's folder; imports obey the same rule.
    const real = await Deno.realPath(target);
    if (!real.startsWith(folder + sep)) {
      return { reason: "a plan may import only files inside its own folder" };
    }
    return await readRegularText(real, PLAN_MAX_BYTES);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { reason: "file not found" };
    if (e instanceof NotARegularFile) {
      return { reason: "it is not a regular file (a pipe, socket or device)" };
    }
    if (e instanceof FileTooLarge) {
      return {
        reason: `it is ${mebibytes(e.size)}; a plan's file may be at most ${
          mebibytes(PLAN_MAX_BYTES)
        }`,
      };
    }
    if (e instanceof Deno.errors.IsADirectory) {
      return { reason: "it is a folder" };
    }
    throw e;
  }
}

async function realFolder(folder: string): Promise<string> {
  const real = await Deno.realPath(folder);
  return real.endsWith(sep) ? real.slice(0, -1) : real;
}

/**
 * Specifiers of the transpiled imports (static and dynamic), in order:
 * `require("…")` calls in the code itself, never text in a string, template
 * or comment (a command line `node -e "require('fs')"` is not an import).
 */
function requires(code: string): string[] {
  // codeOnly keeps every offset: a call found in it is read from the code.
  const plain = codeOnly(code);
  return [
    ...new Set(
      [...plain.matchAll(/\brequire\((["'])([^"'\n]*)\1\)/g)].map((m) => {
        const start = m.index + "require(".length + 1;
        return code.slice(start, start + m[2]!.length);
      }),
    ),
  ];
}

/**
 * The diagnostic for an import a plan may not make, at the import's line.
 *
 * @example
 * ```ts
 * import { importError } from "./ts_transpile.ts";
 * importError("p.ts", 'import fs from "node:fs";', "node:fs").col; // 16 (the quote)
 * ```
 */
export function importError(
  display: string,
  source: string,
  specifier: string,
): Diagnostic {
  const lines = source.split("\n");
  const index = lines.findIndex((l) =>
    l.includes(`"${specifier}"`) || l.includes(`'${specifier}'`)
  );
  const col = index < 0 ? 1 : lines[index]!.indexOf(specifier);
  return {
    file: display,
    line: index + 1 || 1,
    col: Math.max(1, col),
    sourceLine: lines[index] ?? "",
    message:
      `Cannot import "${specifier}": a plan may import only the orchestrate DSL ` +
      `("./.codex/orchestrate.ts" or "orchestrate"), relative .ts files and ` +
      `relative .json files (with { type: "json" })`,
  };
}

/**
 * `path` relative to `cwd` when inside it, else as is.
 *
 * @example
 * ```ts
 * import { relativeDisplay } from "./ts_transpile.ts";
 * relativeDisplay("/p/lib/a.ts", "/p"); // "lib/a.ts"
 * ```
 */
export function relativeDisplay(path: string, cwd: string): string {
  return path.startsWith(cwd + "/") ? path.slice(cwd.length + 1) : path;
}

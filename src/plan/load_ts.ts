/**
 * Loads `orchestrator.ts` without `import()`: a compiled binary can neither
 * import files that were not embedded nor transpile TypeScript. The source
 * is transpiled with sucrase (which keeps line numbers), evaluated with a
 * `require` that maps the DSL to the built-in one and loads relative `.ts`
 * files the same way; every other import is refused.
 * @module
 */

import { transform } from "sucrase";
import { basename, dirname, resolve } from "node:path";
import {
  fileURLToPath as fromFileUrl,
  pathToFileURL as toFileUrl,
} from "node:url";
import * as dsl from "../dsl/dsl.ts";
import type { Diagnostic, DocPath, Result } from "./diagnostic.ts";
import { valueAt } from "./issues.ts";

/** Lines the `AsyncFunction` constructor adds before the body. */
const FUNCTION_HEADER_LINES = 2;
const DSL_SPECIFIERS =
  /^(orchestrate|(jsr|npm):@?orchestrate(\/orchestrate)?(@[^/]*)?)$/;
const OWN_MOD = fromFileUrl(new URL("../../mod.ts", import.meta.url));

/** Source text of every plan file evaluated, by absolute path. */
type Sources = Map<string, string>;

/** Where a DSL call that produced an object was written. */
const callSites = new WeakMap<object, { file: string; line: number }>();

const AsyncFunction = Object.getPrototypeOf(async function () {})
  .constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;

class PlanScriptError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
  }
}

/**
 * Evaluates a TypeScript plan and returns its default export (plain data for
 * the schema), or a located diagnostic.
 *
 * @example
 * ```ts ignore
 * const r = await loadTsPlan("orchestrator.ts", await Deno.readTextFile("orchestrator.ts"));
 * ```
 */
export async function loadTsPlan(
  file: string,
  source: string,
): Promise<Result<unknown>> {
  const loaded = new Map<string, Record<string, unknown>>();
  const files: Sources = new Map();
  try {
    const exports = await evaluate(resolve(file), source, file, loaded, files);
    const plan = exports.default ?? exports.plan;
    if (plan === undefined) {
      return fail(
        file,
        1,
        1,
        `No default export: end the plan with "export default definePlan({ ... })"`,
      );
    }
    return { ok: true, value: plan };
  } catch (e) {
    if (e instanceof PlanScriptError) {
      return { ok: false, diagnostics: [e.diagnostic] };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    const site = siteFromStack(err.stack ?? "", files);
    if (!site) {
      return fail(file, 1, 1, `Plan script threw: ${err.name}: ${err.message}`);
    }
    // Columns shift in transpiled code (sucrase rewrites exported names):
    // point at the `throw` of the line, else at the reported column.
    const text = (files.get(site.path) ?? "").split("\n")[site.line - 1] ?? "";
    const thrown = text.search(/\bthrow\b/);
    const col = thrown >= 0 ? thrown + 1 : Math.min(site.col, text.length || 1);
    return {
      ok: false,
      diagnostics: [{
        file: site.display,
        line: site.line,
        col,
        message: `Plan script threw: ${err.name}: ${err.message}`,
        sourceLine: text,
      }],
    };
  }
}

async function evaluate(
  absolute: string,
  source: string,
  display: string,
  loaded: Map<string, Record<string, unknown>>,
  files: Sources,
): Promise<Record<string, unknown>> {
  files.set(absolute, source);
  let code: string;
  try {
    code = transform(source, {
      transforms: ["typescript", "imports"],
      keepUnusedImports: true,
      filePath: absolute,
    }).code;
  } catch (e) {
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    throw new PlanScriptError({
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
  const module = { exports: {} as Record<string, unknown> };
  loaded.set(absolute, module.exports);
  const isDsl = (specifier: string) => {
    const target = resolve(dirname(absolute), specifier);
    return DSL_SPECIFIERS.test(specifier) ||
      basename(target) === "orchestrate.ts" || target === OWN_MOD;
  };
  const allowed = (specifier: string) =>
    isDsl(specifier) ||
    (specifier.startsWith(".") && /\.[cm]?ts$/.test(specifier));
  // ES modules import before they run: refuse a bad import before any code runs.
  const refused = requires(code).find((specifier) => !allowed(specifier));
  if (refused !== undefined) {
    throw new PlanScriptError(importError(display, source, refused));
  }
  const require = (specifier: string): unknown => {
    if (isDsl(specifier)) return trackedDsl(files);
    if (!allowed(specifier)) {
      throw new PlanScriptError(importError(display, source, specifier));
    }
    const target = resolve(dirname(absolute), specifier);
    const cached = loaded.get(target);
    if (cached) return cached;
    throw new Error(`Internal error: "${specifier}" was not preloaded`);
  };
  // Relative imports are loaded up front (require is synchronous): find them first.
  for (const specifier of requires(code)) {
    if (isDsl(specifier)) continue;
    const target = resolve(dirname(absolute), specifier);
    if (loaded.has(target)) continue;
    let text: string;
    try {
      text = await Deno.readTextFile(target);
    } catch {
      throw new PlanScriptError({
        ...importError(display, source, specifier),
        message: `Cannot import "${specifier}": file not found`,
      });
    }
    await evaluate(target, text, relativeDisplay(target), loaded, files);
  }
  const body = `${code}\n//# sourceURL=${toFileUrl(absolute)}`;
  await new AsyncFunction("require", "module", "exports", body)(
    require,
    module,
    module.exports,
  );
  loaded.set(absolute, module.exports);
  return module.exports;
}

/** Specifiers of the transpiled imports (static and dynamic), in order. */
function requires(code: string): string[] {
  return [...code.matchAll(/\brequire\((["'])([^"'\n]+)\1\)/g)].map((m) =>
    m[2]!
  );
}

function importError(
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
      `("./.codex/orchestrate.ts" or "orchestrate") and relative .ts files`,
  };
}

/** The DSL with each task and plan remembering where it was defined. */
function trackedDsl(files: Sources): typeof dsl {
  const here = () => {
    const site = siteFromStack(new Error().stack ?? "", files);
    return site ? { file: site.display, line: site.line } : undefined;
  };
  const mark = (
    target: object,
    site: { file: string; line: number } | undefined,
  ) => {
    if (site && !callSites.has(target)) callSites.set(target, site);
  };
  return {
    ...dsl,
    defineTask(task) {
      const out = dsl.defineTask(task);
      mark(out, callSites.get(task) ?? here());
      return out;
    },
    definePlan(plan) {
      const site = here();
      const out = dsl.definePlan(plan);
      out.tasks.forEach((t, i) =>
        mark(t, callSites.get(plan.tasks[i]!) ?? site)
      );
      mark(out, site);
      return out;
    },
  };
}

function siteFromStack(stack: string, files: Sources) {
  for (
    const m of stack.matchAll(
      /(file:\/\/[^\s),]+?)(?:, <anonymous>)?:(\d+):(\d+)/g,
    )
  ) {
    const path = fromFileUrl(m[1]!);
    if (files.has(path)) {
      return {
        path,
        display: relativeDisplay(path),
        line: Number(m[2]) - FUNCTION_HEADER_LINES,
        col: Number(m[3]),
      };
    }
  }
  return undefined;
}

function relativeDisplay(path: string): string {
  const cwd = Deno.cwd();
  return path.startsWith(cwd + "/") ? path.slice(cwd.length + 1) : path;
}

/**
 * Places diagnostics about a TS plan's data at the line of the DSL call that
 * defined the offending task (or the key inside it, when found nearby).
 */
export function locateInTs(
  diagnostics: Diagnostic[],
  sources: ReadonlyMap<string, string>,
  data: unknown,
): Diagnostic[] {
  const place = (fallback: string, path: DocPath) => {
    let site: { file: string; line: number } | undefined;
    for (let n = path.length; n >= 0 && !site; n--) {
      const value = valueAt(data, path.slice(0, n));
      if (value !== null && typeof value === "object") {
        site = callSites.get(value);
      }
    }
    const file = site?.file ?? fallback;
    const source = sources.get(file) ?? sources.get(resolve(file)) ?? "";
    const lines = source.split("\n");
    let line = site?.line ?? 1;
    let col = 0;
    const key = [...path].reverse().find((k) => typeof k === "string");
    if (key) {
      const pattern = new RegExp(
        `(?<![\\w$])["']?${escapeRegExp(key)}["']?\\s*:`,
      );
      const found = lines.findIndex((l, i) =>
        i >= line - 1 && i < line + 60 && pattern.test(l)
      );
      if (found >= 0) {
        line = found + 1;
        col = lines[found]!.search(pattern) + 1;
      }
    }
    // A scalar written literally near its key: point at it.
    const value = valueAt(data, path);
    if (col > 0 && (typeof value === "string" || typeof value === "number")) {
      const literals = typeof value === "number"
        ? [String(value)]
        : [JSON.stringify(value), `'${value}'`, `\`${value}\``];
      for (let i = line - 1; i < Math.min(lines.length, line + 5); i++) {
        const from = i === line - 1 ? col - 1 : 0;
        const at = Math.min(
          ...literals.map((l) => lines[i]!.indexOf(l, from)).filter((n) =>
            n >= 0
          ),
        );
        if (Number.isFinite(at)) {
          [line, col] = [i + 1, at + 1];
          break;
        }
      }
    }
    const text = lines[line - 1] ?? "";
    if (col === 0) col = Math.max(1, text.search(/\S/) + 1);
    return { file, line, col, sourceLine: text };
  };
  return diagnostics.map((d) => {
    if (d.line !== undefined || !d.path || !sources.has(d.file)) return d;
    const out: Diagnostic = { ...d, ...place(d.file, d.path) };
    if (d.related) {
      const r = place(d.related.file, d.related.path);
      out.message += ` (${d.related.label} ${r.file}:${r.line}:${r.col})`;
    }
    return out;
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fail(
  file: string,
  line: number,
  col: number,
  message: string,
): Result<never> {
  return { ok: false, diagnostics: [{ file, line, col, message }] };
}

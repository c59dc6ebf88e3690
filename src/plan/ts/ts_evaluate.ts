/**
 * Runs a transpiled plan (see `ts_transpile.ts`) and copies its default
 * export as plain data. Runs inside the plan worker (`ts_plan_worker.ts`),
 * never in the CLI's own thread: plan code may loop, throw anything or
 * export a Proxy, and the worker has no permission but reading the plan's
 * folder.
 * @module
 */

import {
  fileURLToPath as fromFileUrl,
  pathToFileURL as toFileUrl,
} from "node:url";
import { isPromise, isProxy } from "node:util/types";
import * as dsl from "../../dsl/dsl.ts";
import { dirname } from "../../fs/path.ts";
import type { Diagnostic, DocPath } from "../diagnostic.ts";
import { copyPlainData, describeValue } from "../plain_data.ts";
import type { CallSite } from "./ts_locate.ts";
import type { PlanModule } from "./ts_transpile.ts";
import { missingImport } from "./ts_missing_import.ts";

/** What the loader asks the plan worker to run: the plan's files, entry first. */
export interface EvaluationRequest {
  modules: PlanModule[];
  /** `--param KEY=VALUE`: what the plan's function form receives. */
  params?: Record<string, string>;
}

/**
 * The worker's answer. `data`: the export, copied, with where each
 * DSL-defined object was written. `not_plain`: the copy as far as it got
 * and what stopped it. `error`: a located diagnostic (a throw, a refusal).
 */
export type EvaluationReply =
  | { kind: "data"; value: unknown; sites: [DocPath, CallSite][] }
  | {
    kind: "not_plain";
    partial: unknown;
    sites: [DocPath, CallSite][];
    path: DocPath;
    problem: string;
  }
  | { kind: "error"; diagnostic: Diagnostic };

/** Lines the `AsyncFunction` constructor adds before the body. */
const FUNCTION_HEADER_LINES = 2;

const AsyncFunction = Object.getPrototypeOf(async function () {})
  .constructor as new (
    ...args: string[]
  ) => (...args: unknown[]) => Promise<void>;

/** A diagnostic the loader itself raised while the plan ran. */
class PlanScriptError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    ours.add(this);
  }
}
/** Told apart by identity: `instanceof` would run a thrown Proxy's traps. */
const ours = new WeakSet<object>();

/**
 * Runs the plan's modules and copies the default export (or `plan`) as
 * plain data. `failures` rejects with what the plan leaves unhandled while
 * it runs (a timer that threw, a promise nobody awaited).
 *
 * @example
 * ```ts ignore
 * const reply = await evaluatePlan({ modules }, failures);
 * if (reply.kind === "data") reply.value;
 * ```
 */
export async function evaluatePlan(
  request: EvaluationRequest,
  failures: Promise<never> = new Promise(() => {}),
): Promise<EvaluationReply> {
  const modules = new Map(request.modules.map((m) => [m.absolute, m]));
  const entry = request.modules[0]!;
  const sites = new WeakMap<object, CallSite>();
  const added = new WeakMap<object, Map<unknown, CallSite>>();
  const loaded = new Map<string, Record<string, unknown>>();
  let plan: unknown;
  /** What the export was before it settled, when that was not the plan itself. */
  let settled: "promise" | "function" | null = null;
  try {
    const exports = await Promise.race([
      run(entry, modules, loaded, { sites, added }),
      failures,
    ]);
    if (isProxy(exports)) {
      return notPlain(undefined, [], [], "a Proxy as its exports object");
    }
    plan = exports.default ?? exports.plan;
    // As with `deno check`: a plan, a promise of one, or a function returning either.
    if (typeof plan === "function" && !isProxy(plan)) {
      settled = "function";
      const params = Object.freeze({ ...request.params });
      plan = await Promise.race([
        (plan as (params: unknown) => unknown)(params),
        failures,
      ]);
    }
    if (isPromise(plan)) {
      settled = "promise";
      plan = await Promise.race([plan, failures]);
    }
  } catch (e) {
    if (ours.has(e as object)) {
      return { kind: "error", diagnostic: (e as PlanScriptError).diagnostic };
    }
    const thrown = thrownDiagnostic(modules, e);
    return {
      kind: "error",
      diagnostic: missingImportOf(modules, loaded, thrown) ?? thrown,
    };
  }
  if (plan === undefined) {
    const lines = entry.source.split("\n");
    const at = lines.findIndex((l) => /\bexport\s+default\b/.test(l));
    return {
      kind: "error",
      diagnostic: {
        file: entry.display,
        line: at >= 0 ? at + 1 : 1,
        col: at >= 0 ? lines[at]!.search(/\bexport\b/) + 1 : 1,
        ...(at >= 0 ? { sourceLine: lines[at]! } : {}),
        message: settled === "promise"
          ? `The default export is a Promise that resolved to undefined: resolve it to definePlan({ ... })`
          : settled === "function"
          ? `The default export is a function that returned undefined: return definePlan({ ... })`
          : `No default export: end the plan with "export default definePlan({ ... })"`,
      },
    };
  }
  const found: [DocPath, CallSite][] = [];
  const lists: [unknown[], DocPath, Map<unknown, CallSite>][] = [];
  const copied = copyPlainData(plan, (source, copy, path) => {
    const site = sites.get(source);
    if (site) found.push([path, site]);
    const late = added.get(source);
    if (late) lists.push([copy as unknown[], path, late]);
  });
  // The copies, filled by now, are plain arrays: reading them runs no plan code.
  for (const [list, path, late] of lists) {
    list.forEach((item, i) => {
      const at = late.get(item);
      if (at) found.push([[...path, i], at]);
    });
  }
  return copied.ok
    ? { kind: "data", value: copied.value, sites: found }
    : notPlain(copied.partial, found, copied.path, copied.problem);
}

function notPlain(
  partial: unknown,
  sites: [DocPath, CallSite][],
  path: DocPath,
  problem: string,
): EvaluationReply {
  return { kind: "not_plain", partial, sites, path, problem };
}

/** Where DSL objects were made, and where items were added to their lists later. */
interface Tracking {
  sites: WeakMap<object, CallSite>;
  /** A task's `dependencies` array → each item added after `defineTask` → where. */
  added: WeakMap<object, Map<unknown, CallSite>>;
}

/** Runs one module after the modules it imports, once; returns its exports. */
async function run(
  module: PlanModule,
  modules: Map<string, PlanModule>,
  loaded: Map<string, Record<string, unknown>>,
  tracking: Tracking,
): Promise<Record<string, unknown>> {
  const box = { exports: {} as Record<string, unknown> };
  loaded.set(module.absolute, box.exports);
  const imports = new Map(module.imports);
  // Imports run before the importer (require is synchronous): run them first.
  for (const target of imports.values()) {
    if (target === null || loaded.has(target)) continue;
    await run(modules.get(target)!, modules, loaded, tracking);
  }
  const require = (specifier: unknown): unknown => {
    const target = typeof specifier === "string"
      ? imports.get(specifier)
      : undefined;
    if (target === null) return trackedDsl(modules, tracking);
    const exports = target === undefined ? undefined : loaded.get(target);
    if (exports) return exports;
    // Only a `require` the plan calls by hand gets here.
    throw new PlanScriptError({
      file: module.display,
      line: 1,
      col: 1,
      message: `Cannot require ${
        describeValue(specifier)
      }: a plan may import only the orchestrate DSL and relative .ts files`,
    });
  };
  const url = toFileUrl(module.absolute).href;
  const body = `${module.code}\n//# sourceURL=${url}`;
  await new AsyncFunction("require", "module", "exports", "$importMeta", body)(
    require,
    box,
    box.exports,
    importMeta(module, url, module === modules.values().next().value),
  );
  loaded.set(module.absolute, box.exports);
  return box.exports;
}

/**
 * What a plan threw (or rejected with, or left unhandled), located at its
 * line when it is an Error, without running code of the thrown value beyond
 * an Error's own fields.
 */
function thrownDiagnostic(
  modules: Map<string, PlanModule>,
  thrown: unknown,
): Diagnostic {
  const file = [...modules.values()][0]!.display;
  if (!Error.isError(thrown)) {
    return {
      file,
      line: 1,
      col: 1,
      message: `Plan script threw ${
        describeValue(thrown)
      }, not an Error, so its line is unknown: throw new Error("...") to see where`,
    };
  }
  let name: unknown, message: unknown, stack: unknown;
  try {
    ({ name, message, stack } = thrown);
  } catch (e) {
    return {
      file,
      line: 1,
      col: 1,
      message: `Plan script threw an Error whose fields threw ${
        describeValue(e)
      }`,
    };
  }
  const text = (v: unknown) => typeof v === "string" ? v : describeValue(v);
  const refused = typeof message === "string"
    ? /^Requires (\w+) access( to .*?)?(?:, run again with the --allow-\w+ flag)?$/
      .exec(message)
    : null;
  const what = refused
    ? `Plan script was refused ${refused[1]} access${
      refused[2] ?? ""
    }: a plan may only read the files in its own folder${
      refused[1] === "read"
        ? ", not through a symlink that leads out of it"
        : ""
    }`
    : `Plan script threw: ${text(name)}: ${text(message)}`;
  const [site, ...callers] = framesFromStack(
    typeof stack === "string" ? stack : "",
    modules,
  );
  if (!site) return { file, line: 1, col: 1, message: what };
  // A throw in a helper: which line of the plan called it (a loop's line says which task).
  const here = `${site.module.display}:${site.line}`;
  const chain = [
    ...new Set(callers.map((c) => `${c.module.display}:${c.line}`)),
  ].filter((c) => c !== here);
  // Columns shift in transpiled code (sucrase rewrites exported names):
  // point at the `throw` of the line, else at the reported column.
  const line = site.module.source.split("\n")[site.line - 1] ?? "";
  const at = line.search(/\bthrow\b/);
  const col = at >= 0 ? at + 1 : Math.min(site.col, line.length || 1);
  return {
    file: site.module.display,
    line: site.line,
    col,
    message: chain.length ? `${what} (called from ${chain.join(", ")})` : what,
    sourceLine: line,
  };
}

/**
 * For a throw where the plan called a name its helper does not export, the
 * diagnostic at that import instead (see `ts_missing_import.ts`).
 */
function missingImportOf(
  modules: Map<string, PlanModule>,
  loaded: Map<string, Record<string, unknown>>,
  thrown: Diagnostic,
): Diagnostic | null {
  if (thrown.sourceLine === undefined) return null;
  const module = [...modules.values()].find((m) => m.display === thrown.file);
  if (!module) return null;
  const targets = new Map(module.imports);
  return missingImport(
    module.display,
    module.source,
    thrown.sourceLine,
    (specifier) => {
      const target = targets.get(specifier);
      const exports = target ? loaded.get(target) : undefined;
      return exports
        ? Object.keys(exports).filter((k) => k !== "__esModule")
        : null;
    },
  );
}

/** `import.meta` of a plan file: its real path, as in a module Deno runs. */
function importMeta(module: PlanModule, url: string, main: boolean) {
  return {
    url,
    filename: module.absolute,
    dirname: dirname(module.absolute),
    main,
    resolve: (specifier: string) => new URL(specifier, url).href,
  };
}

/**
 * The DSL with each task and plan remembering where it was defined, and
 * each task's `dependencies` where items were added to it later (`push`,
 * `unshift`, `splice`), so a cycle made that way is shown at the mutation.
 */
function trackedDsl(
  modules: Map<string, PlanModule>,
  { sites, added }: Tracking,
): typeof dsl {
  const here = () => {
    const site = siteFromStack(new Error().stack ?? "", modules);
    return site ? { file: site.module.display, line: site.line } : undefined;
  };
  const mark = (target: object, site: CallSite | undefined) => {
    if (site && !sites.has(target)) sites.set(target, site);
  };
  const watch = (list: unknown[]) => {
    const record = (items: unknown[]) => {
      const site = here();
      if (!site) return;
      const map = added.get(list) ?? new Map<unknown, CallSite>();
      added.set(list, map);
      for (const item of items) map.set(item, site);
    };
    const method = (name: "push" | "unshift" | "splice") =>
      Object.defineProperty(list, name, {
        configurable: true,
        writable: true,
        value(...args: unknown[]) {
          record(name === "splice" ? args.slice(2) : args);
          return (Array.prototype[name] as (...a: unknown[]) => unknown)
            .apply(list, args);
        },
      });
    method("push");
    method("unshift");
    method("splice");
  };
  return {
    ...dsl,
    defineTask(task) {
      const out = dsl.defineTask(task);
      mark(out, sites.get(task) ?? here());
      if (Array.isArray(out.dependencies)) watch(out.dependencies);
      return out;
    },
    defineShard(shard) {
      const out = dsl.defineShard(shard);
      mark(out, sites.get(shard) ?? here());
      return out;
    },
    definePlan(plan) {
      const site = here();
      const out = dsl.definePlan(plan);
      out.tasks.forEach((t, i) => {
        const given = plan.tasks[i]!;
        mark(t, sites.get(given) ?? site);
        // definePlan copies each list: what was added to the old one stays known.
        const late = Array.isArray(given.dependencies)
          ? added.get(given.dependencies)
          : undefined;
        if (late) added.set(t.dependencies, new Map(late));
        watch(t.dependencies);
      });
      mark(out, site);
      return out;
    },
  };
}

/** The innermost stack frame in a plan file. */
function siteFromStack(stack: string, modules: Map<string, PlanModule>) {
  return framesFromStack(stack, modules)[0];
}

/** The stack frames in plan files, innermost first. */
function framesFromStack(stack: string, modules: Map<string, PlanModule>) {
  const frames: { module: PlanModule; line: number; col: number }[] = [];
  for (
    const m of stack.matchAll(
      /(file:\/\/[^\s),]+?)(?:, <anonymous>)?:(\d+):(\d+)/g,
    )
  ) {
    const module = modules.get(fromFileUrl(m[1]!));
    if (module) {
      frames.push({
        module,
        line: Number(m[2]) - FUNCTION_HEADER_LINES,
        col: Number(m[3]),
      });
    }
  }
  return frames;
}

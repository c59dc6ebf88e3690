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
import { isProxy } from "node:util/types";
import * as dsl from "../dsl/dsl.ts";
import type { Diagnostic, DocPath } from "./diagnostic.ts";
import { copyPlainData, describeValue } from "./plain_data.ts";
import type { CallSite } from "./ts_locate.ts";
import type { PlanModule } from "./ts_transpile.ts";

/** What the loader asks the plan worker to run: the plan's files, entry first. */
export interface EvaluationRequest {
  modules: PlanModule[];
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
  let plan: unknown;
  try {
    const exports = await Promise.race([
      run(entry, modules, new Map(), sites),
      failures,
    ]);
    if (isProxy(exports)) {
      return notPlain(undefined, [], [], "a Proxy as its exports object");
    }
    plan = exports.default ?? exports.plan;
  } catch (e) {
    if (ours.has(e as object)) {
      return { kind: "error", diagnostic: (e as PlanScriptError).diagnostic };
    }
    return { kind: "error", diagnostic: thrownDiagnostic(modules, e) };
  }
  if (plan === undefined) {
    return {
      kind: "error",
      diagnostic: {
        file: entry.display,
        line: 1,
        col: 1,
        message:
          `No default export: end the plan with "export default definePlan({ ... })"`,
      },
    };
  }
  const found: [DocPath, CallSite][] = [];
  const copied = copyPlainData(plan, (source, _copy, path) => {
    const site = sites.get(source);
    if (site) found.push([path, site]);
  });
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

/** Runs one module after the modules it imports, once; returns its exports. */
async function run(
  module: PlanModule,
  modules: Map<string, PlanModule>,
  loaded: Map<string, Record<string, unknown>>,
  sites: WeakMap<object, CallSite>,
): Promise<Record<string, unknown>> {
  const box = { exports: {} as Record<string, unknown> };
  loaded.set(module.absolute, box.exports);
  const imports = new Map(module.imports);
  // Imports run before the importer (require is synchronous): run them first.
  for (const target of imports.values()) {
    if (target === null || loaded.has(target)) continue;
    await run(modules.get(target)!, modules, loaded, sites);
  }
  const require = (specifier: unknown): unknown => {
    const target = typeof specifier === "string"
      ? imports.get(specifier)
      : undefined;
    if (target === null) return trackedDsl(modules, sites);
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
  const body = `${module.code}\n//# sourceURL=${toFileUrl(module.absolute)}`;
  await new AsyncFunction("require", "module", "exports", body)(
    require,
    box,
    box.exports,
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
    }: a plan may only read the files in its own folder`
    : `Plan script threw: ${text(name)}: ${text(message)}`;
  const site = siteFromStack(typeof stack === "string" ? stack : "", modules);
  if (!site) return { file, line: 1, col: 1, message: what };
  // Columns shift in transpiled code (sucrase rewrites exported names):
  // point at the `throw` of the line, else at the reported column.
  const line = site.module.source.split("\n")[site.line - 1] ?? "";
  const at = line.search(/\bthrow\b/);
  const col = at >= 0 ? at + 1 : Math.min(site.col, line.length || 1);
  return {
    file: site.module.display,
    line: site.line,
    col,
    message: what,
    sourceLine: line,
  };
}

/** The DSL with each task and plan remembering where it was defined. */
function trackedDsl(
  modules: Map<string, PlanModule>,
  sites: WeakMap<object, CallSite>,
): typeof dsl {
  const here = () => {
    const site = siteFromStack(new Error().stack ?? "", modules);
    return site ? { file: site.module.display, line: site.line } : undefined;
  };
  const mark = (target: object, site: CallSite | undefined) => {
    if (site && !sites.has(target)) sites.set(target, site);
  };
  return {
    ...dsl,
    defineTask(task) {
      const out = dsl.defineTask(task);
      mark(out, sites.get(task) ?? here());
      return out;
    },
    definePlan(plan) {
      const site = here();
      const out = dsl.definePlan(plan);
      out.tasks.forEach((t, i) => mark(t, sites.get(plan.tasks[i]!) ?? site));
      mark(out, site);
      return out;
    },
  };
}

/** The innermost stack frame in a plan file. */
function siteFromStack(stack: string, modules: Map<string, PlanModule>) {
  for (
    const m of stack.matchAll(
      /(file:\/\/[^\s),]+?)(?:, <anonymous>)?:(\d+):(\d+)/g,
    )
  ) {
    const module = modules.get(fromFileUrl(m[1]!));
    if (module) {
      return {
        module,
        line: Number(m[2]) - FUNCTION_HEADER_LINES,
        col: Number(m[3]),
      };
    }
  }
  return undefined;
}

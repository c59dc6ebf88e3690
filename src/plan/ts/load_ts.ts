/**
 * Loads `orchestrator.ts`. The CLI's thread transpiles the plan and the
 * files it imports (`ts_transpile.ts`); a worker that may only read the
 * real files of the plan's folder (`ts_read_scope.ts`: no symlink leading
 * out; no commands, network, writes or environment) runs them
 * within a time limit (`ts_plan_worker.ts`) and sends back plain data, which
 * is checked again here: a plan can post messages too.
 *
 * A worker stuck in a busy loop cannot be stopped (`terminate()` leaves the
 * thread spinning), so after a time-out the process must end: the CLI exits
 * right after reporting the diagnostic this returns.
 * @module
 */

import { dirname, resolve } from "../../fs/path.ts";
import type { Diagnostic, DocPath, Result } from "../diagnostic.ts";
import { parseDuration } from "../duration.ts";
import { valueAt } from "../issues.ts";
import { copyPlainData } from "../plain_data.ts";
import type { EvaluationRequest } from "./ts_evaluate.ts";
import { planParams } from "../params.ts";
import {
  type CallSite,
  callSites,
  entrySites,
  locateInTs,
  planModules,
  planSources,
} from "./ts_locate.ts";
import type { PlanModule } from "./ts_transpile.ts";
import { readScope } from "./ts_read_scope.ts";

export { locateInTs };

/** How long a plan may take to run, unless `ORCHESTRATE_PLAN_TIMEOUT` says otherwise. */
export const PLAN_TIMEOUT = "10s";
/** The environment variable that overrides {@link PLAN_TIMEOUT} (a duration, e.g. `30s`). */
export const PLAN_TIMEOUT_ENV = "ORCHESTRATE_PLAN_TIMEOUT";
/** The longest delay a timer can hold. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const PLAIN =
  "a plan must be plain data (objects, arrays, strings, numbers, booleans, null)";

/**
 * Evaluates a TypeScript plan and returns its default export (plain data for
 * the schema), or a located diagnostic: a syntax error, a refused import, a
 * throw at its line, a refused permission, a Proxy or a function in the
 * export at its key, or a time-out.
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
  const limit = timeLimit(file);
  if (!limit.ok) return limit;
  const cwd = Deno.cwd();
  const readable = await readScope(dirname(resolve(cwd, file)));
  // Started first: the worker boots while this thread loads sucrase and transpiles.
  const worker = planWorker(readable);
  try {
    const { transpilePlan } = await import("./ts_transpile.ts");
    const modules = await transpilePlan(file, source, cwd);
    if (!modules.ok) return modules;
    const reply = await answer(
      worker,
      { modules: modules.value, params: { ...planParams() } },
      limit.value,
    );
    return readReply(modules.value, reply, limit.value);
  } finally {
    worker.terminate();
  }
}

/**
 * A worker that may read the plan's folder and nothing else: `readable`
 * (see `readScope`) leaves out every symlink that leads out of it.
 */
function planWorker(readable: string[]): Worker {
  return new Worker(new URL("./ts_plan_worker.ts", import.meta.url), {
    type: "module",
    name: "orchestrator.ts",
    deno: {
      permissions: {
        // Relative paths would resolve against the process's cwd: absolute only.
        // An empty list would not mean "nothing": false does.
        read: readable.length === 0 ? false : readable,
        write: false,
        net: false,
        env: false,
        run: false,
        sys: false,
        ffi: false,
        import: false,
      },
    },
  } as WorkerOptions);
}

const TIMED_OUT = Symbol("timed out");

class WorkerFailure {
  constructor(readonly message: string) {}
}

/** The worker's first message, or why there is none. */
async function answer(
  worker: Worker,
  request: EvaluationRequest,
  limit: { ms: number },
): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await new Promise<unknown>((settle) => {
      timer = setTimeout(() => settle(TIMED_OUT), limit.ms);
      worker.onmessage = (event) => settle(event.data);
      worker.onmessageerror = () =>
        settle(new WorkerFailure("its answer could not be read"));
      worker.onerror = (event) => {
        event.preventDefault();
        settle(new WorkerFailure(event.message));
      };
      worker.postMessage(request);
    });
  } finally {
    clearTimeout(timer);
  }
}

/** Checks the worker's answer and turns it into data or a located diagnostic. */
function readReply(
  modules: PlanModule[],
  reply: unknown,
  limit: { text: string },
): Result<unknown> {
  const file = modules[0]!.display;
  if (reply === TIMED_OUT) {
    return fail(
      file,
      `Plan script did not finish within ${limit.text} (a loop that never ends, ` +
        `or an await that never settles?); set ${PLAN_TIMEOUT_ENV} to allow longer`,
    );
  }
  if (reply instanceof WorkerFailure) {
    return fail(file, `Cannot evaluate the plan: ${reply.message}`);
  }
  if (!isRecord(reply)) return unexpected(file);
  if (reply.kind === "error") {
    const diagnostic = asDiagnostic(reply.diagnostic);
    return diagnostic
      ? { ok: false, diagnostics: [diagnostic] }
      : unexpected(file);
  }
  const notPlain = reply.kind === "not_plain";
  if (!notPlain && reply.kind !== "data") return unexpected(file);
  const copied = copyPlainData(notPlain ? reply.partial : reply.value);
  const sites = asSites(reply.sites);
  if (!copied.ok || !sites) return unexpected(file);
  for (const [path, site] of sites) {
    const value = valueAt(copied.value, path);
    const list = valueAt(copied.value, path.slice(0, -1));
    const index = path[path.length - 1];
    if (value !== null && typeof value === "object") {
      callSites.set(value, site);
    } else if (Array.isArray(list) && typeof index === "number") {
      const added = entrySites.get(list) ?? new Map<number, CallSite>();
      entrySites.set(list, added);
      added.set(index, site);
    }
  }
  const sources = new Map(modules.map((m) => [m.display, m.source]));
  const root = copied.value;
  if (root !== null && typeof root === "object") {
    planSources.set(root, sources);
    planModules.set(
      root,
      modules.map((m) => ({ absolute: m.absolute, source: m.source })),
    );
  }
  if (!notPlain) return { ok: true, value: copied.value };
  const path = asPath(reply.path);
  if (!path || typeof reply.problem !== "string") return unexpected(file);
  if (path.length === 0) {
    return {
      ok: false,
      diagnostics: [
        atExport(
          modules[0]!,
          `The plan's export is ${reply.problem}: ${PLAIN}`,
        ),
      ],
    };
  }
  // With no DSL call on the path, search for the key from the export on.
  if (root !== null && typeof root === "object" && !callSites.has(root)) {
    const line = atExport(modules[0]!, "").line!;
    callSites.set(root, { file, line });
  }
  return {
    ok: false,
    diagnostics: locateInTs(
      [{
        file,
        path,
        message: `The plan's export holds ${reply.problem} at ${
          pathText(path)
        }: ${PLAIN}`,
      }],
      sources,
      copied.value,
    ),
  };
}

/** The `export default` (or `export const plan`) line, for a problem of the whole export. */
function atExport(entry: PlanModule, message: string): Diagnostic {
  const lines = entry.source.split("\n");
  const index = lines.findIndex((l) =>
    /^\s*export\s+(default\b|(const|let|var)\s+plan\b)/.test(l)
  );
  const line = lines[index] ?? "";
  return {
    file: entry.display,
    line: index + 1 || 1,
    col: Math.max(1, line.search(/\S/) + 1),
    message,
    sourceLine: line,
  };
}

/** `tasks[0].commands.build` */
function pathText(path: DocPath): string {
  return path.map((k, i) =>
    typeof k === "number"
      ? `[${k}]`
      : /^[A-Za-z_$][\w$]*$/.test(k)
      ? `${i === 0 ? "" : "."}${k}`
      : `[${JSON.stringify(k)}]`
  ).join("");
}

function asDiagnostic(d: unknown): Diagnostic | undefined {
  if (!isRecord(d)) return undefined;
  const { file, line, col, message, sourceLine } = d;
  const position = (n: unknown) => Number.isSafeInteger(n) && (n as number) > 0;
  if (
    typeof file !== "string" || typeof message !== "string" ||
    !position(line) || !position(col) ||
    (sourceLine !== undefined && typeof sourceLine !== "string")
  ) {
    return undefined;
  }
  return {
    file,
    line: line as number,
    col: col as number,
    message,
    ...(sourceLine === undefined ? {} : { sourceLine }),
  };
}

function asSites(sites: unknown): [DocPath, CallSite][] | undefined {
  if (!Array.isArray(sites)) return undefined;
  const out: [DocPath, CallSite][] = [];
  for (const entry of sites) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const path = asPath(entry[0]);
    const site: unknown = entry[1];
    if (
      !path || !isRecord(site) || typeof site.file !== "string" ||
      !Number.isSafeInteger(site.line)
    ) {
      return undefined;
    }
    out.push([path, { file: site.file, line: site.line as number }]);
  }
  return out;
}

function asPath(path: unknown): DocPath | undefined {
  return Array.isArray(path) &&
      path.every((k) => typeof k === "string" || Number.isSafeInteger(k))
    ? path
    : undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function unexpected(file: string): Result<never> {
  return fail(
    file,
    "Cannot evaluate the plan: its worker sent an unexpected answer",
  );
}

/** The time limit: {@link PLAN_TIMEOUT}, or the environment's. */
function timeLimit(file: string): Result<{ ms: number; text: string }> {
  const text = Deno.env.get(PLAN_TIMEOUT_ENV) ?? PLAN_TIMEOUT;
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0 || ms > MAX_TIMER_MS) {
    return fail(
      file,
      `${PLAN_TIMEOUT_ENV}=${
        JSON.stringify(text)
      } is not a usable time limit: use a duration from 1ms to 24 days, e.g. "30s"`,
    );
  }
  return { ok: true, value: { ms, text } };
}

function fail(file: string, message: string): Result<never> {
  return { ok: false, diagnostics: [{ file, line: 1, col: 1, message }] };
}

/**
 * A fresh check of a plan file: parse, schema, includes, IR, semantic checks,
 * located diagnostics. `load.ts` calls it on a cache miss.
 * @module
 */

import { basename, dirname, join, relative, resolve } from "../fs/path.ts";
import type { Diagnostic, Result } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";
import type { CheckedPlan } from "./checked_plan.ts";
import { normalizePlan } from "./normalize.ts";
import { parseSource } from "./parse/parse_source.ts";
import { isIncludeFile, isPlanFile } from "./plan_guard.ts";
import { pathProblem } from "./rules.ts";
import { PLAN_MAX_BYTES, withoutBom } from "./parse/source_text.ts";
import {
  FileTooLarge,
  mebibytes,
  NotARegularFile,
  readRegularText,
} from "../fs/regular_file.ts";
import type { IncludeFile, PlanFile, TaskInput } from "./schema.ts";
import { graphOfRawTasks, type TaskOrigin, validatePlan } from "./validate.ts";

/** A fresh check, and what the cache needs to recognise its sources. */
export type FreshCheck =
  | {
    ok: true;
    value: CheckedPlan;
    fresh: {
      include: string[];
      sources: Map<string, string>;
      /** A TS plan's modules (absolute path, source), for its cache entry. */
      modules?: { absolute: string; source: string }[];
    };
  }
  | { ok: false; diagnostics: Diagnostic[] };

/** Checks `file` from scratch; on success, also what the cache needs. */
export async function checkAndCache(file: string): Promise<FreshCheck> {
  const sources = new Map<string, string>();
  const data = await readPlanData(file, sources);
  if (!data.ok) return data;

  const diagnostics: Diagnostic[] = [];
  // The generated guard accepts exactly what the schema accepts, without
  // loading zod; zod runs only to word the errors of a plan it refuses.
  const planOk = isPlanFile(data.value) ||
    await schemaProblems("plan", data.value, file, diagnostics);
  diagnostics.push(
    ...await prototypeKeys("plan", data.value, file, sources.get(file)!),
  );
  const raw: RawTask[] = rawTasksOf(data.value, file);
  const included: TaskInput[] = [];
  let includesOk = true;
  const planDir = dirname(file);
  const includes = includeList(data.value);
  if (includes.length > 0) {
    const { expandIncludes, includesFile } = await import("./include.ts");
    const self = relative(planDir, file);
    const groups = await expandIncludes(
      planDir,
      includes.map((i) => i.glob),
      self,
    );
    const seen = new Set<string>();
    for (const [g, { files, outside }] of groups.entries()) {
      const { glob, index } = includes[g]!;
      for (const link of outside) {
        diagnostics.push({
          file,
          path: ["include", index],
          message:
            `Include "${glob}" leads outside the project root through a symbolic link: ${link.path} -> ${link.target}`,
        });
      }
      if (files.length === 0 && outside.length === 0) {
        diagnostics.push({
          file,
          path: ["include", index],
          message: await isFolder(join(planDir, glob))
            ? `Include "${glob}" is a folder: name its files, e.g. "${
              glob.replace(/\/+$/, "")
            }/*.yml"`
            : `Include "${glob}" matches no file${
              includesFile(glob, self) ? " but the plan itself" : ""
            }`,
        });
      }
      for (const rel of files.filter((f) => !seen.has(f))) {
        seen.add(rel);
        const path = join(planDir, rel);
        const inc = await readPlanData(path, sources);
        if (!inc.ok) {
          diagnostics.push(...inc.diagnostics);
          includesOk = false;
          continue;
        }
        raw.push(...rawTasksOf(inc.value, path));
        diagnostics.push(
          ...await prototypeKeys(
            "include",
            inc.value,
            path,
            sources.get(path)!,
          ),
        );
        const ok = isIncludeFile(inc.value) ||
          await schemaProblems("include", inc.value, path, diagnostics);
        if (!ok) {
          includesOk = false;
          continue;
        }
        included.push(...(inc.value as IncludeFile).tasks);
      }
    }
  }
  if (!planOk || !includesOk) {
    const required = (data.value as PlanFile)?.orchestrator?.approvals
      ?.required;
    const { graph, indices } = graphOfRawTasks(
      raw.map((t) => t.task),
      Array.isArray(required)
        ? required.filter((g): g is string => typeof g === "string")
        : [],
    );
    diagnostics.push(
      ...validatePlan(graph, indices.map((i) => raw[i]!.origin)),
    );
    return failWith(diagnostics, sources, data.value);
  }

  // Accepted by the schema, which neither strips nor transforms: the data as parsed.
  const planFile = data.value as PlanFile;
  // An absolute first argument: a bare resolve() asks Node's process.cwd(),
  // whose first call starts Node's process object (~10 ms of start-up).
  const root = resolve(Deno.cwd(), planDir, planFile.project?.root ?? ".");
  const plan = normalizePlan(planFile, included, basename(root));
  diagnostics.push(...validatePlan(plan, raw.map((t) => t.origin)));
  if (diagnostics.length > 0) return failWith(diagnostics, sources, data.value);
  return {
    ok: true,
    value: { plan, file, root },
    fresh: {
      include: planFile.include ?? [],
      sources,
      ...(await tsModules(file, data.value)),
    },
  };
}

/** Which schema a file answers to: a plan, or a file it includes. */
type FileKind = "plan" | "include";

/**
 * Checks `data` with zod (loaded now) and adds its problems to
 * `diagnostics`; whether it passed (it does not when the guard refused it,
 * unless the two disagree).
 */
async function schemaProblems(
  kind: FileKind,
  data: unknown,
  file: string,
  diagnostics: Diagnostic[],
): Promise<boolean> {
  const [{ issuesToDiagnostics }, { IncludeFileSchema, PlanFileSchema }] =
    await Promise.all([import("./issues.ts"), import("./schema.ts")]);
  const schema = kind === "plan" ? PlanFileSchema : IncludeFileSchema;
  const parsed = schema.safeParse(data);
  if (parsed.success) return true;
  diagnostics.push(
    ...issuesToDiagnostics(parsed.error.issues, schema, data, file),
  );
  return false;
}

/**
 * `__proto__` command names, which zod would drop without a word. Only
 * sources that could hold one (the word itself, an escape, or code) are
 * walked.
 */
async function prototypeKeys(
  kind: FileKind,
  data: unknown,
  file: string,
  source: string,
): Promise<Diagnostic[]> {
  const possible = /\.[cm]?ts$/.test(file) || source.includes("__proto__") ||
    source.includes("\\");
  if (!possible) return [];
  const [
    { issuesToDiagnostics, prototypeKeyIssues },
    { IncludeFileSchema, PlanFileSchema },
  ] = await Promise.all([import("./issues.ts"), import("./schema.ts")]);
  const schema = kind === "plan" ? PlanFileSchema : IncludeFileSchema;
  const issues = prototypeKeyIssues(schema, data);
  return issuesToDiagnostics(issues, schema, data, file);
}

/** A task as found in a file's `tasks:` list, before any schema check. */
interface RawTask {
  task: unknown;
  origin: TaskOrigin;
}

function rawTasksOf(data: unknown, file: string): RawTask[] {
  const tasks = (data as { tasks?: unknown } | null)?.tasks;
  return Array.isArray(tasks)
    ? tasks.map((task, index) => ({ task, origin: { file, index } }))
    : [];
}

/** The usable `include:` entries (with their index), even when the schema rejected something else. */
function includeList(data: unknown): { glob: string; index: number }[] {
  const include = (data as { include?: unknown } | null)?.include;
  if (!Array.isArray(include)) return [];
  return include.flatMap((glob, index) =>
    typeof glob === "string" && glob !== "" && !pathProblem(glob)
      ? [{ glob, index }]
      : []
  );
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

async function readPlanData(
  file: string,
  sources: Map<string, string>,
): Promise<Result<unknown>> {
  let source: string;
  try {
    source = await readRegularText(file, PLAN_MAX_BYTES);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
      : e instanceof FileTooLarge
      ? `it is ${mebibytes(e.size)}; a plan file may be at most ${
        mebibytes(PLAN_MAX_BYTES)
      }`
      : e instanceof NotARegularFile
      ? "not a regular file (a pipe, socket or device)"
      : (e as Error).message;
    return {
      ok: false,
      diagnostics: [{
        file,
        line: 1,
        col: 1,
        message: `Cannot read plan: ${reason}`,
      }],
    };
  }
  source = withoutBom(source);
  sources.set(file, source);
  if (/\.[cm]?ts$/.test(file)) {
    const { loadTsPlan } = await import("./ts/load_ts.ts");
    return await loadTsPlan(file, source);
  }
  return await parseSource(source, file);
}

async function failWith(
  diagnostics: Diagnostic[],
  sources: Map<string, string>,
  tsData: unknown,
): Promise<{ ok: false; diagnostics: Diagnostic[] }> {
  const yamlSources = new Map(
    [...sources].filter(([f]) => !/\.[cm]?ts$/.test(f)),
  );
  const tsSources = new Map([...sources].filter(([f]) => /\.[cm]?ts$/.test(f)));
  let located = await locateYaml(diagnostics, yamlSources);
  if (tsSources.size > 0) {
    const { locateInTs } = await import("./ts/load_ts.ts");
    located = locateInTs(located, tsSources, tsData);
  }
  return { ok: false, diagnostics: sortDiagnostics(located) };
}

async function locateYaml(
  diagnostics: Diagnostic[],
  sources: Map<string, string>,
): Promise<Diagnostic[]> {
  if (!diagnostics.some((d) => d.path && sources.has(d.file))) {
    return diagnostics;
  }
  const { locate } = await import("./parse/positions.ts");
  return await locate(diagnostics, sources);
}

/** A TS plan's modules, as its evaluation recorded them (none for YAML/JSON). */
async function tsModules(
  file: string,
  data: unknown,
): Promise<{ modules?: { absolute: string; source: string }[] }> {
  if (!/\.[cm]?ts$/.test(file) || data === null || typeof data !== "object") {
    return {};
  }
  const { planModules } = await import("./ts/ts_locate.ts");
  const modules = planModules.get(data);
  return modules ? { modules } : {};
}

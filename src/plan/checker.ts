/**
 * A fresh check of a plan file: parse, schema, includes, IR, semantic checks,
 * located diagnostics. `load.ts` calls it on a cache miss.
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import type { Diagnostic, Result } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";
import { issuesToDiagnostics, prototypeKeyIssues } from "./issues.ts";
import type { CheckedPlan } from "./checked_plan.ts";
import { normalizePlan } from "./normalize.ts";
import { parseSource } from "./parse_source.ts";
import { withoutBom } from "./source_text.ts";
import {
  IncludeFileSchema,
  pathProblem,
  type PlanFile,
  PlanFileSchema,
  type TaskInput,
} from "./schema.ts";
import { graphOfRawTasks, type TaskOrigin, validatePlan } from "./validate.ts";

/** A fresh check, and what the cache needs to recognise its sources. */
export type FreshCheck =
  | {
    ok: true;
    value: CheckedPlan;
    fresh: { include: string[]; sources: Map<string, string> };
  }
  | { ok: false; diagnostics: Diagnostic[] };

/** Checks `file` from scratch; on success, also what the cache needs. */
export async function checkAndCache(file: string): Promise<FreshCheck> {
  const sources = new Map<string, string>();
  const data = await readPlanData(file, sources);
  if (!data.ok) return data;

  const diagnostics: Diagnostic[] = [];
  const parsed = PlanFileSchema.safeParse(data.value);
  if (!parsed.success) {
    diagnostics.push(
      ...issuesToDiagnostics(
        parsed.error.issues,
        PlanFileSchema,
        data.value,
        file,
      ),
    );
  }
  diagnostics.push(
    ...prototypeKeys(PlanFileSchema, data.value, file, sources.get(file)!),
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
          ...prototypeKeys(
            IncludeFileSchema,
            inc.value,
            path,
            sources.get(path)!,
          ),
        );
        const r = IncludeFileSchema.safeParse(inc.value);
        if (!r.success) {
          diagnostics.push(
            ...issuesToDiagnostics(
              r.error.issues,
              IncludeFileSchema,
              inc.value,
              path,
            ),
          );
          includesOk = false;
          continue;
        }
        included.push(...r.data.tasks);
      }
    }
  }
  if (!parsed.success || !includesOk) {
    const { graph, indices } = graphOfRawTasks(raw.map((t) => t.task));
    diagnostics.push(
      ...validatePlan(graph, indices.map((i) => raw[i]!.origin)),
    );
    return failWith(diagnostics, sources, data.value);
  }

  const planFile: PlanFile = parsed.data;
  const root = resolve(planDir, planFile.project?.root ?? ".");
  const plan = normalizePlan(planFile, included, basename(root));
  diagnostics.push(...validatePlan(plan, raw.map((t) => t.origin)));
  if (diagnostics.length > 0) return failWith(diagnostics, sources, data.value);
  return {
    ok: true,
    value: { plan, file, root },
    fresh: { include: planFile.include ?? [], sources },
  };
}

/**
 * `__proto__` command names, which zod would drop without a word. Only
 * sources that could hold one (the word itself, an escape, or code) are
 * walked.
 */
function prototypeKeys(
  schema: typeof PlanFileSchema | typeof IncludeFileSchema,
  data: unknown,
  file: string,
  source: string,
): Diagnostic[] {
  const possible = /\.[cm]?ts$/.test(file) || source.includes("__proto__") ||
    source.includes("\\");
  if (!possible) return [];
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
    source = await Deno.readTextFile(file);
  } catch (e) {
    const reason = e instanceof Deno.errors.NotFound
      ? "no such file"
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
    const { loadTsPlan } = await import("./load_ts.ts");
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
    const { locateInTs } = await import("./load_ts.ts");
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
  const { locate } = await import("./positions.ts");
  return await locate(diagnostics, sources);
}

/**
 * The plan loader: file → schema → includes → IR → semantic checks. The only
 * way to obtain a {@link Plan}.
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import type { Diagnostic, Result } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";
import { readCachedPlan, refreshCachedHash, writeCachedPlan } from "./cache.ts";
import { sha256 } from "./hash.ts";
import type { Plan } from "./ir.ts";
import { issuesToDiagnostics } from "./issues.ts";
import { normalizePlan } from "./normalize.ts";
import { parseSource } from "./parse_source.ts";
import {
  IncludeFileSchema,
  pathProblem,
  type PlanFile,
  PlanFileSchema,
  type TaskInput,
} from "./schema.ts";
import { graphOfRawTasks, type TaskOrigin, validatePlan } from "./validate.ts";

/** A plan that passed every check, with where it came from. */
export interface CheckedPlan {
  plan: Plan;
  /** The plan file as given (for messages). */
  file: string;
  /** Absolute project root: the plan's folder joined with `project.root`. */
  root: string;
}

/** A checked plan and its hash, as a run records it. */
export interface LoadedPlan extends CheckedPlan {
  /** sha-256 of the IR's canonical JSON. */
  hash: string;
}

/**
 * Loads, validates and normalizes a plan file (YAML, JSON or TypeScript).
 * Every problem found is returned at once, each located in its file.
 *
 * @example
 * ```ts ignore
 * import { loadPlan } from "./load.ts";
 * const result = await loadPlan("orchestrator.yml");
 * if (result.ok) console.log(result.value.plan.tasks.length);
 * ```
 */
export async function loadPlan(file: string): Promise<Result<LoadedPlan>> {
  const hit = await readCachedPlan(file);
  if (hit) {
    const hash = hit.hash ?? await planHash(hit.plan);
    if (hit.hash === null) await refreshCachedHash(file, hash);
    return { ok: true, value: { ...fromCache(file, hit.plan), hash } };
  }
  const checked = await checkAndCache(file);
  if (!checked.ok) return checked;
  const { plan } = checked.value;
  const hash = await planHash(plan);
  await writeCachedPlan(
    file,
    { plan, hash },
    checked.fresh.include,
    checked.fresh.sources,
  );
  return { ok: true, value: { ...checked.value, hash } };
}

function fromCache(file: string, plan: Plan): CheckedPlan {
  return { plan, file, root: resolve(dirname(file), plan.project.root) };
}

/**
 * {@link loadPlan} without the hash, for commands that only read the plan:
 * on a 10,000-task plan the canonical JSON and its hash cost ~0.2 s and
 * ~35 MB of peak memory.
 *
 * @example
 * ```ts ignore
 * import { checkPlan } from "./load.ts";
 * const result = await checkPlan("orchestrator.yml");
 * if (!result.ok) console.error(result.diagnostics);
 * ```
 */
export async function checkPlan(file: string): Promise<Result<CheckedPlan>> {
  const hit = await readCachedPlan(file);
  if (hit) return { ok: true, value: fromCache(file, hit.plan) };
  const checked = await checkAndCache(file);
  if (checked.ok) {
    await writeCachedPlan(
      file,
      { plan: checked.value.plan, hash: null },
      checked.fresh.include,
      checked.fresh.sources,
    );
  }
  return checked;
}

/** A fresh check, and what the cache needs to recognise its sources. */
type FreshCheck =
  | {
    ok: true;
    value: CheckedPlan;
    fresh: { include: string[]; sources: Map<string, string> };
  }
  | { ok: false; diagnostics: Diagnostic[] };

async function checkAndCache(file: string): Promise<FreshCheck> {
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
    for (const [g, files] of groups.entries()) {
      const { glob, index } = includes[g]!;
      if (files.length === 0) {
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
 * sha-256 of the IR's canonical JSON (hex), as in {@link LoadedPlan.hash}.
 *
 * @example
 * ```ts ignore
 * import { planHash } from "./load.ts";
 * await planHash(plan); // "3f2a…"
 * ```
 */
export function planHash(plan: Plan): Promise<string> {
  return sha256(JSON.stringify(plan));
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

/**
 * The plan loader: file → schema → includes → IR → semantic checks. The only
 * way to obtain a {@link Plan}.
 * @module
 */

import { basename, dirname, join, relative, resolve } from "node:path";
import type { Diagnostic, Result } from "./diagnostic.ts";
import { sortDiagnostics } from "./diagnostic.ts";
import { sha256 } from "./hash.ts";
import type { Plan } from "./ir.ts";
import { issuesToDiagnostics } from "./issues.ts";
import { normalizePlan } from "./normalize.ts";
import { parseSource } from "./parse_source.ts";
import {
  IncludeFileSchema,
  type PlanFile,
  PlanFileSchema,
  type TaskInput,
} from "./schema.ts";
import { graphOfRawTasks, type TaskOrigin, validatePlan } from "./validate.ts";

/** A plan that passed every check, with where it came from. */
export interface LoadedPlan {
  plan: Plan;
  /** The plan file as given (for messages). */
  file: string;
  /** Absolute project root: the plan's folder joined with `project.root`. */
  root: string;
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
  const planFile: PlanFile | undefined = parsed.success
    ? parsed.data
    : undefined;
  const origins: TaskOrigin[] = (planFile?.tasks ?? []).map((_, index) => ({
    file,
    index,
  }));
  const included: TaskInput[] = [];
  const planDir = dirname(file);
  if (planFile?.include) {
    const { expandIncludes } = await import("./include.ts");
    const groups = await expandIncludes(
      planDir,
      planFile.include,
      relative(planDir, file),
    );
    for (const [g, files] of groups.entries()) {
      if (files.length === 0) {
        diagnostics.push({
          file,
          path: ["include", g],
          message: `Include "${planFile.include[g]}" matches no file`,
        });
      }
      for (const rel of files) {
        const path = join(planDir, rel);
        const inc = await readPlanData(path, sources);
        if (!inc.ok) {
          diagnostics.push(...inc.diagnostics);
          continue;
        }
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
          continue;
        }
        r.data.tasks.forEach((t, index) => {
          included.push(t);
          origins.push({ file: path, index });
        });
      }
    }
  }
  if (!planFile) {
    diagnostics.push(
      ...crossTaskChecks(
        data.value,
        file,
        origins.slice((data.value as PlanFile)?.tasks?.length),
      ),
    );
    return failWith(diagnostics, sources, data.value);
  }

  const root = resolve(planDir, planFile.project?.root ?? ".");
  const plan = normalizePlan(planFile, included, basename(root));
  diagnostics.push(...validatePlan(plan, origins));
  if (diagnostics.length > 0) return failWith(diagnostics, sources, data.value);
  return {
    ok: true,
    value: { plan, file, root, hash: await sha256(JSON.stringify(plan)) },
  };
}

/** Duplicate ids, unknown dependencies and cycles, on the well-formed tasks of a plan the schema rejected. */
function crossTaskChecks(
  raw: unknown,
  file: string,
  includedOrigins: TaskOrigin[],
) {
  const rawTasks = (raw as { tasks?: unknown })?.tasks;
  if (!Array.isArray(rawTasks) || includedOrigins.length > 0) return [];
  const { graph, indices } = graphOfRawTasks(rawTasks);
  return validatePlan(graph, indices.map((index) => ({ file, index })));
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
  return parseSource(source, file);
}

async function failWith(
  diagnostics: Diagnostic[],
  sources: Map<string, string>,
  tsData: unknown,
): Promise<Result<never>> {
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

/**
 * The files a plan is made of: the plan file, the other plan files beside
 * it (`orchestrator.yml|yaml|json|ts`, which `--file`'s default picks), its
 * includes, and a TS plan's local modules. A confined task must not write
 * them: one that drops a gate from them runs the gated task on the next
 * `resume`, with nobody approving.
 * @module
 */

import { dirname, join, relative, resolve, sep } from "../fs/path.ts";
import { parseSource } from "./parse/parse_source.ts";
import { PLAN_MAX_BYTES } from "./parse/source_text.ts";
import { readRegularText } from "../fs/regular_file.ts";

const PLAN_NAMES = [
  "orchestrator.yml",
  "orchestrator.yaml",
  "orchestrator.json",
  "orchestrator.ts",
];

/** A TS plan's modules followed at most (a plan is a handful). */
const MAX_MODULES = 256;

/**
 * Absolute paths of the files the plan at `file` is made of (those that
 * exist; a file that cannot be read or parsed adds nothing more).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planFiles } from "./plan_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/orchestrator.yml`, "version: 1\ninclude: [more.yml]\ntasks: []\n");
 * await Deno.writeTextFile(`${dir}/more.yml`, "tasks: []\n");
 * assert.deepEqual(await planFiles(`${dir}/orchestrator.yml`), [`${dir}/orchestrator.yml`, `${dir}/more.yml`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function planFiles(file: string): Promise<string[]> {
  return (await planSources(file)).files;
}

/** A plan's files, and the `include:` globs that may name more of them later. */
export interface PlanSources {
  /** Absolute paths of the files the plan is made of now. */
  files: string[];
  /** The folder `includes` are relative to: the plan file's. */
  dir: string;
  /** The plan file's `include:` globs as written (a YAML/JSON plan's). */
  includes: string[];
}

/**
 * {@link planFiles}, with the plan's `include:` globs: a file created
 * later that one of them names is part of the plan too (`run --watch`
 * watches for it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planSources } from "./plan_files.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/orchestrator.yml`, "version: 1\ninclude: [tasks/*.yml]\ntasks: []\n");
 * const sources = await planSources(`${dir}/orchestrator.yml`);
 * assert.deepEqual(sources.includes, ["tasks/*.yml"]);
 * assert.deepEqual(sources.files, [`${dir}/orchestrator.yml`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function planSources(file: string): Promise<PlanSources> {
  const main = resolve(file);
  const dir = dirname(main);
  const found = new Set<string>([main]);
  for (const name of PLAN_NAMES) {
    if (await isFile(join(dir, name))) found.add(join(dir, name));
  }
  let includes: string[] = [];
  if (main.endsWith(".ts")) {
    await addModules(main, dir, found);
  } else {
    includes = await addIncludes(main, dir, found);
  }
  return { files: [...found], dir, includes };
}

/** Adds the files `main`'s includes name to `found`; its include globs. */
async function addIncludes(
  main: string,
  dir: string,
  found: Set<string>,
): Promise<string[]> {
  const text = await read(main);
  // No key `include` in a text without the word or an escape (`\u0069nclude`): spare the parse (~90 ms for 1,000 tasks).
  if (text === null || !/include|\\/.test(text)) return [];
  const parsed = await parseSource(text, main);
  if (!parsed.ok) return [];
  const include = (parsed.value as { include?: unknown } | null)?.include;
  if (!Array.isArray(include)) return [];
  const globs = include.filter((g): g is string =>
    typeof g === "string" && g !== ""
  );
  if (globs.length === 0) return [];
  const { expandIncludes } = await import("./include.ts");
  for (const match of await expandIncludes(dir, globs, relative(dir, main))) {
    for (const f of match.files) found.add(join(dir, f));
  }
  return globs;
}

/** Relative module specifiers of TS source: `from "./x.ts"`, `import("./x.ts")`. */
const SPECIFIER = /(?:from|import)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g;

async function addModules(
  main: string,
  dir: string,
  found: Set<string>,
): Promise<void> {
  const queue = [main];
  while (queue.length > 0 && found.size < MAX_MODULES) {
    const module = queue.shift()!;
    const text = await read(module);
    if (text === null) continue;
    for (const [, spec] of text.matchAll(SPECIFIER)) {
      const path = resolve(dirname(module), spec!);
      if (!path.startsWith(dir + sep) || found.has(path)) continue;
      if (!(await isFile(path))) continue;
      found.add(path);
      queue.push(path);
    }
  }
}

async function read(path: string): Promise<string | null> {
  try {
    return await readRegularText(path, PLAN_MAX_BYTES);
  } catch {
    return null;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isFile;
  } catch {
    return false;
  }
}

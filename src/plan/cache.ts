/**
 * A cache of checked plans, so `status`, `approve` and `run` of a large plan
 * do not parse and validate it again while its files are unchanged. Keyed
 * by the content of the plan file and every included file, and by the
 * include globs' expansion; kept under `.codex/cache/` only in projects
 * that already have `.codex/` (it is derived data, never state: deleting it
 * loses nothing). TypeScript plans are code and are never cached.
 * @module
 */

import { dirname, join, relative, resolve } from "node:path";
import config from "../../deno.json" with { type: "json" };
import { fastHash } from "./fast_hash.ts";
import type { Plan } from "./ir.ts";

/** Bump when the IR changes shape without a version change. */
const FORMAT = 1;

/** What a cache entry holds. */
export interface CachedPlan {
  plan: Plan;
  /** sha-256 of the IR, when it was computed. */
  hash: string | null;
}

interface Entry extends CachedPlan {
  format: number;
  tool: string;
  main: string;
  include: string[];
  files: [string, string][];
}

function cacheFile(file: string): string {
  return join(
    dirname(file),
    ".codex",
    "cache",
    `plan.${fastHash(resolve(file)).slice(0, 16)}.json`,
  );
}

async function hasCodexDir(file: string): Promise<boolean> {
  try {
    return (await Deno.stat(join(dirname(file), ".codex"))).isDirectory;
  } catch {
    return false;
  }
}

/**
 * The cached check of `file` when every source is unchanged, else undefined.
 *
 * @example
 * ```ts ignore
 * const hit = await readCachedPlan("orchestrator.yml");
 * ```
 */
export async function readCachedPlan(
  file: string,
): Promise<CachedPlan | undefined> {
  if (/\.[cm]?ts$/.test(file)) return undefined;
  let entry: Entry;
  try {
    entry = JSON.parse(await Deno.readTextFile(cacheFile(file)));
  } catch {
    return undefined;
  }
  if (entry.format !== FORMAT || entry.tool !== config.version) {
    return undefined;
  }
  try {
    if (fastHash(await Deno.readTextFile(file)) !== entry.main) {
      return undefined;
    }
    if (entry.include.length > 0) {
      const { expandIncludes } = await import("./include.ts");
      const planDir = dirname(file);
      const groups = await expandIncludes(
        planDir,
        entry.include,
        relative(planDir, file),
      );
      if (groups.some((g) => g.outside.length > 0)) return undefined;
      const now = [...new Set(groups.flatMap((g) => g.files))];
      if (
        now.length !== entry.files.length ||
        now.some((f, i) => f !== entry.files[i]![0])
      ) return undefined;
      for (const [rel, hash] of entry.files) {
        if (fastHash(await Deno.readTextFile(join(planDir, rel))) !== hash) {
          return undefined;
        }
      }
    }
  } catch {
    return undefined;
  }
  return { plan: entry.plan, hash: entry.hash };
}

/**
 * Records a successful check of `file` (a no-op without `.codex/`, or for
 * TS plans). Failures to write are ignored: the cache is only a shortcut.
 */
export async function writeCachedPlan(
  file: string,
  checked: CachedPlan,
  include: readonly string[],
  sources: ReadonlyMap<string, string>,
): Promise<void> {
  if (/\.[cm]?ts$/.test(file) || !await hasCodexDir(file)) return;
  const planDir = dirname(file);
  const { expandIncludes } = await import("./include.ts");
  const groups = include.length === 0
    ? []
    : await expandIncludes(planDir, include, relative(planDir, file));
  const files: [string, string][] = [];
  for (const rel of [...new Set(groups.flatMap((g) => g.files))]) {
    const text = sources.get(join(planDir, rel));
    if (text === undefined) return;
    files.push([rel, fastHash(text)]);
  }
  const entry: Entry = {
    format: FORMAT,
    tool: config.version,
    main: fastHash(sources.get(file) ?? ""),
    include: [...include],
    files,
    ...checked,
  };
  const target = cacheFile(file);
  try {
    await Deno.mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(entry));
    await Deno.rename(temp, target);
  } catch {
    // A read-only or full disk only costs the next command a re-check.
  }
}

/** Adds the IR hash to the cache entry of `file` (computed after a hash-less check). */
export async function refreshCachedHash(
  file: string,
  hash: string,
): Promise<void> {
  const target = cacheFile(file);
  try {
    const entry: Entry = JSON.parse(await Deno.readTextFile(target));
    entry.hash = hash;
    const temp = `${target}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(entry));
    await Deno.rename(temp, target);
  } catch {
    // Only a shortcut.
  }
}

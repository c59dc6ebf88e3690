/**
 * `include:` globs → the files they name, sorted, relative to the plan's
 * folder. Symbolic links are followed while they stay inside that folder;
 * one that leads outside is returned apart, for the checker to refuse (a
 * textual `..` is refused by the schema already).
 * @module
 */

import picomatch from "picomatch";
import { join, relative, sep } from "../fs/path.ts";
import {
  entriesOf,
  type ReadLog,
  realPathOf,
  statKind,
} from "./include_reads.ts";

/** What one include glob names. */
export interface IncludeMatch {
  /** Files inside the root, relative to it, sorted. */
  files: string[];
  /** Paths the glob reaches that lead outside the root through a link. */
  outside: { path: string; target: string }[];
}

/**
 * Expands include globs relative to `root` into sorted relative paths of
 * files, one match per glob; `exclude` (the plan file itself) is never
 * returned, and a name without wildcards yields it only when it is a file.
 * Every read of the file system is added to `log` when given (see
 * `include_reads.ts`: replayed, it tells whether the result still holds).
 *
 * @example
 * ```ts ignore
 * import { expandIncludes } from "./include.ts";
 * await expandIncludes(".", ["tasks/*.yml"], "orchestrator.yml");
 * // [{ files: ["tasks/a.yml", "tasks/b.yml"], outside: [] }]
 * ```
 */
export async function expandIncludes(
  root: string,
  globs: readonly string[],
  exclude: string,
  log?: ReadLog,
): Promise<IncludeMatch[]> {
  const realPath = async (path: string) =>
    await realPathOf(path, log) ?? undefined;
  const realRoot = await realPath(root) ?? root;
  const inside = (real: string) =>
    real === realRoot ||
    real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);
  const result: IncludeMatch[] = [];
  for (const glob of globs) {
    const normalized = glob.replace(/^\.\//, "");
    const scan = picomatch.scan(normalized);
    const matcher = includeMatcher([normalized]);
    const found: string[] = [];
    const outside: IncludeMatch["outside"] = [];
    const reached = (rel: string, real: string) => {
      if (inside(real)) return true;
      outside.push({ path: rel, target: real });
      return false;
    };
    if (!scan.isGlob) {
      const path = join(root, normalized);
      const real = await realPath(path);
      if (
        real !== undefined && reached(normalized, real) &&
        await statKind(path, log, true) === "f"
      ) {
        found.push(normalized);
      }
    } else {
      const base = join(root, scan.base);
      const realBase = await realPath(base);
      if (realBase !== undefined && reached(scan.base, realBase)) {
        const seen = new Set<string>([realBase]);
        await walk(base, log, async (abs, entry) => {
          const rel = relative(root, abs).split("\\").join("/");
          if (!entry.isSymlink) {
            if (entry.isFile && matcher(rel)) found.push(rel);
            return entry.isDirectory;
          }
          const real = await realPath(abs);
          if (real === undefined) return false; // a dangling link names nothing
          const kind = await statKind(abs, log, false);
          if (kind === "d") {
            if (!couldMatchUnder(normalized, rel)) return false;
            if (!reached(rel, real) || seen.has(real)) return false;
            seen.add(real);
            return true;
          }
          if (kind === "f" && matcher(rel) && reached(rel, real)) {
            found.push(rel);
          }
          return false;
        });
      }
    }
    result.push({
      files: found.filter((f) => f !== exclude).sort(),
      outside: outside.sort((a, b) => a.path.localeCompare(b.path)),
    });
  }
  return result;
}

/**
 * Whether `glob` (as written in `include:`) names the relative `path`.
 *
 * @example
 * ```ts
 * import { includesFile } from "./include.ts";
 * includesFile("*.yml", "orchestrator.yml"); // true
 * includesFile("./tasks/*.yml", "tasks/a.yml"); // true
 * ```
 */
export function includesFile(glob: string, path: string): boolean {
  return includeMatcher([glob])(path);
}

/**
 * Whether any of `globs` (as written in `include:`) names a relative path:
 * compiled once, for many paths (`run --watch` asks it of every change).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { includeMatcher } from "./include.ts";
 * const included = includeMatcher(["./tasks/*.yml"]);
 * assert.equal(included("tasks/a.yml"), true);
 * assert.equal(included("tasks/.hidden.yml"), false);
 * ```
 */
export function includeMatcher(
  globs: readonly string[],
): (path: string) => boolean {
  const normalized = globs.map((g) => g.replace(/^\.\//, ""));
  return normalized.length === 0
    ? () => false
    : picomatch(normalized, { dot: false });
}

/** Whether files under the folder `dir` could match `glob`: its segments match the glob's leading ones, or meet a `**`. */
function couldMatchUnder(glob: string, dir: string): boolean {
  const globParts = glob.split("/");
  const dirParts = dir.split("/");
  for (let i = 0; i < dirParts.length; i++) {
    const part = globParts[i];
    if (part === undefined) return false;
    if (part.includes("**")) return true;
    if (i === globParts.length - 1) return false; // the last part names files
    if (!picomatch(part, { dot: false })(dirParts[i]!)) return false;
  }
  return true;
}

/**
 * Visits every entry under `dir` (hidden folders skipped); `visit` says
 * whether to descend into an entry that is (or links to) a folder.
 */
async function walk(
  dir: string,
  log: ReadLog,
  visit: (path: string, entry: Deno.DirEntry) => Promise<boolean>,
): Promise<void> {
  // A folder that is gone or unreadable names no file.
  const entries = await entriesOf(dir, log) ?? [];
  for (const entry of entries) {
    if (entry.name.startsWith(".") && !entry.isFile) continue;
    const path = join(dir, entry.name);
    if (await visit(path, entry)) await walk(path, log, visit);
  }
}

/**
 * `include:` globs → the files they name, sorted, relative to the plan's folder.
 * @module
 */

import picomatch from "picomatch";
import { join, relative } from "node:path";

/**
 * Expands include globs relative to `root` into sorted relative paths of
 * files, one list per glob; `exclude` (the plan file itself) is never
 * returned, and a name without wildcards yields it only when it is a file.
 *
 * @example
 * ```ts ignore
 * import { expandIncludes } from "./include.ts";
 * await expandIncludes(".", ["tasks/*.yml"], "orchestrator.yml"); // ["tasks/a.yml", "tasks/b.yml"]
 * ```
 */
export async function expandIncludes(
  root: string,
  globs: readonly string[],
  exclude: string,
): Promise<string[][]> {
  const result: string[][] = [];
  for (const glob of globs) {
    const normalized = glob.replace(/^\.\//, "");
    const scan = picomatch.scan(normalized);
    const matcher = picomatch(normalized, { dot: false });
    const found: string[] = [];
    if (!scan.isGlob) {
      if (await isFile(join(root, normalized))) found.push(normalized);
    } else {
      await walk(join(root, scan.base), (abs) => {
        const rel = relative(root, abs).split("\\").join("/");
        if (matcher(rel)) found.push(rel);
      });
    }
    result.push(found.filter((f) => f !== exclude).sort());
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
  return picomatch(glob.replace(/^\.\//, ""), { dot: false })(path);
}

async function walk(dir: string, visit: (path: string) => void): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch {
    return; // A missing folder matches nothing.
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory && !entry.name.startsWith(".")) {
      await walk(path, visit);
    } else if (entry.isFile) visit(path);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

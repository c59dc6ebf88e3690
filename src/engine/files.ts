/**
 * Files named by paths and globs, relative to the project root.
 * @module
 */

import { join, relative } from "node:path";

/** Folders never searched: version control and our own state. */
const SKIP_DIRS = new Set([".git", ".codex", "node_modules"]);

/**
 * Files under `root` matching any of `patterns` (paths, folders or globs),
 * sorted. A folder stands for every file below it.
 *
 * @example
 * ```ts ignore
 * await matchFiles("/repo", ["src/**\/*.ts", "README.md"]); // ["README.md", "src/a.ts"]
 * ```
 */
export async function matchFiles(
  root: string,
  patterns: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  for (const raw of patterns) {
    const pattern = raw.replace(/^\.\//, "").replace(/\/+$/, "");
    if (!isGlob(pattern)) {
      const stat = await statOrNull(join(root, pattern));
      if (stat?.isFile) found.add(pattern);
      else if (stat?.isDirectory) await walk(root, pattern, () => true, found);
      continue;
    }
    const { default: picomatch } = await import("picomatch");
    const matcher = picomatch(pattern, { dot: true });
    await walk(root, picomatch.scan(pattern).base, matcher, found);
  }
  return [...found].sort();
}

async function walk(
  root: string,
  dir: string,
  match: (rel: string) => boolean,
  found: Set<string>,
): Promise<void> {
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(join(root, dir)));
  } catch {
    return;
  }
  for (const entry of entries) {
    const rel = relative(root, join(root, dir, entry.name)).split("\\").join(
      "/",
    );
    if (entry.isDirectory) {
      if (!SKIP_DIRS.has(entry.name)) await walk(root, rel, match, found);
    } else if (entry.isFile && match(rel)) found.add(rel);
  }
}

async function statOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.stat(path);
  } catch {
    return null;
  }
}

/** Whether a path has glob syntax. */
export function isGlob(path: string): boolean {
  // picomatch (loaded only when a glob is used: it costs ~45 ms of start-up) agrees on these.
  return /[*?[\]{}()!]/.test(path);
}

/** Whether every declared output of `task` matches at least one file (true when it declares none). */
export async function outputsPresent(
  root: string,
  task: { outputs: readonly string[] },
): Promise<boolean> {
  for (const output of task.outputs) {
    if ((await matchFiles(root, [output])).length === 0) return false;
  }
  return true;
}

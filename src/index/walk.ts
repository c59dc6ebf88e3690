/**
 * The files of a repository that git would not ignore: `.gitignore` files
 * at every level (read with `npm:ignore`, git's own rules), `.git` and
 * `.codex` skipped, symbolic links never followed out of the root nor
 * into folders (no loops).
 * @module
 */

import ignore, { type Ignore } from "ignore";
import { relative, resolve } from "../fs/path.ts";

/** A file found by {@link walkFiles}. */
export interface WalkedFile {
  /** Path from the root, `/`-separated. */
  path: string;
  size: number;
  /** Modification time in ms since the epoch (0 when the OS gives none). */
  mtime_ms: number;
}

/** A path left out, and why. */
export interface WalkNote {
  path: string;
  note: string;
}

/** What {@link walkFiles} found, in path order. */
export interface Walk {
  files: WalkedFile[];
  notes: WalkNote[];
}

// Synchronous file system calls throughout: an async `stat` costs ~0.4 ms
// here against ~0.03 ms sync (measured on 5,000 files: 2.0 s against 0.19 s),
// and a walk has nothing else to do meanwhile.
const ALWAYS_SKIPPED = new Set([".git", ".codex"]);

interface Rules {
  /** Folder of the `.gitignore`, relative to the root ("" for the root). */
  base: string;
  rules: Ignore;
}

/**
 * Lists the files under `root` that are not ignored, sorted by path.
 *
 * @param root The repository's folder.
 * @returns The files with size and modification time, and notes on what was left out.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { walkFiles } from "./walk.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/.gitignore`, "build/\n");
 * Deno.mkdirSync(`${dir}/build`);
 * Deno.writeTextFileSync(`${dir}/build/out.js`, "");
 * Deno.writeTextFileSync(`${dir}/main.ts`, "");
 * const walk = await walkFiles(dir);
 * assert.deepEqual(walk.files.map((f) => f.path), [".gitignore", "main.ts"]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function walkFiles(root: string): Promise<Walk> {
  const top = Deno.realPathSync(resolve(root));
  const files: WalkedFile[] = [];
  const notes: WalkNote[] = [];
  visit(top, "", [], files, notes, top);
  files.sort((a, b) => compare(a.path, b.path));
  notes.sort((a, b) => compare(a.path, b.path));
  return Promise.resolve({ files, notes });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function visit(
  dir: string,
  rel: string,
  inherited: Rules[],
  files: WalkedFile[],
  notes: WalkNote[],
  top: string,
): void {
  const entries: Deno.DirEntry[] = [];
  let hasIgnoreFile = false;
  for (const entry of Deno.readDirSync(dir)) {
    entries.push(entry);
    if (entry.name === ".gitignore" && !entry.isDirectory) hasIgnoreFile = true;
  }
  // Read `.gitignore` only when the listing has one: a NotFound error per
  // folder costs more than the rest of the folder's walk.
  const own = hasIgnoreFile ? readIgnore(`${dir}/.gitignore`) : null;
  const rules = own === null
    ? inherited
    : [...inherited, { base: rel, rules: ignore().add(own) }];
  entries.sort((a, b) => compare(a.name, b.name));
  for (const entry of entries) {
    if (ALWAYS_SKIPPED.has(entry.name)) continue;
    const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
    // `dir` is a real path already: plain concatenation, no normalizing.
    const full = `${dir}/${entry.name}`;
    let isDirectory = entry.isDirectory;
    if (entry.isSymlink) {
      const target = realPathOrNull(full);
      if (target === null) {
        notes.push({ path, note: "broken symbolic link" });
        continue;
      }
      const inside = relative(top, target);
      if (inside.startsWith("..") || resolve(top, inside) !== target) {
        notes.push({
          path,
          note: "symbolic link out of the root: not followed",
        });
        continue;
      }
      isDirectory = Deno.statSync(full).isDirectory;
      if (isDirectory) {
        if (!ignored(rules, path, true)) {
          notes.push({ path, note: "symbolic link to a folder: not followed" });
        }
        continue;
      }
    }
    // Folders are tested before descending: an ignored one is never listed.
    if (ignored(rules, path, isDirectory)) continue;
    if (isDirectory) {
      visit(full, path, rules, files, notes, top);
    } else {
      const info = Deno.statSync(full);
      if (!info.isFile) continue; // a pipe, socket or device
      files.push({
        path,
        size: info.size,
        mtime_ms: info.mtime?.getTime() ?? 0,
      });
    }
  }
}

/** git's rule: the deepest `.gitignore` that says something about a path decides. */
function ignored(rules: Rules[], path: string, directory: boolean): boolean {
  let result = false;
  if (rules.length === 0) return result;
  for (const { base, rules: set } of rules) {
    const local = base === "" ? path : path.slice(base.length + 1);
    const verdict = set.test(directory ? `${local}/` : local);
    if (verdict.ignored) result = true;
    else if (verdict.unignored) result = false;
  }
  return result;
}

function readIgnore(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound || e instanceof Deno.errors.IsADirectory
    ) {
      return null;
    }
    throw e;
  }
}

function realPathOrNull(path: string): string | null {
  try {
    return Deno.realPathSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/**
 * Which plan file a command reads: like git and deno, the nearest plan in
 * the working directory or a folder above it.
 * @module
 */

import { dirname, join, resolve } from "../fs/path.ts";

/** Plan file names looked for, in order, in each folder. */
export const PLAN_FILE_NAMES = [
  "orchestrator.yml",
  "orchestrator.ts",
  "orchestrator.json",
] as const;

/** Why the search for a plan stopped without finding one. */
export type SearchStop =
  /** The folder holds `.git`: the top of a repository (searched itself). */
  | "git"
  /** The root of the file system. */
  | "root"
  /** A folder that cannot be read. */
  | "unreadable";

/**
 * What {@link findPlan} found: the plan's absolute path (and the names of
 * the other plan files beside it, which lose to it), or where it stopped
 * looking.
 */
export type PlanSearch =
  | { found: true; path: string; ignored: string[] }
  | { found: false; top: string; stop: SearchStop };

/**
 * The nearest plan: the first of {@link PLAN_FILE_NAMES} that is a file in
 * `cwd`, else in its parent, and so on up to the file system's root or the
 * first folder holding `.git` (searched itself, so a plan at the top of a
 * repository is found from any folder in it, and never one above it).
 *
 * @param cwd The folder to start from.
 * @returns The plan's absolute path and the other plan files in its folder,
 * or the last folder searched and why the search stopped there (a folder
 * that cannot be read ends it too).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { findPlan } from "./discover.ts";
 * const top = Deno.makeTempDirSync();
 * Deno.mkdirSync(join(top, ".git"));
 * Deno.mkdirSync(join(top, "src", "deep"), { recursive: true });
 * Deno.writeTextFileSync(join(top, "orchestrator.yml"), "version: 1\n");
 * Deno.writeTextFileSync(join(top, "orchestrator.ts"), "export default {};\n");
 * assert.deepEqual(findPlan(join(top, "src", "deep")), {
 *   found: true,
 *   path: join(top, "orchestrator.yml"),
 *   ignored: ["orchestrator.ts"],
 * });
 * Deno.removeSync(join(top, "orchestrator.ts"));
 * Deno.removeSync(join(top, "orchestrator.yml"));
 * assert.deepEqual(findPlan(join(top, "src")), { found: false, top, stop: "git" });
 * Deno.removeSync(top, { recursive: true });
 * ```
 */
export function findPlan(cwd: string): PlanSearch {
  let dir = resolve(cwd);
  for (;;) {
    const present: string[] = [];
    for (const name of PLAN_FILE_NAMES) {
      const kind = entryKind(join(dir, name));
      if (kind === "unreadable") return { found: false, top: dir, stop: kind };
      // A folder or pipe by a plan's name is still the plan: the loader says what is wrong with it.
      if (kind === "file" || kind === "other") present.push(name);
    }
    const [first, ...ignored] = present;
    if (first !== undefined) {
      return { found: true, path: join(dir, first), ignored };
    }
    const git = entryKind(join(dir, ".git"));
    if (git === "unreadable") return { found: false, top: dir, stop: git };
    if (git !== "none") return { found: false, top: dir, stop: "git" };
    const parent = dirname(dir);
    if (parent === dir) return { found: false, top: dir, stop: "root" };
    dir = parent;
  }
}

/** What is at `path`: a file, something else (a folder, a pipe), nothing, or a folder that cannot be read. */
function entryKind(path: string): "file" | "other" | "none" | "unreadable" {
  try {
    return Deno.statSync(path).isFile ? "file" : "other";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "none";
    // A dangling link, or a path whose folder became a file meanwhile.
    if (e instanceof Deno.errors.NotADirectory) return "none";
    if (e instanceof Deno.errors.PermissionDenied) return "unreadable";
    throw e;
  }
}

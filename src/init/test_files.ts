/**
 * Whether a project has tests: a bounded walk for a file whose name
 * matches a tool's test pattern.
 * @module
 */

import { join } from "node:path";
import { STATE_DIR } from "../fs/state_dir.ts";

/** Folders that hold no tests of the project's own (dependencies, builds, caches). */
const SKIP = new Set([
  ".git",
  STATE_DIR,
  "node_modules",
  "target",
  "vendor",
  "dist",
  "build",
  ".venv",
  "venv",
  "__pycache__",
]);

/** Entries looked at, at most: a huge tree is not searched to its end. */
const MAX_ENTRIES = 20_000;

/**
 * Whether some file under `root` has a name matching `pattern`, skipping
 * dependency and build folders and hidden ones; `false` when none is found
 * within the first {@link MAX_ENTRIES} entries.
 *
 * @param root The project's folder.
 * @param pattern A test for a file's name, e.g. `/^test_.*\.py$/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { hasTestFile } from "./test_files.ts";
 * const root = Deno.makeTempDirSync();
 * Deno.mkdirSync(join(root, "tests"));
 * Deno.writeTextFileSync(join(root, "tests", "test_app.py"), "");
 * assert.equal(await hasTestFile(root, /^test_.*\.py$/), true);
 * assert.equal(await hasTestFile(root, /_test\.ts$/), false);
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export async function hasTestFile(
  root: string,
  pattern: RegExp,
): Promise<boolean> {
  const folders = [root];
  let seen = 0;
  for (let folder; (folder = folders.shift()) !== undefined;) {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied) continue; // not ours to search
      throw e;
    }
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) return false;
      if (entry.isFile && pattern.test(entry.name)) return true;
      if (
        entry.isDirectory && !SKIP.has(entry.name) &&
        !entry.name.startsWith(".")
      ) folders.push(join(folder, entry.name));
    }
  }
  return false;
}

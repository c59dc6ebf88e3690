/**
 * Whether a path exists (any kind; symlinks not followed by the sync form).
 * Missing, or under a file (`NotADirectory`), is false; any other error
 * (permissions, I/O) is thrown, as Deno's std does.
 * @module
 */

function missing(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound ||
    e instanceof Deno.errors.NotADirectory;
}

/**
 * Whether `path` exists.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exists } from "./exists.ts";
 * assert.equal(await exists("/no/such/path"), false);
 * ```
 */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (missing(e)) return false;
    throw e;
  }
}

/**
 * Whether `path` exists, itself (a dangling symlink counts).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { existsSync } from "./exists.ts";
 * assert.equal(existsSync("/"), true);
 * ```
 */
export function existsSync(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (missing(e)) return false;
    throw e;
  }
}

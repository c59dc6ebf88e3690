/**
 * Atomic file writes: a reader sees the old file or the new one, never half
 * of one (a temporary file in the same folder, then a rename).
 * @module
 */

import { basename, dirname, join } from "./path.ts";

/**
 * Writes `text` (or bytes) to `path` atomically: first to a temporary file beside it,
 * then renamed over it. The temporary file is removed if the write fails.
 *
 * @param path The file to replace (its folder must exist).
 * @param text The new content.
 * @throws {Deno.errors.NotFound} When the folder does not exist.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeFileAtomic } from "./write_atomic.ts";
 * const dir = Deno.makeTempDirSync();
 * writeFileAtomic(`${dir}/a.txt`, "hello\n");
 * assert.equal(Deno.readTextFileSync(`${dir}/a.txt`), "hello\n");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function writeFileAtomic(
  path: string,
  text: string | Uint8Array,
  options: { mode?: number } = {},
): void {
  const temp = join(
    dirname(path),
    `.${basename(path)}.${Deno.pid}.${_counter++}.tmp`,
  );
  try {
    if (typeof text === "string") {
      Deno.writeTextFileSync(temp, text, { mode: options.mode });
    } else Deno.writeFileSync(temp, text, { mode: options.mode });
    // Exactly the mode asked for, whatever the umask took from it; where the
    // file system keeps no modes, the file as created will do.
    if (options.mode !== undefined && Deno.build.os !== "windows") {
      try {
        Deno.chmodSync(temp, options.mode);
      } catch (e) {
        if (
          !(e instanceof Deno.errors.PermissionDenied ||
            e instanceof Deno.errors.NotSupported)
        ) throw e;
      }
    }
    Deno.renameSync(temp, path);
  } catch (e) {
    try {
      Deno.removeSync(temp);
    } catch {
      // Already gone, or never created.
    }
    throw namingTarget(e, path);
  }
}

/**
 * The error of a failed write, said of the file the caller named rather
 * than of the temporary file (same class, so callers classify it alike):
 * `Is a directory (os error 21): write 'out'`.
 */
function namingTarget(e: unknown, path: string): unknown {
  if (!(e instanceof Error)) return e;
  const reason = /^(.*?\(os error \d+\))/.exec(e.message)?.[1];
  if (reason === undefined) return e;
  const Kind = e.constructor as new (message: string) => Error;
  try {
    const renamed = new Kind(`${reason}: write '${path}'`);
    renamed.cause = e;
    return renamed;
  } catch {
    return e;
  }
}

let _counter = 0;

/**
 * The end of a file that may be large (a command's output): what a view
 * shows under a failure, or what a failure's cause is looked for in.
 * @module
 */

import { refuseSpecialFileSync } from "./regular_file.ts";

/** How much of the end of a file {@link readTail} reads. */
export const TAIL_BYTES = 64 * 1024;

/**
 * The end of `file` (at most {@link TAIL_BYTES}, starting at a line), or
 * null when it cannot be read: a view must never fail the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTail } from "./read_tail.ts";
 * const file = Deno.makeTempFileSync();
 * Deno.writeTextFileSync(file, "a\nb\n");
 * assert.deepEqual(readTail(file), { text: "a\nb\n", partial: false });
 * Deno.removeSync(file);
 * ```
 */
export function readTail(
  file: string,
): { text: string; partial: boolean } | null {
  let handle: Deno.FsFile | undefined;
  try {
    refuseSpecialFileSync(file);
    handle = Deno.openSync(file, { read: true });
    const size = handle.statSync().size;
    const start = Math.max(0, size - TAIL_BYTES);
    handle.seekSync(start, Deno.SeekMode.Start);
    const bytes = new Uint8Array(size - start);
    let read = 0;
    while (read < bytes.length) {
      const n = handle.readSync(bytes.subarray(read));
      if (n === null) break;
      read += n;
    }
    let text = new TextDecoder().decode(bytes.subarray(0, read));
    if (start > 0) text = text.slice(text.indexOf("\n") + 1);
    return { text, partial: start > 0 };
  } catch {
    return null;
  } finally {
    handle?.close();
  }
}

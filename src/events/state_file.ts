/**
 * Reading the small files orchestrate keeps its state in (`.codex/lock`,
 * `.codex/runs/index`, an approvals journal, the mark of `TASKS.md`) without
 * ever blocking: opening a FIFO waits for a writer that may never come, and
 * reading a device may never end, in a call that Ctrl-C cannot interrupt.
 * So a path that is not a regular file is refused before it is opened.
 * @module
 */

import {
  refuseSpecialFile,
  refuseSpecialFileSync,
} from "../fs/regular_file.ts";
import { ControlFileError } from "./control_entry.ts";

/**
 * The text of a state file, at most its first `maxBytes` bytes (a lock is a
 * line; a huge one is damaged, and reading all of it would only cost memory).
 *
 * @param path The file.
 * @param maxBytes How much to read at most.
 * @throws {Deno.errors.NotFound} When it does not exist.
 * @throws {NotARegularFile} When it is a pipe, socket or device.
 * @throws {ControlFileError} When it is a folder (the message says what to do).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readStateText } from "./state_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/lock`, "0123456789");
 * assert.equal(await readStateText(`${dir}/lock`), "0123456789");
 * assert.equal(await readStateText(`${dir}/lock`, 4), "0123");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readStateText(
  path: string,
  maxBytes = Infinity,
): Promise<string> {
  await refuseSpecialFile(path);
  const info = await Deno.stat(path);
  if (info.isDirectory) throw new ControlFileError(path, "folder", "its state");
  if (maxBytes === Infinity) return await Deno.readTextFile(path);
  const file = await Deno.open(path, { read: true });
  try {
    const buffer = new Uint8Array(maxBytes);
    let got = 0;
    while (got < maxBytes) {
      const n = await file.read(buffer.subarray(got));
      if (n === null) break;
      got += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, got));
  } finally {
    file.close();
  }
}

/** {@link readStateText}, synchronous. */
export function readStateTextSync(path: string, maxBytes = Infinity): string {
  refuseSpecialFileSync(path);
  if (Deno.statSync(path).isDirectory) {
    throw new ControlFileError(path, "folder", "its state");
  }
  if (maxBytes === Infinity) return Deno.readTextFileSync(path);
  const file = Deno.openSync(path, { read: true });
  try {
    const buffer = new Uint8Array(maxBytes);
    let got = 0;
    while (got < maxBytes) {
      const n = file.readSync(buffer.subarray(got));
      if (n === null) break;
      got += n;
    }
    return new TextDecoder().decode(buffer.subarray(0, got));
  } finally {
    file.close();
  }
}

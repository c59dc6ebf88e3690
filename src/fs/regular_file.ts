/**
 * Reading a file someone else controls (a plan, a manifest, `.gitignore`,
 * a plan's helper module) without ever blocking or exhausting memory:
 * opening a FIFO waits for a writer that may never come, reading a device
 * may never end, in a call that Ctrl-C cannot interrupt, and a file of
 * gigabytes is read whole by `Deno.readTextFile`. So a path that is not a
 * regular file is refused before it is opened, and one over its reader's
 * limit before it is read.
 * @module
 */

/**
 * The path exists but is a pipe, socket or device: orchestrate never reads
 * or appends to one. An I/O fault (exit 74), like a folder where a file
 * should be.
 */
export class NotARegularFile extends Deno.errors.InvalidData {
  override name = "NotARegularFile";
  /** @param path The path, as it will be shown. */
  constructor(path: string) {
    super(`Not a regular file (a pipe, socket or device): '${path}'`);
  }
}

/** The file is larger than what reads it accepts. An I/O fault (exit 74) unless the reader words it. */
export class FileTooLarge extends Deno.errors.InvalidData {
  override name = "FileTooLarge";
  /** The file's size in bytes. */
  readonly size: number;
  /** The limit it passed. */
  readonly maxBytes: number;
  /**
   * @param path The path, as it will be shown.
   * @param size Its size in bytes.
   * @param maxBytes The limit it passed.
   */
  constructor(path: string, size: number, maxBytes: number) {
    super(
      `Too large: '${path}' is ${mebibytes(size)}, over the limit of ${
        mebibytes(maxBytes)
      }`,
    );
    this.size = size;
    this.maxBytes = maxBytes;
  }
}

/**
 * `64 MiB`, `64.1 MiB`, `1 KiB`: sizes as limits are stated, rounded up,
 * so a size just over a limit never reads as the limit itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mebibytes } from "./regular_file.ts";
 * assert.equal(mebibytes(64 * 1024 * 1024 + 1), "64.1 MiB");
 * ```
 */
export function mebibytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KiB`;
  const mib = bytes / 1024 / 1024;
  return `${
    Number.isInteger(mib) ? mib : (Math.ceil(mib * 10) / 10).toFixed(1)
  } MiB`;
}

/**
 * Throws unless `path` is a regular file or absent (a folder is left to the
 * caller's open, which reports it as `IsADirectory`).
 *
 * @throws {NotARegularFile} When it is a pipe, socket or device.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotARegularFile, refuseSpecialFile } from "./regular_file.ts";
 * await refuseSpecialFile("/no/such/file"); // absent: left to the caller's open
 * await assert.rejects(refuseSpecialFile("/dev/null"), NotARegularFile);
 * ```
 */
export async function refuseSpecialFile(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  if (!info.isFile && !info.isDirectory) throw new NotARegularFile(path);
}

/** {@link refuseSpecialFile}, for the synchronous paths (exit handlers, TASKS.md). */
export function refuseSpecialFileSync(path: string): void {
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  if (!info.isFile && !info.isDirectory) throw new NotARegularFile(path);
}

/**
 * The text of a regular file of at most `maxBytes` bytes (a UTF-8 BOM
 * kept; invalid UTF-8 replaced, as `Deno.readTextFile` does).
 *
 * @throws {Deno.errors.NotFound} When it does not exist.
 * @throws {Deno.errors.IsADirectory} When it is a folder.
 * @throws {NotARegularFile} When it is a pipe, socket or device.
 * @throws {FileTooLarge} When it holds more than `maxBytes` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FileTooLarge, readRegularText } from "./regular_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/package.json`, "{}");
 * assert.equal(await readRegularText(`${dir}/package.json`, 2), "{}");
 * await assert.rejects(readRegularText(`${dir}/package.json`, 1), FileTooLarge);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readRegularText(
  path: string,
  maxBytes: number,
): Promise<string> {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(
    await readRegularBytes(path, maxBytes),
  );
}

/**
 * The bytes of a regular file of at most `maxBytes` bytes, as
 * {@link readRegularText} reads them.
 *
 * @throws {Deno.errors.NotFound} When it does not exist.
 * @throws {Deno.errors.IsADirectory} When it is a folder.
 * @throws {NotARegularFile} When it is a pipe, socket or device.
 * @throws {FileTooLarge} When it holds more than `maxBytes` bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRegularBytes } from "./regular_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "ab");
 * assert.deepEqual(await readRegularBytes(`${dir}/a`, 8), new Uint8Array([97, 98]));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
// deno-lint-ignore require-await
export async function readRegularBytes(
  path: string,
  maxBytes: number,
): Promise<Uint8Array> {
  // Synchronous steps: a regular file's stat, open and reads never wait
  // long, where each async one is a hop to a worker thread (0.03 ms on a
  // quiet machine, 0.2-0.5 ms on a loaded one; five of them per file, and
  // every command reads a few such files before it does anything).
  refuseSpecialFileSync(path);
  const file = Deno.openSync(path, { read: true });
  try {
    const { size, isFile, isDirectory } = file.statSync();
    // Swapped since the check, or a folder (which Linux lets one open).
    if (isDirectory) {
      throw new Deno.errors.IsADirectory(`Is a directory: '${path}'`);
    }
    if (!isFile) throw new NotARegularFile(path);
    if (size > maxBytes) throw new FileTooLarge(path, size, maxBytes);
    // Sized from stat, grown if the file grows while it is read, up to one
    // byte past the limit (which is then known to be passed).
    let buffer = new Uint8Array(size + 1);
    let got = 0;
    for (;;) {
      if (got === buffer.length) {
        if (got > maxBytes) throw new FileTooLarge(path, got, maxBytes);
        const bigger = new Uint8Array(Math.min(got * 2, maxBytes + 1));
        bigger.set(buffer);
        buffer = bigger;
      }
      const n = file.readSync(buffer.subarray(got));
      if (n === null) break;
      got += n;
    }
    return buffer.subarray(0, got);
  } finally {
    file.close();
  }
}

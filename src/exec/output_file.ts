/**
 * A command's captured output on disk, with bounded memory and a bounded
 * file: at most one chunk per stream is in flight (the caller awaits each
 * write before reading more), and past the cap only the last bytes are kept.
 * @module
 */

import { isOsError } from "./os_error.ts";

/**
 * How much of a command's output is kept: the last 8 MiB. That is well over
 * 100,000 lines of compiler or test output, where the error that matters is
 * near the end, while a 1,000-task run of chatty commands stays within a few
 * GB of disk. The cut is exact: the file starts with one line that says how
 * many bytes were dropped.
 */
export const OUTPUT_CAP_BYTES = 8 * 1024 * 1024;

/** Output that could not be written (disk full, I/O error, no directory). */
export class OutputError extends Error {
  override name = "OutputError";
}

/** What a finished {@link OutputFile} holds. */
export interface OutputTotals {
  /** Bytes the command printed. */
  outputBytes: number;
  /** Bytes cut from the start because the output passed the cap. */
  droppedBytes: number;
}

/**
 * Output written in arrival order, the file created only when the first
 * byte arrives (most commands of a big run print nothing, and an open per
 * command costs more than the spawn budget allows). Up to the cap the file
 * is written straight; past it, it becomes a ring of `cap` bytes, turned
 * back into order (a note line, then the tail) by {@link close}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutputFile } from "./output_file.ts";
 * const path = await Deno.makeTempFile();
 * const out = new OutputFile(path, 4);
 * await out.write(new TextEncoder().encode("abcdef"));
 * assert.deepEqual(await out.close(), { outputBytes: 6, droppedBytes: 2 });
 * assert.ok((await Deno.readTextFile(path)).endsWith("\ncdef"));
 * await Deno.remove(path);
 * ```
 */
export class OutputFile {
  #path: string;
  #cap: number;
  #file: Deno.FsFile | null = null;
  #used = false;
  /** Where the next byte goes in the ring. */
  #at = 0;
  #wrapped = false;
  #total = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #error: OutputError | null = null;

  constructor(path: string, cap: number = OUTPUT_CAP_BYTES) {
    if (!(cap >= 1)) {
      throw new RangeError(`Output cap must be >= 1, got ${cap}`);
    }
    this.#path = path;
    this.#cap = cap;
  }

  /** Whether anything was written (else no file exists). */
  get used(): boolean {
    return this.#used;
  }

  /** Why the output could not be written, once it could not. */
  get error(): OutputError | null {
    return this.#error;
  }

  /**
   * Appends `chunk`; resolves once it is on disk, to false when the output
   * cannot be written (see {@link error}). Never rejects.
   */
  write(chunk: Uint8Array): Promise<boolean> {
    this.#used = true;
    const done = this.#queue.then(() => this.#guard(() => this.#append(chunk)));
    this.#queue = done;
    return done;
  }

  /** Waits for pending writes, puts a wrapped ring back in order, closes. */
  async close(): Promise<OutputTotals> {
    await this.#queue;
    if (this.#wrapped && this.#error === null) {
      await this.#guard(() => this.#unwrap());
    }
    this.#file?.close();
    this.#file = null;
    return {
      outputBytes: this.#total,
      droppedBytes: this.#wrapped ? this.#total - this.#cap : 0,
    };
  }

  async #guard(step: () => Promise<void>): Promise<boolean> {
    if (this.#error) return false;
    try {
      await step();
      return true;
    } catch (e) {
      if (!isOsError(e)) throw e;
      this.#error = new OutputError(
        `Cannot write command output to ${this.#path}: ${(e as Error).message}`,
        { cause: e },
      );
      return false;
    }
  }

  async #append(chunk: Uint8Array): Promise<void> {
    this.#total += chunk.length;
    // 0600: output may hold what a command printed about its secrets.
    this.#file ??= await openFresh(this.#path, true);
    // Only the last `cap` bytes of a chunk can survive.
    let rest = chunk.length > this.#cap
      ? chunk.subarray(chunk.length - this.#cap)
      : chunk;
    if (rest !== chunk) this.#wrapped = true;
    while (rest.length > 0) {
      if (this.#at === this.#cap) {
        this.#at = 0;
        this.#wrapped = true;
        await this.#file.seek(0, Deno.SeekMode.Start);
      }
      const part = rest.subarray(0, this.#cap - this.#at);
      await writeAll(this.#file, part);
      this.#at += part.length;
      rest = rest.subarray(part.length);
    }
  }

  /** Rewrites the ring as note + oldest kept bytes + newest, through a temp file. */
  async #unwrap(): Promise<void> {
    const ring = this.#file!;
    const tail = `${this.#path}.tail`;
    const out = await openFresh(tail, false);
    try {
      const dropped = this.#total - this.#cap;
      await writeAll(
        out,
        new TextEncoder().encode(
          `[orchestrate: output cut: the first ${dropped} bytes were dropped, the last ${this.#cap} follow]\n`,
        ),
      );
      await copyRange(ring, this.#at, this.#cap, out);
      await copyRange(ring, 0, this.#at, out);
    } finally {
      out.close();
    }
    await Deno.rename(tail, this.#path);
  }
}

/**
 * Creates `path` exclusively (O_CREAT|O_EXCL, 0600), which never follows a
 * link: a regular file already there (an earlier attempt's) or a link (one
 * a task planted at this stable name) is removed first, the link itself
 * and not what it points to; another entry appearing in between fails the
 * open. A character device (`/dev/null`) is written as it is; anything
 * else (a folder, a FIFO that would block) is refused.
 */
async function openFresh(path: string, read: boolean): Promise<Deno.FsFile> {
  const how = { read, write: true, createNew: true, mode: 0o600 };
  try {
    return await Deno.open(path, how);
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  const info = await Deno.lstat(path);
  if (info.isCharDevice) return await Deno.open(path, { read, write: true });
  if (!info.isFile && !info.isSymlink) {
    throw new Deno.errors.AlreadyExists(
      `${path} exists and is not a regular file`,
    );
  }
  await Deno.remove(path);
  return await Deno.open(path, how);
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let n = 0;
  while (n < bytes.length) n += await file.write(bytes.subarray(n));
}

const COPY_CHUNK = 1024 * 1024;

async function copyRange(
  from: Deno.FsFile,
  start: number,
  end: number,
  to: Deno.FsFile,
): Promise<void> {
  await from.seek(start, Deno.SeekMode.Start);
  const buffer = new Uint8Array(Math.min(COPY_CHUNK, Math.max(end - start, 1)));
  for (let at = start; at < end;) {
    const n = await from.read(
      buffer.subarray(0, Math.min(buffer.length, end - at)),
    );
    if (n === null) {
      throw new Deno.errors.UnexpectedEof(`${end - at} bytes missing`);
    }
    await writeAll(to, buffer.subarray(0, n));
    at += n;
  }
}

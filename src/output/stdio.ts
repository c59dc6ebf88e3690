/**
 * The process's own stdout and stderr, through one writer each that turns a
 * closed reader (EPIPE: piped to `head`; EIO: the terminal went away) into
 * "stop writing". A run whose output nobody reads any more goes on running
 * and recording; only the printing stops.
 * @module
 */

/** A synchronous byte sink, such as `Deno.stdout`. */
export interface SyncWriter {
  /** Writes some of `bytes`, returns how many. */
  writeSync(bytes: Uint8Array): number;
}

const _encoder = new TextEncoder();

/**
 * Writes text to a stream synchronously and completely, until the reader
 * goes away; from then on writes are dropped. Other errors are thrown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamWriter } from "./stdio.ts";
 * let calls = 0;
 * const writer = new StreamWriter({
 *   writeSync() {
 *     calls++;
 *     throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
 *   },
 * });
 * writer.write("hello\n");
 * writer.write("again\n");
 * assert.equal(writer.closed, true);
 * assert.equal(calls, 1);
 * ```
 */
export class StreamWriter {
  #sink: SyncWriter;
  #closed = false;

  /** @param sink Where bytes go (`Deno.stdout`, `Deno.stderr`). */
  constructor(sink: SyncWriter) {
    this.#sink = sink;
  }

  /** Whether the reader has gone away (writes are dropped). */
  get closed(): boolean {
    return this.#closed;
  }

  /** Writes `text` completely, or drops it once the reader has gone away. */
  write(text: string): void {
    if (this.#closed || text === "") return;
    const bytes = _encoder.encode(text);
    let written = 0;
    try {
      while (written < bytes.length) {
        written += this.#sink.writeSync(bytes.subarray(written));
      }
    } catch (e) {
      if (!isReaderGone(e)) throw e;
      this.#closed = true;
    }
  }
}

/**
 * Whether an error from writing to stdout/stderr means nobody reads any
 * more: a broken pipe (EPIPE), or a terminal that was closed (EIO).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isReaderGone } from "./stdio.ts";
 * assert.equal(isReaderGone(new Deno.errors.BrokenPipe("x")), true);
 * assert.equal(isReaderGone(new Deno.errors.NotFound("x")), false);
 * ```
 */
export function isReaderGone(error: unknown): boolean {
  if (error instanceof Deno.errors.BrokenPipe) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "EIO";
}

/** The process's stdout. */
export const stdout: StreamWriter = new StreamWriter(Deno.stdout);

/** The process's stderr. */
export const stderr: StreamWriter = new StreamWriter(Deno.stderr);

/**
 * Prints a line (a newline is added) to stdout.
 *
 * @example
 * ```ts ignore
 * // ignore: prints to the real stdout
 * print("Wrote orchestrator.yml");
 * ```
 */
export function print(line: string): void {
  stdout.write(`${line}\n`);
}

/**
 * Prints a line (a newline is added) to stderr.
 *
 * @example
 * ```ts ignore
 * // ignore: prints to the real stderr
 * printError("warning: Cannot write TASKS.md");
 * ```
 */
export function printError(line: string): void {
  stderr.write(`${line}\n`);
}

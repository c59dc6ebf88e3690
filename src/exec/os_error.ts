/**
 * Telling errors of the operating system (a full disk, a vanished process)
 * from errors of our own code. Deno raises the first as `Deno.errors.*` or
 * as a plain `Error` whose message ends in `(os error N)`, with an errno
 * `code` on some of them only.
 * @module
 */

/**
 * The errno of an error raised by the operating system, or null for any
 * other error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { osErrorNumber } from "./os_error.ts";
 * assert.equal(osErrorNumber(new Error("No such process (os error 3): readfile '/proc/2/environ'")), 3);
 * assert.equal(osErrorNumber(new TypeError("x is undefined")), null);
 * ```
 */
export function osErrorNumber(e: unknown): number | null {
  if (!(e instanceof Error)) return null;
  const match = /\(os error (\d+)\)/.exec(e.message);
  return match ? Number(match[1]) : null;
}

/**
 * Whether `e` came from the operating system (errno, or a `Deno.errors`
 * class of I/O) rather than from a bug.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isOsError } from "./os_error.ts";
 * assert.ok(isOsError(new Deno.errors.NotFound("gone")));
 * assert.ok(!isOsError(new RangeError("bad")));
 * ```
 */
export function isOsError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return osErrorNumber(e) !== null ||
    typeof (e as { code?: unknown }).code === "string" ||
    IO_ERRORS.some((kind) => e instanceof kind);
}

const IO_ERRORS = [
  Deno.errors.NotFound,
  Deno.errors.PermissionDenied,
  Deno.errors.NotADirectory,
  Deno.errors.IsADirectory,
  Deno.errors.AlreadyExists,
  Deno.errors.WriteZero,
  Deno.errors.UnexpectedEof,
  Deno.errors.BrokenPipe,
  Deno.errors.Interrupted,
  Deno.errors.Busy,
  Deno.errors.FilesystemLoop,
  Deno.errors.InvalidData,
  Deno.errors.NotCapable,
];

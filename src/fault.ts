/**
 * What kind of trouble an exception is: a fault of the machine (a file that
 * cannot be read or written: exit 74, or a task's failure with reason
 * `error`), or a bug of orchestrate (exit 70, never a failed task).
 * @module
 */

/**
 * A broken invariant of orchestrate: a bug, whatever it says. Thrown where
 * the code knows it should be unreachable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { InternalError, isBug } from "./fault.ts";
 * assert.equal(isBug(new InternalError("ready task A decided skip")), true);
 * ```
 */
export class InternalError extends Error {
  override name = "InternalError";
}

/** The JavaScript errors only a mistake in the code throws. */
const _BUG_ERRORS = [
  InternalError,
  TypeError,
  ReferenceError,
  RangeError,
  SyntaxError,
  EvalError,
  URIError,
];

/**
 * Whether an exception is a bug of orchestrate rather than a fault of the
 * machine or of what it runs: an {@link InternalError}, a programming
 * error of JavaScript (`TypeError`, `RangeError`, ...) that is not an I/O
 * fault, or a thrown value that is not an `Error` at all. Plain `Error`s
 * and Deno's I/O errors are faults (git failed, a helper died, a disk is
 * full): a task fails with them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBug } from "./fault.ts";
 * assert.equal(isBug(new TypeError("x is undefined")), true);
 * assert.equal(isBug(new Error("git diff exited 128")), false);
 * assert.equal(isBug(new Deno.errors.PermissionDenied("open 'out'")), false);
 * assert.equal(isBug("a string"), true);
 * ```
 */
export function isBug(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (isIoFault(error)) return false;
  return _BUG_ERRORS.some((type) => error instanceof type);
}

const _IO_ERRORS = [
  Deno.errors.PermissionDenied,
  Deno.errors.NotCapable,
  Deno.errors.NotFound,
  Deno.errors.AlreadyExists,
  Deno.errors.IsADirectory,
  Deno.errors.NotADirectory,
  Deno.errors.BrokenPipe,
  Deno.errors.WriteZero,
  Deno.errors.UnexpectedEof,
  Deno.errors.FilesystemLoop,
  Deno.errors.Busy,
  Deno.errors.InvalidData, // A pipe or device where a state file should be.
];

// errno codes of faults of the disk that Deno reports as a plain Error.
const _IO_CODES = new Set([
  "ENOSPC",
  "EDQUOT",
  "EROFS",
  "EIO",
  "EACCES",
  "EPERM",
  "EMFILE",
  "ENFILE",
  "ENAMETOOLONG",
  "ETXTBSY",
  "EFBIG",
]);

/**
 * Whether an error is a fault of the machine rather than a bug: a file or
 * folder that cannot be read or written (permissions, a missing or
 * misplaced path, a full or read-only disk, a closed pipe).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isIoFault } from "./fault.ts";
 * assert.equal(isIoFault(new Deno.errors.PermissionDenied("mkdir '.codex/runs'")), true);
 * assert.equal(isIoFault(Object.assign(new Error("No space left on device (os error 28)"), { code: "ENOSPC" })), true);
 * assert.equal(isIoFault(new TypeError("x is undefined")), false);
 * ```
 */
export function isIoFault(error: unknown): boolean {
  if (_IO_ERRORS.some((type) => error instanceof type)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && _IO_CODES.has(code)) return true;
  return error instanceof Error &&
    /\(os error (28|30|5|122|13|1|24)\)/.test(error.message);
}

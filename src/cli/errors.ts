/**
 * The one error channel of commands: an expected failure is thrown as a
 * {@link CliError} carrying what to print and the exit code; `main` prints
 * it and exits with that code. Anything else that reaches `main` is either a
 * fault of the machine (a file that cannot be read or written: exit 74) or a
 * bug (exit 70).
 * @module
 */

import { EXIT_CODE, type ExitCode } from "../exit_code.ts";
export { EXIT_CODE };
export { isIoFault } from "../fault.ts";

/**
 * An expected failure of a command: printed as {@link CliError.text} on
 * stderr, then the process exits with {@link CliError.exitCode}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "./errors.ts";
 * const e = new CliError("Another run holds the lock", 2);
 * assert.equal(e.text(), "error: Another run holds the lock");
 * assert.equal(e.exitCode, 2);
 * ```
 */
export class CliError extends Error {
  override name = "CliError";
  /** The exit code of the process. */
  readonly exitCode: ExitCode;

  /**
   * @param message One line, sentence case.
   * @param exitCode The exit code (see {@link EXIT_CODE}).
   */
  constructor(message: string, exitCode: ExitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** What to print on stderr. */
  text(): string {
    return `error: ${this.message}`;
  }
}

/**
 * Bad command-line usage: printed as one `error:` line, then the command's
 * help when there is one; exit code 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UsageError } from "./errors.ts";
 * const e = new UsageError('Unknown command "plna"', "Usage: orchestrate ...");
 * assert.equal(e.text(), 'error: Unknown command "plna"\n\nUsage: orchestrate ...');
 * assert.equal(e.exitCode, 2);
 * ```
 */
export class UsageError extends CliError {
  override name = "UsageError";
  /** Help of the command it concerns ("" for none). */
  readonly help: string;

  /**
   * @param message One line, sentence case.
   * @param help The help text to print after it, or "".
   */
  constructor(message: string, help = "") {
    super(message, EXIT_CODE.invalid);
    this.help = help;
  }

  override text(): string {
    return this.help ? `${super.text()}\n\n${this.help}` : super.text();
  }
}

/**
 * The plan could not be loaded: its diagnostics (`file:line:col: message`
 * lines and the count) are the text; exit code 2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PlanInvalid } from "./errors.ts";
 * const e = new PlanInvalid("p.yml:3:5: Unknown key \"titel\"\n\n1 error in p.yml");
 * assert.equal(e.exitCode, 2);
 * assert.ok(e.text().startsWith("p.yml:3:5: "));
 * ```
 */
export class PlanInvalid extends CliError {
  override name = "PlanInvalid";

  /** @param report The diagnostics, as printed. */
  constructor(report: string) {
    super(report, EXIT_CODE.invalid);
  }

  override text(): string {
    return this.message;
  }
}

/**
 * Shared by every command that reads the plan: `--file`, discovery (the
 * nearest plan in the working directory or a folder above it), and
 * diagnostics printed as `file:line:col: message` with exit code 2.
 * @module
 */

import { dirname, relative, resolve } from "../fs/path.ts";
import type { StringOption } from "./command.ts";
import { PlanInvalid, UsageError } from "./errors.ts";
import {
  findPlan,
  PLAN_FILE_NAMES,
  type SearchStop,
} from "../plan/discover.ts";
import { errorSummary, formatDiagnostic } from "../plan/diagnostic.ts";
import { printError } from "../output/stdio.ts";
import type { Diagnostic, Result } from "../plan/diagnostic.ts";
import {
  NotARegularFile,
  refuseSpecialFile as refuseSpecialPath,
} from "../fs/regular_file.ts";
import {
  type CheckedPlan,
  checkPlan,
  type LoadedPlan,
  loadPlan,
} from "../plan/load.ts";

/** The `--file` flag, identical on every command. */
export const FILE_OPTION: StringOption = {
  type: "string",
  short: "f",
  value: "FILE",
  description: `Plan file (default: the nearest ${
    PLAN_FILE_NAMES.join(", then ")
  } here or in a folder above, up to the top of the git repository)`,
};

/** Diagnostics printed at most: past that, a broken generator's output buries the first cause. */
export const MAX_SHOWN = 200;

/** Exit code for an invalid plan or bad usage. */
export const EXIT_INVALID = 2;

/**
 * Loads the plan named by `--file` (or discovered).
 * @throws {PlanInvalid} With every diagnostic, when the plan is invalid or cannot be read.
 * @throws {UsageError} When no plan is found.
 */
export async function loadPlanOrThrow(
  file: string | boolean | undefined,
): Promise<LoadedPlan> {
  return await orThrow(file, loadPlan);
}

/**
 * {@link loadPlanOrThrow} without the plan's hash, for commands that only
 * read the plan.
 */
export async function checkPlanOrThrow(
  file: string | boolean | undefined,
): Promise<CheckedPlan> {
  return await orThrow(file, checkPlan);
}

/**
 * The plan a command reads: `--file`, else the nearest plan (said on
 * stderr when it is not in the working directory, or when another plan
 * file beside it is ignored).
 * @throws {UsageError} When no plan is found.
 */
export function planPath(file: string | boolean | undefined): string {
  return typeof file === "string" ? file : nearestPlan();
}

async function orThrow<T>(
  file: string | boolean | undefined,
  load: (path: string) => Promise<Result<T>>,
): Promise<T> {
  const path = planPath(file);
  await refuseSpecialFile(path);
  if (isTsPlan(path)) {
    // Only TS plans have a DSL copy: YAML commands never load this.
    const { warnIfDslCopyIsOld } = await import("../init/dsl_copy.ts");
    await warnIfDslCopyIsOld(dirname(path));
  }
  const result = await load(path);
  if (result.ok) return result.value;
  throw planInvalid(result.diagnostics, path);
}

/** Whether `path` names a TypeScript plan. */
export function isTsPlan(path: string): boolean {
  return /\.[cm]?ts$/.test(path);
}

/**
 * The error that prints `diagnostics` (the first {@link MAX_SHOWN}) and
 * their count, and exits with code 2.
 */
export function planInvalid(
  diagnostics: readonly Diagnostic[],
  path: string,
): PlanInvalid {
  const shown = diagnostics.slice(0, MAX_SHOWN);
  const n = diagnostics.length;
  const more = n > MAX_SHOWN ? ` (the first ${MAX_SHOWN} shown)` : "";
  return new PlanInvalid(
    `${shown.map(formatDiagnostic).join("\n")}\n\n${
      errorSummary(diagnostics, path)
    }${more}`,
  );
}

const STOPPED_AT: Record<SearchStop, string> = {
  git: "the top of the git repository",
  root: "the root of the file system",
  unreadable: "a folder that cannot be read",
};

/**
 * The nearest plan, as a path from the working directory; said on stderr
 * when it is not in the working directory.
 * @throws {UsageError} When there is none.
 */
function nearestPlan(): string {
  const cwd = Deno.cwd();
  const search = findPlan(cwd);
  if (!search.found) {
    const where = search.top === resolve(cwd)
      ? "here"
      : `here or in a folder above, up to ${search.top}`;
    throw new UsageError(
      `No plan found: expected ${PLAN_FILE_NAMES.join(", ")} ${where} (${
        STOPPED_AT[search.stop]
      }); run "orchestrate init" to start one, or pass --file`,
      "",
    );
  }
  const path = relative(cwd, search.path);
  const elsewhere = dirname(search.path) !== resolve(cwd);
  if (search.ignored.length > 0) {
    const names = search.ignored.join(" and ");
    printError(`using ${path}, not ${names} beside it (pass --file to choose)`);
  } else if (elsewhere) printError(`using ${path}`);
  return path;
}

// Reading a FIFO or a device would block or never end: only files and folders reach the loader
// (which reports a folder, or a file it cannot read, as a located error).
/**
 * Refuses a plan path that is a pipe, socket or device.
 * @throws {PlanInvalid} When it is one.
 */
export async function refuseSpecialFile(path: string): Promise<void> {
  try {
    await refuseSpecialPath(path);
    return;
  } catch (e) {
    // The loader reports a missing or unreadable plan with its location.
    if (!(e instanceof NotARegularFile)) return;
  }
  throw new PlanInvalid(
    `${path}:1:1: Cannot read plan: not a regular file (a pipe, socket or device)\n\n1 error in ${path}`,
  );
}

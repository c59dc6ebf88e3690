/**
 * Shared by every command that reads the plan: `--file`, discovery, and
 * diagnostics printed as `file:line:col: message` with exit code 2.
 * @module
 */

import type { StringOption } from "./command.ts";
import { PlanInvalid, UsageError } from "./errors.ts";
import { discoverPlan, PLAN_FILE_NAMES } from "../plan/discover.ts";
import { errorSummary, formatDiagnostic } from "../plan/diagnostic.ts";
import type { Result } from "../plan/diagnostic.ts";
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
  description: `Plan file (default: ${PLAN_FILE_NAMES.join(", then ")})`,
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

async function orThrow<T>(
  file: string | boolean | undefined,
  load: (path: string) => Promise<Result<T>>,
): Promise<T> {
  const path = discoverPlan(
    Deno.cwd(),
    typeof file === "string" ? file : undefined,
  );
  if (path === undefined) {
    throw new UsageError(
      `No plan found: expected ${
        PLAN_FILE_NAMES.join(", ")
      } here, or --file (run "orchestrate init" to start one)`,
      "",
    );
  }
  await refuseSpecialFile(path);
  const result = await load(path);
  if (result.ok) return result.value;
  const shown = result.diagnostics.slice(0, MAX_SHOWN);
  const n = result.diagnostics.length;
  const more = n > MAX_SHOWN ? ` (the first ${MAX_SHOWN} shown)` : "";
  throw new PlanInvalid(
    `${shown.map(formatDiagnostic).join("\n")}\n\n${
      errorSummary(result.diagnostics, path)
    }${more}`,
  );
}

// Reading a FIFO or a device would block or never end: only files and folders reach the loader
// (which reports a folder, or a file it cannot read, as a located error).
async function refuseSpecialFile(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch {
    return; // The loader reports a missing or unreadable plan with its location.
  }
  if (info.isFile || info.isDirectory) return;
  throw new PlanInvalid(
    `${path}:1:1: Cannot read plan: not a regular file (a pipe, socket or device)\n\n1 error in ${path}`,
  );
}

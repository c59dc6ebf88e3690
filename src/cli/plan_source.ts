/**
 * Shared by every command that reads the plan: `--file`, discovery, and
 * diagnostics printed as `file:line:col: message` with exit code 2.
 * @module
 */

import type { OptionSpec } from "./command.ts";
import { UsageError } from "./command.ts";
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
export const FILE_OPTION: OptionSpec = {
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
 * Loads the plan named by `--file` (or discovered). On failure prints every
 * diagnostic to stderr and returns the exit code instead of a plan.
 */
export async function loadPlanOrReport(
  file: string | boolean | undefined,
): Promise<LoadedPlan | number> {
  return await orReport(file, loadPlan);
}

/**
 * {@link loadPlanOrReport} without the plan's hash, for commands that only
 * read the plan.
 */
export async function checkPlanOrReport(
  file: string | boolean | undefined,
): Promise<CheckedPlan | number> {
  return await orReport(file, checkPlan);
}

async function orReport<T>(
  file: string | boolean | undefined,
  load: (path: string) => Promise<Result<T>>,
): Promise<T | number> {
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
  const result = await load(path);
  if (result.ok) return result.value;
  const shown = result.diagnostics.slice(0, MAX_SHOWN);
  console.error(shown.map(formatDiagnostic).join("\n"));
  const n = result.diagnostics.length;
  const more = n > MAX_SHOWN ? ` (the first ${MAX_SHOWN} shown)` : "";
  console.error(`\n${errorSummary(result.diagnostics, path)}${more}`);
  return EXIT_INVALID;
}

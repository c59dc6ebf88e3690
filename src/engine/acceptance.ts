/**
 * Evaluates acceptance checks against the project.
 * @module
 */

import type { Check } from "../plan/check.ts";
import { type CheckHelpers, sharedCheckHelpers } from "./check_process.ts";
import { evaluateFileCheck } from "./file_check.ts";
import { isGlob } from "./files.ts";
import type { TaskWorkspace } from "./workspace.ts";

/** What a check needs from the run. */
export interface CheckContext {
  /** The task's workspace: its root, and the process requests of command checks. */
  workspace: TaskWorkspace;
  /** Paths searched by Contains/Not contains/Matches when the check names no file. */
  searchPaths: readonly string[];
  /** Where a command check writes its output (absolute) and how events name it (relative). */
  output: { absolute: string; relative: string };
  signal: AbortSignal;
  /** Run command checks in their own process group (the task has a timebox). */
  ownProcessGroup?: boolean;
  /** Helper processes for file checks (default: the process-wide pool). */
  checkHelpers?: CheckHelpers;
}

/** How a check came out. */
export interface CheckOutcome {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  reason: string;
  /** Output file of a command check, relative to the root. */
  output: string | null;
  /** True when the check was stopped by the abort signal. */
  aborted: boolean;
}

/**
 * Runs one check. `Manual:` checks are not evaluated here (they are gates).
 *
 * @example
 * ```ts ignore
 * const outcome = await evaluateCheck({ kind: "file_exists", path: "README.md" }, context);
 * ```
 */
export async function evaluateCheck(
  check: Check,
  ctx: CheckContext,
): Promise<CheckOutcome> {
  const pass = (): CheckOutcome => ({
    passed: true,
    reason: "",
    output: null,
    aborted: false,
  });
  const fail = (reason: string): CheckOutcome => ({
    passed: false,
    reason,
    output: null,
    aborted: false,
  });
  switch (check.kind) {
    case "tests_pass":
    case "command": {
      const { workspace } = ctx;
      const r = await workspace.runner.run(workspace.request(check.command, {
        outputPath: ctx.output.absolute,
        signal: ctx.signal,
        ownProcessGroup: ctx.ownProcessGroup,
      }));
      const passed = r.status === 0 && !r.aborted && !r.timedOut;
      const reason = passed
        ? ""
        : r.status === null
        ? `killed by ${r.signal}`
        : `exited ${r.status}`;
      return {
        passed,
        reason,
        output: ctx.output.relative,
        aborted: r.aborted,
      };
    }
    case "file_exists":
    case "contains":
    case "not_contains":
    case "matches": {
      const request = {
        root: ctx.workspace.root,
        check,
        searchPaths: ctx.searchPaths,
      };
      // A plain path is a stat away; anything that globs, reads or runs a
      // regex goes to a helper process that the signal can kill.
      if (check.kind === "file_exists" && !isGlob(check.path)) {
        const r = await evaluateFileCheck(request);
        return r.passed ? pass() : fail(r.reason);
      }
      const helpers = ctx.checkHelpers ?? sharedCheckHelpers();
      const r = await helpers.evaluate(request, ctx.signal);
      if (r === null) {
        return { ...fail("stopped before it finished"), aborted: true };
      }
      return r.passed ? pass() : fail(r.reason);
    }
    case "manual":
      return fail("manual checks need a person's approval");
  }
}

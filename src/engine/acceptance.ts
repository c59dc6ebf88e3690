/**
 * Evaluates acceptance checks against the project.
 * @module
 */

import { join } from "node:path";
import type { Check } from "../plan/check.ts";
import type { ProcessRunner } from "../exec/runner.ts";
import { isGlob, matchFiles } from "./files.ts";

/** What a check needs from the run. */
export interface CheckContext {
  root: string;
  runner: ProcessRunner;
  /** Paths searched by Contains/Not contains/Matches when the check names no file. */
  searchPaths: readonly string[];
  /** Where a command check writes its output (absolute) and how events name it (relative). */
  output: { absolute: string; relative: string };
  signal?: AbortSignal;
  env?: Record<string, string>;
  /** Run command checks in their own process group (the task has a timebox). */
  ownProcessGroup?: boolean;
}

/** How a check came out. */
export interface CheckOutcome {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  reason: string;
  /** Output file of a command check, relative to the root. */
  output: string | null;
  /** True when a command check was stopped by the abort signal. */
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
      const r = await ctx.runner.run({
        command: check.command,
        cwd: ctx.root,
        outputPath: ctx.output.absolute,
        signal: ctx.signal,
        env: ctx.env,
        ownProcessGroup: ctx.ownProcessGroup,
      });
      const passed = r.status === 0;
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
    case "file_exists": {
      if (!isGlob(check.path)) {
        const exists = await Deno.stat(join(ctx.root, check.path)).then(
          () => true,
          () => false,
        );
        return exists ? pass() : fail(`${check.path} does not exist`);
      }
      return (await matchFiles(ctx.root, [check.path])).length > 0
        ? pass()
        : fail(`no file matches ${check.path}`);
    }
    case "contains":
    case "not_contains":
    case "matches": {
      const patterns = check.file !== undefined
        ? [check.file]
        : ctx.searchPaths;
      if (patterns.length === 0) {
        return fail(
          'no file to search: name one ("Contains in <file>: ...") or give the task paths.preferred',
        );
      }
      const files = await matchFiles(ctx.root, patterns);
      if (files.length === 0) {
        return fail(`no file matches ${patterns.join(", ")}`);
      }
      const test = check.kind === "matches"
        ? ((re: RegExp) => (text: string) => re.test(text))(
          new RegExp(check.pattern, check.flags),
        )
        : ((needle: string) => (text: string) => text.includes(needle))(
          check.text,
        );
      const hits: string[] = [];
      for (const file of files) {
        let text: string;
        try {
          text = await Deno.readTextFile(join(ctx.root, file));
        } catch {
          continue;
        }
        if (test(text)) hits.push(file);
      }
      if (check.kind === "not_contains") {
        return hits.length === 0
          ? pass()
          : fail(`found in ${hits.slice(0, 3).join(", ")}`);
      }
      return hits.length > 0 ? pass() : fail(
        `not found in ${files.slice(0, 3).join(", ")}${
          files.length > 3 ? ", ..." : ""
        }`,
      );
    }
    case "manual":
      return fail("manual checks need a person's approval");
  }
}

/**
 * The rules of the plan schema that are code rather than shape: ids, paths
 * inside the project, durations, check strings, regular expressions. Free
 * of zod, so the generated validator (`plan_guard.ts`) calls the very
 * functions the zod schema (`schema.ts`) refines with, without loading zod.
 * @module
 */

import { parseCheck, regexProblem } from "./check.ts";
import { MAX_DURATION_MS, parseDuration } from "./duration.ts";

/** Task and shard ids: a letter, then letters, digits, `_`, `-` or `.`. */
export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Task types of the PRD. */
export const TASK_TYPES = [
  "code_change",
  "docs",
  "test",
  "release",
  "deploy",
  "chore",
] as const;

/** Execution strategies: stop at the first failure, or keep running what does not depend on it. */
export const STRATEGIES = ["conservative", "keep_going"] as const;

/**
 * Why a path is not a relative path inside the project, or `undefined`.
 *
 * @example
 * ```ts
 * import { pathProblem } from "./rules.ts";
 * pathProblem("src/a.ts"); // undefined
 * pathProblem("../x"); // 'Path "../x" escapes the project root'
 * ```
 */
export function pathProblem(path: string): string | undefined {
  if (/^([A-Za-z]:)?[\\/]/.test(path) || path.startsWith("~")) {
    return `Path "${path}" must be relative to the project root, not absolute`;
  }
  if (!path.includes("..")) return undefined; // Only ".." climbs.
  const parts = path.split(/[\\/]+/);
  let depth = 0;
  for (const part of parts) {
    if (part === "..") depth--;
    else if (part !== "." && part !== "") depth++;
    if (depth < 0) return `Path "${path}" escapes the project root`;
  }
  return undefined;
}

/**
 * Whether `path` is relative and stays inside the project.
 *
 * @example
 * ```ts
 * import { isRelPath } from "./rules.ts";
 * isRelPath("docs/"); // true
 * isRelPath("/etc"); // false
 * ```
 */
export function isRelPath(path: string): boolean {
  return pathProblem(path) === undefined;
}

/**
 * Whether `text` is a duration with a unit (`90s`, `1h30m`).
 *
 * @example
 * ```ts
 * import { isDuration } from "./rules.ts";
 * isDuration("10m"); // true
 * isDuration("10"); // false
 * ```
 */
export function isDuration(text: string): boolean {
  return parseDuration(text) !== undefined;
}

/**
 * Whether a duration (already known to parse) is one a timer can wait.
 *
 * @example
 * ```ts
 * import { isTimerDuration } from "./rules.ts";
 * isTimerDuration("1h"); // true
 * ```
 */
export function isTimerDuration(text: string): boolean {
  return parseDuration(text)! <= MAX_DURATION_MS;
}

/**
 * Whether a duration (already known to parse) is longer than zero.
 *
 * @example
 * ```ts
 * import { isNonZeroDuration } from "./rules.ts";
 * isNonZeroDuration("0s"); // false
 * ```
 */
export function isNonZeroDuration(text: string): boolean {
  return parseDuration(text) !== 0;
}

/**
 * Why an acceptance string is not a valid check, or `undefined`.
 *
 * @example
 * ```ts
 * import { checkStringProblem } from "./rules.ts";
 * checkStringProblem("File exists: a.txt"); // undefined
 * checkStringProblem("File exists: /etc/passwd"); // 'Path "/etc/passwd" must be relative to the project root, not absolute'
 * ```
 */
export function checkStringProblem(text: string): string | undefined {
  const parsed = parseCheck(text);
  if (!parsed.ok) return parsed.message;
  const check = parsed.check as { path?: string; file?: string };
  return (check.path === undefined ? undefined : pathProblem(check.path)) ??
    (check.file === undefined ? undefined : pathProblem(check.file));
}

/**
 * Whether `text` is a valid acceptance check string.
 *
 * @example
 * ```ts
 * import { isCheckString } from "./rules.ts";
 * isCheckString("Tests pass: npm test"); // true
 * ```
 */
export function isCheckString(text: string): boolean {
  return checkStringProblem(text) === undefined;
}

/** Flags a `matches` check may carry. */
export const REGEX_FLAGS = /^[dgimsuvy]*$/;

/**
 * Why the pattern of a `matches` check does not compile, or `undefined`;
 * also `undefined` when its flags are invalid (they are reported on flags).
 *
 * @example
 * ```ts
 * import { matchesProblem } from "./rules.ts";
 * matchesProblem({ pattern: "a+" }); // undefined
 * ```
 */
export function matchesProblem(
  check: { pattern: string; flags?: string },
): string | undefined {
  if (!REGEX_FLAGS.test(check.flags ?? "")) return undefined;
  return regexProblem(check.pattern, check.flags ?? "");
}

/**
 * Whether the pattern of a `matches` check compiles with its flags (see
 * {@link matchesProblem}).
 *
 * @example
 * ```ts
 * import { isMatchesPattern } from "./rules.ts";
 * isMatchesPattern({ pattern: "[z-a]" }); // false
 * ```
 */
export function isMatchesPattern(
  check: { pattern: string; flags?: string },
): boolean {
  return matchesProblem(check) === undefined;
}

/**
 * Why an entry of `permissions.run` is not an executable name or path, or
 * `undefined`: a bare name (looked up on the task's PATH), an absolute
 * path, or a relative path with a `/` inside the project.
 *
 * @example
 * ```ts
 * import { runEntryProblem } from "./rules.ts";
 * runEntryProblem("git"); // undefined
 * runEntryProblem("./scripts/build.sh"); // undefined
 * runEntryProblem("../tools/x"); // 'Path "../tools/x" escapes the project root'
 * ```
 */
export function runEntryProblem(entry: string): string | undefined {
  if (/^\s|\s$/.test(entry)) {
    return `Invalid executable ${
      JSON.stringify(entry)
    }: name one program, without arguments`;
  }
  if (!/[\\/]/.test(entry) || /^([A-Za-z]:)?[\\/]/.test(entry)) {
    return undefined;
  }
  return pathProblem(entry);
}

/**
 * Whether `entry` may stand in `permissions.run` (see {@link runEntryProblem}).
 *
 * @example
 * ```ts
 * import { isRunEntry } from "./rules.ts";
 * isRunEntry("/usr/bin/git"); // true
 * ```
 */
export function isRunEntry(entry: string): boolean {
  return runEntryProblem(entry) === undefined;
}

/** A variable name in `permissions.env` / `--allow-env`: `CARGO_*` allowed. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

/** A host in `permissions.net` / `--allow-net`: `host` or `host:port`, `[v6]`. */
export const HOST_PATTERN =
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9*][A-Za-z0-9.-]*)(:[0-9]{1,5})?$/;

/**
 * Acceptance checks: the PRD's one-line grammar (`Tests pass: cargo test`)
 * parsed into structured checks.
 * @module
 */

import { closest } from "./suggest.ts";

/** A structured acceptance check, the IR form of every acceptance entry. */
export type Check =
  | { kind: "tests_pass"; command: string }
  | { kind: "command"; command: string }
  | { kind: "file_exists"; path: string }
  | { kind: "contains"; text: string; file?: string }
  | { kind: "not_contains"; text: string; file?: string }
  | { kind: "matches"; pattern: string; flags?: string; file?: string }
  | { kind: "manual"; text: string };

/** Each prefix of the string grammar and the kind it produces. */
export const CHECK_PREFIXES = {
  "Tests pass": "tests_pass",
  "Command": "command",
  "File exists": "file_exists",
  "Contains": "contains",
  "Not contains": "not_contains",
  "Matches": "matches",
  "Manual": "manual",
} as const;

const KIND_LABEL: Record<Check["kind"], string> = Object.fromEntries(
  Object.entries(CHECK_PREFIXES).map(([label, kind]) => [kind, label]),
) as Record<Check["kind"], string>;

/** Result of parsing one acceptance string. */
export type CheckParse = { ok: true; check: Check } | {
  ok: false;
  message: string;
};

/**
 * Parses one acceptance string such as `Contains: enum AppError`.
 *
 * `Contains:`, `Not contains:` and `Matches:` may name a file with
 * `in <path>:` after the prefix: `Contains in src/lib.rs: mod error`.
 *
 * @example
 * ```ts
 * import { parseCheck } from "./check.ts";
 * parseCheck("File exists: src/error.rs");
 * // { ok: true, check: { kind: "file_exists", path: "src/error.rs" } }
 * ```
 */
export function parseCheck(text: string): CheckParse {
  const colon = text.indexOf(":");
  if (colon < 0) {
    return {
      ok: false,
      message:
        `Cannot parse acceptance check "${text}": expected "<Kind>: <argument>", e.g. "Tests pass: npm test"`,
    };
  }
  const head = text.slice(0, colon).trim();
  const arg = text.slice(colon + 1).trim();
  const inFile = /^(Contains|Not contains|Matches) in (.+)$/.exec(head);
  const prefix = inFile ? inFile[1]! : head;
  const kind = Object.hasOwn(CHECK_PREFIXES, prefix)
    ? (CHECK_PREFIXES as Record<string, Check["kind"]>)[prefix]
    : undefined;
  if (!kind) {
    const known = Object.keys(CHECK_PREFIXES);
    // "Contain in f:" is a misspelt kind with a file: suggest the kind, keep the file.
    const withFile = /^(.+?) in (.+)$/.exec(head);
    const fileKinds = ["Contains", "Not contains", "Matches"];
    const nearFileKind = withFile
      ? closest(withFile[1]!, fileKinds)
      : undefined;
    const near = closest(prefix, known);
    const hint = nearFileKind
      ? `did you mean "${nearFileKind} in ${withFile![2]}:"?`
      : near
      ? `did you mean "${near}:"?`
      : `known kinds: ${known.join(", ")}`;
    return {
      ok: false,
      message: `Unknown acceptance check kind "${prefix}": ${hint}`,
    };
  }
  if (arg === "") {
    return {
      ok: false,
      message: `Acceptance check "${prefix}:" needs an argument`,
    };
  }
  const file = inFile?.[2]?.trim();
  return buildCheck(kind, arg, file);
}

function buildCheck(
  kind: Check["kind"],
  arg: string,
  file: string | undefined,
): CheckParse {
  switch (kind) {
    case "tests_pass":
    case "command":
      return { ok: true, check: { kind, command: arg } };
    case "file_exists":
      return { ok: true, check: { kind, path: arg } };
    case "manual":
      return { ok: true, check: { kind, text: arg } };
    case "contains":
    case "not_contains":
      return {
        ok: true,
        check: file ? { kind, text: arg, file } : { kind, text: arg },
      };
    case "matches": {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(arg);
      const pattern = m ? m[1]! : arg;
      const flags = m ? m[2]! : "";
      const problem = regexProblem(pattern, flags);
      if (problem) return { ok: false, message: problem };
      const check: Check = { kind, pattern };
      if (flags) check.flags = flags;
      if (file) check.file = file;
      return { ok: true, check };
    }
  }
}

/**
 * The label used in events and dashboards (`Tests pass`, `File exists`).
 *
 * @example
 * ```ts
 * import { checkLabel } from "./check.ts";
 * checkLabel({ kind: "tests_pass", command: "npm test" }); // "Tests pass"
 * ```
 */
export function checkLabel(check: Check): string {
  return KIND_LABEL[check.kind];
}

/**
 * Renders a check back into the one-line grammar.
 *
 * @example
 * ```ts
 * import { describeCheck } from "./check.ts";
 * describeCheck({ kind: "contains", text: "enum AppError" }); // "Contains: enum AppError"
 * ```
 */
export function describeCheck(check: Check): string {
  const label = checkLabel(check);
  switch (check.kind) {
    case "tests_pass":
    case "command":
      return `${label}: ${check.command}`;
    case "file_exists":
      return `${label}: ${check.path}`;
    case "manual":
      return `${label}: ${check.text}`;
    case "contains":
    case "not_contains":
      return `${label}${check.file ? ` in ${check.file}` : ""}: ${check.text}`;
    case "matches":
      return `${label}${
        check.file ? ` in ${check.file}` : ""
      }: /${check.pattern}/${check.flags ?? ""}`;
  }
}

/**
 * Why `pattern` with `flags` is not a valid regular expression, or `undefined`.
 *
 * @example
 * ```ts
 * import { regexProblem } from "./check.ts";
 * regexProblem("a(", ""); // 'Invalid regular expression /a(/: Unterminated group'
 * regexProblem("a+", "i"); // undefined
 * ```
 */
export function regexProblem(
  pattern: string,
  flags: string,
): string | undefined {
  if (!/^[dgimsuvy]*$/.test(flags)) {
    return `Invalid regular expression flags "${flags}": use d, g, i, m, s, u, v, y`;
  }
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (e) {
    const reason = (e as Error).message.replace(/^.*: /s, "");
    return `Invalid regular expression /${pattern}/${flags}: ${reason}`;
  }
}

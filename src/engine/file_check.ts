/**
 * Evaluates the checks that read the project's files: `File exists`,
 * `Contains`, `Not contains` and `Matches`. Runs inside the check helper
 * process (see check_process.ts), where a runaway regex or a huge tree can
 * be stopped by killing the process.
 * @module
 */

import type { Check } from "../plan/check.ts";
import { errorReason, isGlob, matchFiles, resolveInside } from "./files.ts";
import { join } from "../fs/path.ts";
import { FileTooLarge, readRegularBytes } from "../fs/regular_file.ts";

/** A check that reads files. */
export type FileCheck = Extract<
  Check,
  { kind: "file_exists" | "contains" | "not_contains" | "matches" }
>;

/** What to evaluate: a file check against a project. */
export interface FileCheckRequest {
  /** Project root (absolute). */
  root: string;
  check: FileCheck;
  /** Searched when a content check names no file. */
  searchPaths: readonly string[];
}

/** How a file check came out. */
export interface FileCheckResult {
  passed: boolean;
  /** Why it failed (empty when it passed). */
  reason: string;
}

/** Largest file `Matches` reads (a regex needs the whole text in memory). */
export const MATCHES_MAX_BYTES = 64 * 1024 * 1024;

const CHUNK = 1024 * 1024;

/**
 * Whether `check` is a file check.
 *
 * @example
 * ```ts
 * import { isFileCheck } from "./file_check.ts";
 * isFileCheck({ kind: "contains", text: "x" }); // true
 * isFileCheck({ kind: "command", command: "true" }); // false
 * ```
 */
export function isFileCheck(check: Check): check is FileCheck {
  return check.kind === "file_exists" || check.kind === "contains" ||
    check.kind === "not_contains" || check.kind === "matches";
}

/**
 * Evaluates a file check. A path that leads outside the root through a
 * symlink, a named path that is not a regular file, and a file or folder
 * that cannot be read all fail the check with the reason. `Contains` and
 * `Not contains` compare bytes (the text's UTF-8), streaming any file size;
 * `Matches` decodes UTF-8 (invalid bytes become U+FFFD) and refuses files
 * over {@link MATCHES_MAX_BYTES}.
 *
 * @example
 * ```ts ignore
 * await evaluateFileCheck({ root: "/repo", check: { kind: "contains", text: "MIT", file: "LICENSE" }, searchPaths: [] });
 * // { passed: true, reason: "" }
 * ```
 */
export async function evaluateFileCheck(
  request: FileCheckRequest,
): Promise<FileCheckResult> {
  const { root, check } = request;
  if (check.kind === "file_exists") {
    if (!isGlob(check.path)) {
      const found = await resolveInside(root, check.path);
      if (found.kind === "outside") return fail(outsideReason(check.path));
      if (found.kind === "unreadable") {
        return fail(`cannot read ${check.path}: ${found.reason}`);
      }
      return found.kind === "missing"
        ? fail(`${check.path} does not exist`)
        : PASS;
    }
    const m = await matchFiles(root, [check.path]);
    if (m.outside.length > 0) return fail(outsideReason(m.outside[0]!));
    if (m.files.length > 0) return PASS;
    const unreadable = m.unreadable[0];
    return fail(
      unreadable
        ? `cannot read ${unreadable.path}: ${unreadable.reason}`
        : `no file matches ${check.path}`,
    );
  }
  const patterns = check.file !== undefined
    ? [check.file]
    : request.searchPaths;
  if (patterns.length === 0) {
    return fail(
      'no file to search: name one ("Contains in <file>: ...") or give the task paths.preferred',
    );
  }
  const m = await matchFiles(root, patterns);
  if (m.outside.length > 0) return fail(outsideReason(m.outside[0]!));
  if (m.special.length > 0) {
    return fail(`${m.special[0]} is not a regular file`);
  }
  if (m.unreadable.length > 0) {
    const { path, reason } = m.unreadable[0]!;
    return fail(`cannot read ${path}: ${reason}`);
  }
  if (m.files.length === 0) {
    return fail(`no file matches ${patterns.join(", ")}`);
  }
  const test = check.kind === "matches"
    ? regexTest(new RegExp(check.pattern, check.flags))
    : bytesTest(new TextEncoder().encode(check.text));
  const hits: string[] = [];
  for (const file of m.files) {
    const r = await test(join(root, file));
    if (typeof r === "string") return fail(`cannot read ${file}: ${r}`);
    if (r) hits.push(file);
  }
  if (check.kind === "not_contains") {
    return hits.length === 0
      ? PASS
      : fail(`found in ${hits.slice(0, 3).join(", ")}`);
  }
  return hits.length > 0 ? PASS : fail(
    `not found in ${m.files.slice(0, 3).join(", ")}${
      m.files.length > 3 ? ", ..." : ""
    }`,
  );
}

const PASS: FileCheckResult = { passed: true, reason: "" };

function fail(reason: string): FileCheckResult {
  return { passed: false, reason };
}

function outsideReason(path: string): string {
  return `${path} leads outside the project root through a symlink (refused)`;
}

/** A file test: whether it hits, or why the file could not be read. */
type FileTest = (path: string) => Promise<boolean | string>;

function regexTest(re: RegExp): FileTest {
  return async (path) => {
    const bytes = await readCapped(path, MATCHES_MAX_BYTES);
    if (typeof bytes === "string") return bytes;
    re.lastIndex = 0; // g and y flags carry state between files
    return re.test(new TextDecoder().decode(bytes));
  };
}

/** Streams the file looking for `needle`, keeping `needle.length - 1` bytes across chunks. */
function bytesTest(needle: Uint8Array): FileTest {
  return (path) =>
    withFile(path, async (file, size) => {
      const keep = Math.max(needle.length - 1, 0);
      const buf = new Uint8Array(keep + Math.min(CHUNK, size + 1));
      let have = 0;
      for (;;) {
        const n = await file.read(buf.subarray(have));
        if (n === null) return needle.length === 0;
        have += n;
        if (indexOf(buf.subarray(0, have), needle) >= 0) return true;
        if (have > keep) {
          buf.copyWithin(0, have - keep, have);
          have = keep;
        }
      }
    });
}

/** The file's bytes, or why it could not be read (including "too large"). */
async function readCapped(
  path: string,
  max: number,
): Promise<Uint8Array | string> {
  try {
    return await readRegularBytes(path, max);
  } catch (e) {
    return e instanceof FileTooLarge
      ? `too large for Matches (over ${max / 1024 / 1024} MiB)`
      : errorReason(e);
  }
}

/** Opens `path` and hands it with its size to `use`; an error becomes its reason. */
async function withFile<T>(
  path: string,
  use: (file: Deno.FsFile, size: number) => Promise<T>,
): Promise<T | string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path);
  } catch (e) {
    return errorReason(e);
  }
  try {
    return await use(file, (await file.stat()).size);
  } catch (e) {
    return errorReason(e);
  } finally {
    file.close();
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first); i >= 0 && i <= last;) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = haystack.indexOf(first, i + 1);
  }
  return -1;
}

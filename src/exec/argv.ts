/**
 * Command line → argv, or `sh -c` when the line needs a shell. Spawning
 * without a shell saves an exec per command and keeps argv exact, so only a
 * plain executable (found on PATH, or named by a path) is spawned directly;
 * everything else (`:`, `times`, `exit 3`, `cd sub && make`, ...) runs under
 * `sh -c`, which knows its own built-ins and reports a missing program with
 * exit 127.
 * @module
 */

/**
 * Words a shell must run itself even where a binary of that name exists
 * (macOS ships `/usr/bin/cd`, `/usr/bin/read`, ...): built-ins that act on
 * the shell, and POSIX special built-ins.
 */
const SHELL_ONLY = new Set([
  ".",
  ":",
  "alias",
  "bg",
  "break",
  "cd",
  "command",
  "continue",
  "eval",
  "exec",
  "exit",
  "export",
  "fc",
  "fg",
  "getopts",
  "hash",
  "jobs",
  "local",
  "read",
  "readonly",
  "return",
  "set",
  "shift",
  "source",
  "times",
  "trap",
  "type",
  "ulimit",
  "umask",
  "unalias",
  "unset",
  "wait",
]);

/**
 * The argv to spawn for a command line: the words themselves when the line
 * is a plain command with (possibly quoted) arguments whose program is an
 * executable file (on `path`, the PATH to search, or named with a `/`),
 * else `sh -c <line>`.
 *
 * @param line The command line from the plan.
 * @param path The PATH the command runs with (default: this process's).
 * @returns A fresh argv the caller may change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandArgv } from "./argv.ts";
 * assert.deepEqual(await commandArgv('sh -c "exit 0"'), ["sh", "-c", "exit 0"]);
 * assert.deepEqual(await commandArgv("make && make test"), ["sh", "-c", "make && make test"]);
 * assert.deepEqual(await commandArgv(":"), ["sh", "-c", ":"]);
 * ```
 */
export async function commandArgv(
  line: string,
  path: string = Deno.env.get("PATH") ?? "",
): Promise<string[]> {
  let words = known.get(line);
  if (words === undefined) {
    words = PLAIN.test(line) ? line.trim().split(/\s+/) : await parseArgv(line);
    if (words && (SHELL_ONLY.has(words[0]!) || words[0]!.includes("="))) {
      words = null;
    }
    if (known.size < 10_000) known.set(line, words);
  }
  const program = words?.[0];
  // A path is spawned as named: the runner falls back to the shell if that fails.
  if (program?.includes("/") || (program && isOnPath(program, path))) {
    return [...words!];
  }
  return ["sh", "-c", line];
}

/**
 * Whether `program` names an executable file in a directory of `path`.
 * Cached per PATH: a stale "no" only costs a shell, and a stale "yes" a
 * failed spawn that the runner retries under the shell.
 */
export function isOnPath(program: string, path: string): boolean {
  const key = `${program}\0${path}`;
  let found = onPath.get(key);
  if (found === undefined) {
    found = path.split(":").some((dir) =>
      isExecutable(`${dir || "."}/${program}`)
    );
    if (onPath.size < 10_000) onPath.set(key, found);
  }
  return found;
}

/**
 * The first executable file named `program` in a directory of `path`, or
 * null (not cached: used once per task and program by the permission check).
 *
 * @example
 * ```ts ignore
 * findOnPath("sh", "/usr/local/bin:/usr/bin"); // "/usr/bin/sh"
 * ```
 */
export function findOnPath(program: string, path: string): string | null {
  for (const dir of path.split(":")) {
    const file = `${dir || "."}/${program}`;
    if (isExecutable(file)) return file;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    const info = Deno.statSync(file);
    // No mode (Windows): any file will do.
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory ||
      e instanceof Deno.errors.PermissionDenied
    ) return false;
    throw e;
  }
}

/** Words of letters, digits and `-_./,:@%+=` only: split on spaces, no quoting to undo. */
const PLAIN = /^\s*[A-Za-z0-9_./,:@%+=-]+(\s+[A-Za-z0-9_./,:@%+=-]+)*\s*$/;

/** Lines already split (null: needs a shell): big plans repeat the same commands. */
const known = new Map<string, readonly string[] | null>();

/** PATH lookups already made, keyed by program and PATH. */
const onPath = new Map<string, boolean>();

/** Lines with quotes or shell syntax: shell-quote decides (loaded only then: it costs ~45 ms of start-up). */
async function parseArgv(line: string): Promise<string[] | null> {
  const shell = null; // Needs a shell.
  if (/[`\n\\]|\$\(/.test(line)) return shell;
  const { parse } = await import("shell-quote");
  let usesVariable = false;
  let words;
  try {
    words = parse(line, (name) => {
      usesVariable = true;
      return `$${name}`;
    });
  } catch {
    return shell;
  }
  if (usesVariable || words.length === 0) return shell;
  if (!words.every((w): w is string => typeof w === "string")) return shell;
  const first = words[0]!;
  if (SHELL_ONLY.has(first) || first.includes("=") || first.startsWith("~")) {
    return shell;
  }
  return words;
}

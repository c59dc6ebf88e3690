/**
 * Command line → argv, or `sh -c` when the line needs a shell. Spawning
 * without a shell saves an exec per command and keeps argv exact.
 * @module
 */

import { parse } from "shell-quote";

/** Words a shell must run itself (builtins without a binary, or that change the shell). */
const SHELL_ONLY = new Set([
  ".",
  "alias",
  "cd",
  "command",
  "eval",
  "exec",
  "exit",
  "export",
  "read",
  "set",
  "shift",
  "source",
  "trap",
  "type",
  "ulimit",
  "umask",
  "unset",
  "wait",
]);

/**
 * The argv to spawn for a command line: the words themselves when the line
 * is a plain command with (possibly quoted) arguments, else `sh -c <line>`.
 *
 * @example
 * ```ts
 * import { commandArgv } from "./argv.ts";
 * commandArgv('echo "a b"'); // ["echo", "a b"]
 * commandArgv("make && make test"); // ["sh", "-c", "make && make test"]
 * ```
 */
export function commandArgv(line: string): string[] {
  let argv = known.get(line);
  if (argv === undefined) {
    argv = parseArgv(line);
    if (known.size < 10_000) known.set(line, argv);
  }
  return [...argv];
}

/** Lines already split: big plans repeat the same commands. */
const known = new Map<string, readonly string[]>();

function parseArgv(line: string): string[] {
  const shell = ["sh", "-c", line];
  if (/[`\n\\]|\$\(/.test(line)) return shell;
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

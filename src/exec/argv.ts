/**
 * Command line → argv, or `sh -c` when the line needs a shell. Spawning
 * without a shell saves an exec per command and keeps argv exact.
 * @module
 */

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
 * await commandArgv('echo "a b"'); // ["echo", "a b"]
 * await commandArgv("make && make test"); // ["sh", "-c", "make && make test"]
 * ```
 */
export async function commandArgv(line: string): Promise<string[]> {
  let argv = known.get(line);
  if (argv === undefined) {
    argv = PLAIN.test(line) ? line.trim().split(/\s+/) : await parseArgv(line);
    if (SHELL_ONLY.has(argv[0]!) || argv[0]!.includes("=")) {
      argv = ["sh", "-c", line];
    }
    if (known.size < 10_000) known.set(line, argv);
  }
  return [...argv];
}

/** Words of letters, digits and `-_./,:@%+=` only: split on spaces, no quoting to undo. */
const PLAIN = /^\s*[A-Za-z0-9_./,:@%+=-]+(\s+[A-Za-z0-9_./,:@%+=-]+)*\s*$/;

/** Lines already split: big plans repeat the same commands. */
const known = new Map<string, readonly string[]>();

/** Lines with quotes or shell syntax: shell-quote decides (loaded only then: it costs ~45 ms of start-up). */
async function parseArgv(line: string): Promise<string[]> {
  const shell = ["sh", "-c", line];
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

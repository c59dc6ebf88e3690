/**
 * Spares: a command's pid namespace (bwrap) started ahead of the command
 * and held at a gate just before its program, so that the namespace's
 * set-up (≈2–3 ms a command, measured) is paid while the run waits on
 * other commands, not between one task's end and the next one's start.
 *
 * The gate is a POSIX `sh` inside the namespace: it runs nothing until it
 * reads the line `go` on its stdin, then execs the command with /dev/null
 * as stdin (as a command gets), in place (same pid). At end of input (the
 * orchestrator gone, even by kill -9) or killed, it ends without running
 * the command. A shell changes some of the environment it passes on (dash
 * resets IFS, OPTIND and PPID; bash adds SHLVL and `_`): a probe finds,
 * once, which names this shell changes, and a command whose environment
 * holds one of them (or a name no shell can hold) gets no spare; a shell
 * that adds names gets none at all. PWD is bwrap's: it sets it to the
 * command's folder, and the shell keeps a PWD that names its folder
 * (probed too).
 * @module
 */

import { runOwn } from "./own_process.ts";

/** How long the shell's one-off probe may take. */
const PROBE_TIMEOUT_MS = 5000;

/** What a spare is released with. */
export const GO: Uint8Array = new TextEncoder().encode("go\n");

const WAIT = `read -r go && [ "$go" = go ] && exec "$@" </dev/null; exit 126`;

/** Names a POSIX shell, bash or busybox may treat as its own; probed once. */
const PROBED = [
  "IFS",
  "OPTIND",
  "OPTARG",
  "PPID",
  "PWD",
  "OLDPWD",
  "SHLVL",
  "_",
  "ENV",
  "BASH_ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "PS1",
  "PS2",
  "PS4",
  "LINENO",
  "HISTFILE",
  "HISTSIZE",
  "CDPATH",
  "HOME",
  "MAIL",
  "MAILPATH",
  "MAILCHECK",
  "TERM",
  "POSIXLY_CORRECT",
  "FCEDIT",
  "LANG",
  "LC_ALL",
  "PATH",
  "RANDOM",
  "SECONDS",
  "EUID",
  "UID",
  "HOSTNAME",
  "BASH",
  "BASHPID",
  "COLUMNS",
  "LINES",
  "TMOUT",
  "GLOBIGNORE",
  "ORCHESTRATE_SPARE_PROBE",
];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The argv that runs `argv` behind the gate with exactly `env` (bwrap's
 * PWD naming the folder it runs in), or null when the shell would change
 * that environment (see the module's notes). `changed` is what
 * {@link probeShell} found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateArgv } from "./spare.ts";
 * const gate = gateArgv(["/bin/true"], { PATH: "/bin" }, new Set(["IFS"]))!;
 * assert.equal(gate[0], "/bin/sh");
 * assert.deepEqual(gate.slice(-1), ["/bin/true"]);
 * assert.equal(gateArgv(["/bin/true"], { IFS: " " }, new Set(["IFS"])), null);
 * assert.equal(gateArgv(["/bin/true"], { "A-B": "1" }, new Set()), null);
 * ```
 */
export function gateArgv(
  argv: readonly string[],
  env: Readonly<Record<string, string>>,
  changed: ReadonlySet<string>,
): string[] | null {
  // A program named like an option would be read as one by `exec`.
  if (argv.length === 0 || argv[0]!.startsWith("-")) return null;
  for (const name in env) {
    if (name !== "PWD" && (changed.has(name) || !NAME.test(name))) return null;
  }
  return ["/bin/sh", "-c", WAIT, "sh", ...argv];
}

/**
 * Runs the gate once, bare, with a value for each name a shell may treat
 * as its own, and reads the environment its command got: the names whose
 * value the shell changed or dropped, or null when it added names (no
 * spare can keep an environment exact) or could not run.
 *
 * @example
 * ```ts ignore
 * const changed = await probeShell(); // dash: Set { "IFS", "OPTIND", "PPID" }
 * ```
 */
export async function probeShell(): Promise<Set<string> | null> {
  // A number for the names (a shell may refuse a non-numeric OPTIND), and
  // a value with quotes, `$`, a backslash and a newline for a plain name.
  const env: Record<string, string> = {};
  for (const name of PROBED) env[name] = "7";
  env.ORCHESTRATE_SPARE_PROBE = `v $x 'q' "d" \\ =\n.`;
  env.PWD = "/";
  env.PATH = "/usr/bin:/bin";
  const gate = gateArgv(["/bin/cat", "/proc/self/environ"], env, new Set());
  try {
    // An own process: bounded in time, and stopped with the others by a second Ctrl-C.
    const out = await runOwn({
      program: gate![0]!,
      args: gate!.slice(1),
      cwd: "/",
      env,
      stdin: GO,
      timeoutMs: PROBE_TIMEOUT_MS,
    });
    if (out.code !== 0) return null;
    const got = new Map<string, string>();
    for (const entry of new TextDecoder().decode(out.stdout).split("\0")) {
      if (entry === "") continue;
      const at = entry.indexOf("=");
      got.set(entry.slice(0, at), entry.slice(at + 1));
    }
    for (const name of got.keys()) if (!(name in env)) return null;
    const changed = new Set<string>();
    for (const name in env) if (got.get(name) !== env[name]) changed.add(name);
    // bwrap's PWD must reach the command as it is.
    return changed.has("PWD") ? null : changed;
  } catch {
    // No /bin/sh or /bin/cat, or no /proc: no spares here.
    return null;
  }
}

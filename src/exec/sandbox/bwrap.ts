/**
 * The fast Linux sandbox: a bubblewrap command line built from a task's
 * {@link ProcessPolicy}. The filesystem is read-only except the task's
 * `write` paths and a private `/tmp`; orchestrate's control state and the
 * plan's own files stay read-only whatever `write` grants, and forbidden
 * paths are bound read-only over anything writable; `net: false` gets a
 * network namespace of its own and a seccomp filter against unix sockets;
 * every capability is dropped, for root too (a user namespace empties the
 * bounding set), so nothing inside can remount, unmount or trace; a
 * private pid namespace ends every process the command started (daemons
 * included) when the command ends, and hides the run's other processes.
 * @module
 */

import type { ProcessPolicy } from "../policy.ts";
import { existsSync } from "../../fs/exists.ts";

/** Where a command runs, besides its policy. */
export interface BwrapPlace {
  /** The command's working directory (kept visible). */
  cwd: string;
  /** The project root (kept visible when it lives under /tmp). */
  root: string;
  /** Extra writable folders (a task's private areas under `.codex/work/`). */
  writable: readonly string[];
  /**
   * Read-only whatever `write` grants (bound after it): orchestrate's
   * control state and the plan's own files.
   */
  readOnly?: readonly string[];
  /** Writable again inside a `readOnly` path, when `write` grants them (an agent's worktree). */
  reopen?: readonly string[];
  /**
   * Whether to ask for a user namespace (default yes): it empties root's
   * bounding set. Without one, root still has no effective capability.
   */
  userNamespace?: boolean;
  /** The file descriptor bwrap reads the seccomp filter from (`net: false`). */
  seccompFd?: number;
  /**
   * Its task declares `keep_running`: no pid namespace, so what it starts
   * may outlive it (and it sees the host's processes).
   */
  keepRunning?: boolean;
}

/**
 * Runs the rest of its arguments with its stdin moved to fd 9 and
 * /dev/null as stdin: how a filter reaches `bwrap --seccomp 9`, since a
 * spawn passes no other descriptor. Two `exec`s: the pid stays bwrap's.
 */
export const SECCOMP_TRAMPOLINE: readonly string[] = [
  "/bin/sh",
  "-c",
  'exec 9<&0 </dev/null; exec "$@"',
  "sh",
];

/** The descriptor {@link SECCOMP_TRAMPOLINE} leaves the filter on. */
export const SECCOMP_FD = 9;

/**
 * The arguments of `bwrap` that run `argv` in a pid namespace of its own
 * and nothing else (a task without limits: same files, network and
 * rights): every process it starts ends with it, whatever it does to its
 * session or environment, and it sees no other process of the run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pidNamespaceArgs } from "./bwrap.ts";
 * const args = pidNamespaceArgs(["make"], "/repo");
 * assert.ok(args.includes("--unshare-pid"));
 * assert.deepEqual(args.slice(-2), ["--", "make"]);
 * ```
 */
export function pidNamespaceArgs(
  argv: readonly string[],
  cwd: string,
  capDrop: readonly string[] = [],
): string[] {
  return [
    "--dev-bind",
    "/",
    "/",
    "--proc",
    "/proc",
    "--unshare-pid",
    "--die-with-parent",
    ...capDrop.flatMap((cap) => ["--cap-drop", cap]),
    "--chdir",
    cwd,
    "--",
    ...argv,
  ];
}

/**
 * The capabilities root gives up in a pid namespace without limits: those
 * that reach past it (unmount the private /proc to see the host's,
 * mount another, enter a namespace, trace, read kernel or physical memory,
 * load a module or an eBPF program). The rest stay, so an unconfined root
 * task still installs packages, changes owners and drops privileges.
 * Newest first: an older libcap that does not know `CAP_BPF` gets the
 * shorter list ({@link ROOT_ESCAPE_CAPS_OLD}).
 */
export const ROOT_ESCAPE_CAPS: readonly string[] = [
  "CAP_SYS_ADMIN",
  "CAP_SYS_PTRACE",
  "CAP_SYS_RAWIO",
  "CAP_SYS_MODULE",
  "CAP_BPF",
  "CAP_PERFMON",
];

/** {@link ROOT_ESCAPE_CAPS} for a libcap older than `CAP_BPF` (before 2.43). */
export const ROOT_ESCAPE_CAPS_OLD: readonly string[] = ROOT_ESCAPE_CAPS.slice(
  0,
  4,
);

/**
 * The arguments of `bwrap` that run `argv` confined by `policy`. Paths that
 * do not exist are left out (bwrap cannot bind them); a forbidden path that
 * does not exist yet is guarded by the write audit only.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bwrapArgs } from "./bwrap.ts";
 * const args = bwrapArgs(["true"], {
 *   run: "all", read: "all", write: "all", forbidden: [], net: false,
 *   env: {}, secrets: [],
 * }, { cwd: "/", root: "/", writable: [] }, () => true);
 * assert.ok(args.includes("--unshare-net"));
 * assert.deepEqual(args.slice(-2), ["--", "true"]);
 * ```
 */
export function bwrapArgs(
  argv: readonly string[],
  policy: ProcessPolicy,
  place: BwrapPlace,
  exists: (path: string) => boolean = existsSync,
): string[] {
  const args: string[] = place.userNamespace === false
    ? []
    : ["--unshare-user"];
  if (policy.write === "all") {
    args.push("--bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  } else {
    // `--tmpfs /tmp` before every bind under /tmp, or it would hide them.
    args.push(
      "--ro-bind",
      "/",
      "/",
      "--dev",
      "/dev",
      "--proc",
      "/proc",
      "--tmpfs",
      "/tmp",
    );
    for (const path of new Set([place.root, place.cwd])) {
      if (underTmp(path) && exists(path)) args.push("--ro-bind", path, path);
    }
    for (const path of new Set([...policy.write, ...place.writable])) {
      if (exists(path)) args.push("--bind", path, path);
    }
  }
  // Later binds cover earlier ones: control state over `write`, then the
  // task's own areas inside it, then forbidden paths over everything.
  for (const path of place.readOnly ?? []) {
    if (exists(path)) args.push("--ro-bind", path, path);
  }
  for (const path of place.reopen ?? []) {
    if (exists(path)) args.push("--bind", path, path);
  }
  // Last, so that they cover whatever a bind above made writable.
  for (const path of policy.forbidden) {
    if (exists(path)) args.push("--ro-bind", path, path);
  }
  if (policy.net === false) {
    args.push("--unshare-net");
    if (place.seccompFd !== undefined) {
      args.push("--seccomp", String(place.seccompFd));
    }
  }
  if (!place.keepRunning) args.push("--unshare-pid", "--die-with-parent");
  args.push(
    "--cap-drop",
    "ALL",
    // Its own session: no TIOCSTI into the orchestrator's terminal.
    "--new-session",
    "--chdir",
    place.cwd,
    "--",
    ...argv,
  );
  return args;
}

function underTmp(path: string): boolean {
  return path === "/tmp" || path.startsWith("/tmp/");
}

/** The probe's policy: nothing writable, no network. */
export const PROBE_POLICY: ProcessPolicy = {
  run: "all",
  read: "all",
  write: [],
  forbidden: [],
  net: false,
  env: {},
  secrets: [],
};

/**
 * Whether bubblewrap can run here with `args` (default: those of a
 * confined command, nothing writable and no network): the program exists
 * and may create the namespaces it needs (user namespaces can be
 * disabled). With `stdin`, it runs through {@link SECCOMP_TRAMPOLINE} with
 * those bytes on fd 9. Returns null when it can, else the reason it cannot.
 *
 * @example
 * ```ts ignore
 * const why = await bwrapProblem("bwrap"); // null where it works
 * ```
 */
export async function bwrapProblem(
  program = "bwrap",
  args: readonly string[] = bwrapArgs(["true"], PROBE_POLICY, {
    cwd: "/",
    root: "/",
    writable: [],
  }),
  stdin?: Uint8Array,
): Promise<string | null> {
  let out;
  try {
    const argv = stdin ? [...SECCOMP_TRAMPOLINE, program, ...args] : [
      program,
      ...args,
    ];
    const child = new Deno.Command(argv[0]!, {
      args: argv.slice(1),
      stdin: stdin ? "piped" : "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    if (stdin) await feed(child, stdin);
    out = await child.output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return "bubblewrap (bwrap) is not installed";
    }
    if (e instanceof Deno.errors.PermissionDenied) {
      return `cannot start bwrap: ${e.message}`;
    }
    throw e;
  }
  if (out.success) return null;
  // The trampoline's shell could not exec it.
  if (stdin && out.code === 127) return "bubblewrap (bwrap) is not installed";
  const said = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
  return `bwrap cannot create its namespaces here (${
    said || `exit ${out.code}`
  }); are unprivileged user namespaces disabled?`;
}

/**
 * Writes `bytes` to a child's stdin and closes it; a child that ended
 * without reading (a failed bwrap) is not an error here: its exit says why.
 */
export async function feed(
  child: Deno.ChildProcess,
  bytes: Uint8Array,
): Promise<void> {
  const writer = child.stdin.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // Broken pipe: the child's own exit status reports the failure.
  }
}

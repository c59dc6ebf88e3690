/**
 * The fast Linux sandbox: a bubblewrap command line built from a task's
 * {@link ProcessPolicy}. The filesystem is read-only except the task's
 * `write` paths and a private `/tmp`; orchestrate's control state and the
 * plan's own files stay read-only whatever `write` grants, and forbidden
 * paths are bound read-only over anything writable; `net: false` gets a
 * network namespace of its own; a private pid namespace ends every process
 * the command started (daemons included) when the command ends.
 * @module
 */

import type { ProcessPolicy } from "../policy.ts";
import { existsSync } from "../../exists.ts";

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
}

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
  const args: string[] = [];
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
  if (policy.net === false) args.push("--unshare-net");
  args.push(
    "--unshare-pid",
    "--die-with-parent",
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
const PROBE_POLICY: ProcessPolicy = {
  run: "all",
  read: "all",
  write: [],
  forbidden: [],
  net: false,
  env: {},
  secrets: [],
};

/**
 * Whether bubblewrap can run here: the program exists and may create the
 * namespaces it needs (user namespaces can be disabled). Returns null when
 * it can, else the reason it cannot.
 *
 * @example
 * ```ts ignore
 * const why = await bwrapProblem("bwrap"); // null where it works
 * ```
 */
export async function bwrapProblem(program = "bwrap"): Promise<string | null> {
  let out;
  try {
    out = await new Deno.Command(program, {
      // The same arguments a confined command gets: nothing writable, no network.
      args: bwrapArgs(["true"], PROBE_POLICY, {
        cwd: "/",
        root: "/",
        writable: [],
      }),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
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
  const said = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
  return `bwrap cannot create its namespaces here (${
    said || `exit ${out.code}`
  }); are unprivileged user namespaces disabled?`;
}

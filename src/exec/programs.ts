/**
 * The programs orchestrate itself starts (git for worktrees and patches):
 * found once, on a PATH without folders a task could write (entries inside
 * the project, relative entries), and kept as absolute real paths, so a
 * `git` a task planted in `node_modules/.bin` is never the one that runs.
 * @module
 */

import { isAbsolute, sep } from "../fs/path.ts";
import { findOnPath } from "./argv.ts";

/**
 * The entries of `path` orchestrate may trust for its own programs: the
 * absolute ones outside `root` (a task may write below the project root;
 * a relative entry means the current folder, which is the project).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trustedPath } from "./programs.ts";
 * assert.deepEqual(
 *   trustedPath("/p/node_modules/.bin:/usr/bin:.:bin:/p:/bin", "/p"),
 *   ["/usr/bin", "/bin"],
 * );
 * ```
 */
export function trustedPath(path: string, root: string): string[] {
  const top = root.endsWith(sep) ? root : `${root}${sep}`;
  return path.split(":").filter((dir) =>
    dir !== "" && isAbsolute(dir) && dir !== root &&
    !`${dir}${sep}`.startsWith(top)
  );
}

const found = new Map<string, string | null>();

/**
 * The absolute real path of `name` on the trusted part of `path` (see
 * {@link trustedPath}), resolved once per name and project for the life
 * of the process; null when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ownProgram } from "./programs.ts";
 * const git = ownProgram("git", "/usr/local/bin:/usr/bin:/bin", "/nowhere");
 * assert.ok(git === null || git.startsWith("/"));
 * ```
 */
export function ownProgram(
  name: string,
  path: string,
  root: string,
): string | null {
  const key = `${name}\0${path}\0${root}`;
  if (found.has(key)) return found.get(key)!;
  let real: string | null = null;
  const dirs = trustedPath(path, root);
  const file = dirs.length === 0 ? null : findOnPath(name, dirs.join(":"));
  if (file !== null) real = Deno.realPathSync(file);
  found.set(key, real);
  return real;
}

/** The programs orchestrate runs itself (not the plan's commands). */
export const OWN_PROGRAMS = ["git"] as const;

/**
 * Resolves {@link OWN_PROGRAMS} for the project at `root` now, at the
 * start of a run, before any task could change a folder on PATH; later
 * calls of {@link ownProgram} get these paths.
 *
 * @example
 * ```ts
 * import { resolveOwnPrograms } from "./programs.ts";
 * resolveOwnPrograms("/nowhere");
 * ```
 */
export function resolveOwnPrograms(root: string): void {
  for (const name of OWN_PROGRAMS) {
    ownProgram(name, Deno.env.get("PATH") ?? "", root);
  }
}

/**
 * What a confined command may never write, whatever its `write` grants:
 * orchestrate's control state (`.codex/`: run logs, approvals journals,
 * recorded plans, patches, the lock) and the plan's own files (a task that
 * drops a gate from `orchestrator.yml` would run the gated task on the next
 * `resume`). A task's own areas live apart, under `.codex/work/`, and stay
 * writable when its `write` covers them (an agent's worktree).
 * @module
 */

import { join, sep } from "../../fs/path.ts";
import { RUNS_DIR, WORK_DIR } from "../../events/log.ts";
import { LOCK_FILE } from "../../events/lock.ts";
import type { ProcessPolicy } from "../policy.ts";
import { STATE_DIR } from "../../fs/state_dir.ts";

/** The control paths of one command, for each sandbox. */
export interface ControlPaths {
  /** bwrap: bound read-only after the `write` paths. */
  readOnly: string[];
  /** bwrap: bound writable again after {@link readOnly} (real paths under `.codex/work/`). */
  reopen: string[];
  /** The sandbox runtime: denied writes (it has no re-opening, so only the control state itself). */
  denyWrite: string[];
}

/**
 * The control paths of a command of the project at `root` under `policy`.
 *
 * @param root The project root.
 * @param policy The command's policy.
 * @param planFiles The plan's own files (absolute).
 * @param realPath Resolves symbolic links (a path that does not exist throws).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlPaths } from "./control_paths.ts";
 * const policy = { run: "all", read: "all", write: ["/p"], forbidden: [], net: false, env: {}, secrets: [] } as const;
 * const paths = controlPaths("/p", policy, ["/p/orchestrator.yml"], (p) => p);
 * assert.deepEqual(paths.readOnly, ["/p/.codex", "/p/orchestrator.yml"]);
 * assert.deepEqual(paths.reopen, ["/p/.codex/work"]);
 * ```
 */
export function controlPaths(
  root: string,
  policy: ProcessPolicy,
  planFiles: readonly string[],
  realPath: (path: string) => string = Deno.realPathSync,
): ControlPaths {
  const work = join(root, WORK_DIR);
  const covers = (path: string) =>
    work === path || work.startsWith(path.endsWith(sep) ? path : path + sep);
  const wanted = policy.write === "all" || policy.write.some(covers)
    ? [work]
    : policy.write.filter((p) => p.startsWith(work + sep));
  return {
    readOnly: [join(root, STATE_DIR), ...planFiles],
    reopen: wanted.filter((p) => insideWork(p, root, realPath)),
    denyWrite: [join(root, RUNS_DIR), join(root, LOCK_FILE), ...planFiles],
  };
}

/** Whether `path` really is (links resolved) `.codex/work` or under it: a link there must not re-open the control state. */
function insideWork(
  path: string,
  root: string,
  realPath: (path: string) => string,
): boolean {
  let real: string, base: string;
  try {
    real = realPath(path);
    base = realPath(join(root, WORK_DIR));
    if (base !== join(realPath(root), WORK_DIR)) return false;
  } catch {
    return false; // Missing: bwrap could not bind it anyway.
  }
  return real === base || real.startsWith(base + sep);
}

/**
 * The paths a patch may not touch, judged by every path of every change
 * (a rename's or copy's old path as much as its new one, a deleted file,
 * a mode change) and by where a symlink it makes leads: the task's
 * forbidden paths; git's own folders; orchestrate's `.codex`; the plan
 * (orchestrator.yml/.yaml/.json/.jsonc/.ts at the project root, and any
 * other file the caller names); and no symlink leading out of the project.
 * @module
 */

import { dirname, posix } from "../fs/path.ts";
import type { PatchEntry } from "./patch_text.ts";
import { forbiddenFiles } from "./patch.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** What a patch is judged against. */
export interface PathRules {
  /** The task's forbidden paths, relative to the repository's top. */
  forbidden: readonly string[];
  /** The project's folder relative to the repository's top (`""` at the top). */
  prefix: string;
  /** Other plan files (includes, TS helpers), relative to the repository's top. */
  planFiles?: readonly string[];
}

/** The plan file names a patch may never write at the project root. */
export const PLAN_NAMES = [
  "orchestrator.yml",
  "orchestrator.yaml",
  "orchestrator.json",
  "orchestrator.jsonc",
  "orchestrator.ts",
];

/**
 * Why the patch may not be applied (each reason naming its path), or an
 * empty list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { patchRefusals } from "./patch_paths.ts";
 * const e = { oldMode: "100644", newMode: "100644", binary: false, symlink: null, added: 0, removed: 0 };
 * assert.deepEqual(patchRefusals([
 *   { ...e, status: "rename", oldPath: "secret.cfg", newPath: "renamed.cfg" },
 *   { ...e, status: "add", oldPath: null, newPath: ".codex/runs/x.approvals" },
 *   { ...e, status: "add", oldPath: null, newPath: "l", newMode: "120000", symlink: "../../etc" },
 * ], { forbidden: ["secret.cfg"], prefix: "" }), [
 *   "secret.cfg is forbidden to this task",
 *   ".codex/runs/x.approvals is orchestrate's own folder",
 *   "l is a symlink leading out of the project (../../etc)",
 * ]);
 * ```
 */
export function patchRefusals(
  entries: readonly PatchEntry[],
  rules: PathRules,
): string[] {
  const out: string[] = [];
  const prefix = rules.prefix === "" || rules.prefix.endsWith("/")
    ? rules.prefix
    : `${rules.prefix}/`;
  const own = [STATE_DIR, `${prefix}${STATE_DIR}`];
  const plan = [
    ...PLAN_NAMES.map((n) => `${prefix}${n}`),
    ...rules.planFiles ?? [],
  ];
  /** Why no patch may touch `path` (a clause after the path), or null. */
  const why = (path: string): string | null =>
    forbiddenFiles([path], rules.forbidden).length > 0
      ? "is forbidden to this task"
      : path.split("/").some((p) => p.toLowerCase() === ".git")
      ? "is in git's own folder"
      : forbiddenFiles([path], own).length > 0
      ? "is orchestrate's own folder"
      : plan.includes(path)
      ? "is the plan"
      : null;
  for (const e of entries) {
    for (const path of new Set([e.oldPath, e.newPath])) {
      const reason = path === null ? null : why(path);
      if (reason !== null) out.push(`${path} ${reason}`);
    }
    if (e.symlink !== null && e.newPath !== null) {
      const to = e.symlink.startsWith("/")
        ? null
        : posix.normalize(`${dirname(e.newPath)}/${e.symlink}`);
      if (
        to === null || to === ".." || to.startsWith("../") ||
        !`${to}/`.startsWith(prefix)
      ) {
        out.push(
          `${e.newPath} is a symlink leading out of the project (${e.symlink})`,
        );
      } else {
        const reason = why(to);
        if (reason !== null) {
          out.push(`${e.newPath} is a symlink to ${to}, which ${reason}`);
        }
      }
    }
    if (e.newMode === "160000" && e.newPath !== null) {
      out.push(`${e.newPath} is a submodule`);
    }
  }
  return out;
}

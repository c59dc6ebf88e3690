/**
 * The paths a patch may not touch, judged by every path of every change
 * (a rename's or copy's old path as much as its new one, a deleted file,
 * a mode change) and by where a symlink it makes leads: the task's
 * forbidden paths; git's own folders; orchestrate's `.codex`; the plan
 * (orchestrator.yml/.yaml/.json/.jsonc/.ts at the project root, and any
 * other file the caller names); and no symlink leading out of the project.
 * @module
 */

import { dirname, posix } from "../path.ts";
import type { PatchEntry } from "./patch_text.ts";
import { forbiddenFiles } from "./patch.ts";

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
  const own = [".codex", `${prefix}.codex`];
  const plan = [
    ...PLAN_NAMES.map((n) => `${prefix}${n}`),
    ...rules.planFiles ?? [],
  ];
  const judge = (path: string) => {
    if (forbiddenFiles([path], rules.forbidden).length > 0) {
      out.push(`${path} is forbidden to this task`);
    } else if (path.split("/").some((p) => p.toLowerCase() === ".git")) {
      out.push(`${path} is in git's own folder`);
    } else if (forbiddenFiles([path], own).length > 0) {
      out.push(`${path} is orchestrate's own folder`);
    } else if (plan.includes(path)) out.push(`${path} is the plan`);
  };
  for (const e of entries) {
    const paths = new Set([e.oldPath, e.newPath]);
    for (const path of paths) if (path !== null) judge(path);
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
        const before = out.length;
        judge(to);
        if (out.length > before) {
          out[out.length - 1] = `${e.newPath} is a symlink to ${out.at(-1)}`;
        }
      }
    }
    if (e.newMode === "160000" && e.newPath !== null) {
      out.push(`${e.newPath} is a submodule`);
    }
  }
  return out;
}

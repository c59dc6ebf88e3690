/**
 * The folder orchestrate keeps its state in, relative to the project root:
 * run logs and control files (`runs/`), tasks' work areas (`work/`), the
 * lock, caches, the index. Every module names it through this constant.
 * @module
 */

/**
 * The state folder's name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { STATE_DIR } from "./state_dir.ts";
 * assert.equal(`${STATE_DIR}/runs`, ".codex/runs");
 * ```
 */
export const STATE_DIR = ".codex";

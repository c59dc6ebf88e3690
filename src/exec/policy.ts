/**
 * The process policy: what one task's processes may do, resolved to
 * absolute paths and exact values before anything is spawned. The task
 * workspace computes it (plan permissions ∩ run-wide flags, forbidden
 * paths, secrets); the runner enforces it in layers (pre-spawn checks, a
 * cleared environment, an OS sandbox) and the write audit checks it after
 * the task.
 * @module
 */

import { sep } from "../fs/path.ts";

/** Network access of a task's processes. */
export type NetPolicy = boolean | readonly string[];

/**
 * What a task's processes may do. `"all"` means unrestricted; a list holds
 * absolute paths (files or folders; a folder grants everything below it).
 *
 * @example
 * ```ts
 * import type { ProcessPolicy } from "./policy.ts";
 * const policy: ProcessPolicy = {
 *   run: "all",
 *   read: "all",
 *   write: ["/repo/target"],
 *   forbidden: ["/repo/.git"],
 *   net: false,
 *   env: { PATH: "/usr/bin", HOME: "/home/me" },
 *   secrets: [],
 * };
 * ```
 */
export interface ProcessPolicy {
  /** Executables it may start: `"all"`, or absolute real paths. */
  readonly run: "all" | readonly string[];
  /** Paths it may read. */
  readonly read: "all" | readonly string[];
  /** Paths it may write (its temp dir and output folder are added by the runner). */
  readonly write: "all" | readonly string[];
  /**
   * Those of `write` the plan wrote with a trailing `/`: folders, created
   * before a spawn when missing (others get their parent folders).
   */
  readonly writeFolders?: readonly string[];
  /** Absolute paths never writable, whatever `write` grants. */
  readonly forbidden: readonly string[];
  /** `false` none, `true` any, or a list of hosts (`host` or `host:port`). */
  readonly net: NetPolicy;
  /** Exactly the child's environment (spawned with a cleared environment). */
  readonly env: Readonly<Record<string, string>>;
  /** Values that must never appear in output, events or reports (masked `***`). */
  readonly secrets: readonly string[];
}

/**
 * The same policy for a copy of the project at `to` (an agent's git
 * worktree): every path at or below `from` is moved below `to`; paths
 * elsewhere (tool caches, system programs) stay.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type ProcessPolicy, rerootPolicy } from "./policy.ts";
 * const policy: ProcessPolicy = {
 *   run: "all", read: "all", write: ["/repo/src", "/home/me/.cache"],
 *   forbidden: ["/repo/.env"], net: false, env: {}, secrets: [],
 * };
 * const moved = rerootPolicy(policy, "/repo", "/repo/.codex/wt");
 * assert.deepEqual(moved.write, ["/repo/.codex/wt/src", "/home/me/.cache"]);
 * assert.deepEqual(moved.forbidden, ["/repo/.codex/wt/.env"]);
 * ```
 */
export function rerootPolicy(
  policy: ProcessPolicy,
  from: string,
  to: string,
): ProcessPolicy {
  const move = (path: string): string =>
    path === from
      ? to
      : path.startsWith(from.endsWith(sep) ? from : `${from}${sep}`)
      ? `${to}${path.slice(from.length)}`
      : path;
  const moveAll = <T extends "all" | readonly string[]>(paths: T) =>
    paths === "all" ? "all" as const : (paths as readonly string[]).map(move);
  return {
    ...policy,
    run: moveAll(policy.run),
    read: moveAll(policy.read),
    write: moveAll(policy.write),
    ...(policy.writeFolders
      ? { writeFolders: policy.writeFolders.map(move) }
      : {}),
    forbidden: policy.forbidden.map(move),
  };
}

/**
 * The policy of a process that may do anything orchestrate may, with
 * exactly `env` as its environment: what a caller that means "inherit"
 * says explicitly (pass this process's environment, or less).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unrestrictedPolicy } from "./policy.ts";
 * const policy = unrestrictedPolicy({ PATH: "/usr/bin" });
 * assert.equal(policy.write, "all");
 * assert.deepEqual(policy.env, { PATH: "/usr/bin" });
 * ```
 */
export function unrestrictedPolicy(
  env: Readonly<Record<string, string>>,
): ProcessPolicy {
  return Object.freeze({
    run: "all",
    read: "all",
    write: "all",
    forbidden: [],
    net: true,
    env,
    secrets: [],
  });
}

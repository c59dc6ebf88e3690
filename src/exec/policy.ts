/**
 * The process policy: what one task's processes may do, resolved to
 * absolute paths and exact values before anything is spawned. The task
 * workspace computes it (plan permissions ∩ run-wide flags, forbidden
 * paths, secrets); the runner enforces it in layers (pre-spawn checks, a
 * cleared environment, an OS sandbox) and the write audit checks it after
 * the task.
 * @module
 */

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
  /** Absolute paths never writable, whatever `write` grants. */
  readonly forbidden: readonly string[];
  /** `false` none, `true` any, or a list of hosts (`host` or `host:port`). */
  readonly net: NetPolicy;
  /** Exactly the child's environment (spawned with a cleared environment). */
  readonly env: Readonly<Record<string, string>>;
  /** Values that must never appear in output, events or reports (masked `***`). */
  readonly secrets: readonly string[];
}

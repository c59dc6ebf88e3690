/**
 * Masking of secret values in events: only their free text (messages,
 * reasons written as sentences, command lines, notes), never the ids,
 * types, literal reasons or keys the fold and the views compare. A secret
 * equal to a task id (`test`) leaves the task's events intact.
 * @module
 */

import { maskText } from "../exec/mask.ts";
import type { NewEvent, RunEventType } from "./types.ts";

/** The fields of each event type that hold free text. */
type FreeText = {
  readonly [T in RunEventType]:
    readonly (keyof Extract<NewEvent, { type: T }>)[];
};

/**
 * Per event type, the fields masked. A new event type fails to compile
 * until it is listed. Left out on purpose: `task_failed.reason` (a literal
 * the fold compares), `skipped.reason` (compared as a key), ids, names,
 * paths and hashes.
 */
const FREE_TEXT: FreeText = {
  run_started: [],
  plan_validated: [],
  plan_updated: [],
  resumed: [],
  task_started: [],
  task_completed: [],
  task_failed: ["detail"],
  task_blocked: ["reason"],
  skipped: [],
  shard_started: [],
  shard_completed: [],
  shard_failed: ["detail"],
  command_run: ["cmd"],
  retry_scheduled: [],
  acceptance_passed: ["detail"],
  acceptance_failed: ["detail", "reason"],
  awaiting_approval: [],
  approval_granted: ["note"],
  approval_recorded: ["note"],
  agent_started: ["cmd"],
  agent_finished: ["reported_error"],
  patch_proposed: [],
  agent_attempt_failed: ["detail"],
  patch_validated: [],
  patch_applying: [],
  patch_applied: [],
  build_started: [],
  interrupted: [],
  completed: [],
};

/**
 * `event` with every secret masked in its free-text fields; the same
 * object when nothing changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { maskEvent } from "./mask_event.ts";
 * const failed = {
 *   type: "task_failed", task: "deploy-key", shard: null, duration_ms: 1,
 *   reason: "command_failed", detail: "deploy-key rejected",
 * } as const;
 * const masked = maskEvent(failed, ["deploy-key"]);
 * assert.equal(masked.task, "deploy-key");
 * assert.equal(masked.type === "task_failed" && masked.detail, "*** rejected");
 * ```
 */
export function maskEvent(
  event: NewEvent,
  secrets: readonly string[],
): NewEvent {
  if (secrets.length === 0) return event;
  const fields = FREE_TEXT[event.type] as readonly string[];
  let out: Record<string, unknown> | null = null;
  for (const key of fields) {
    const value = (event as Record<string, unknown>)[key];
    if (typeof value !== "string") continue;
    const masked = maskText(value, secrets);
    if (masked === value) continue;
    out ??= { ...event };
    out[key] = masked;
  }
  return (out ?? event) as NewEvent;
}

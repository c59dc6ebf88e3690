/**
 * The one-line summary of counts: `7 completed, 1 failed, 2 blocked`.
 * @module
 */

import type { TaskStateName } from "../events/types.ts";

const ORDER: readonly [TaskStateName, string][] = [
  ["completed", "completed"],
  ["skipped", "skipped"],
  ["failed", "failed"],
  ["interrupted", "interrupted"],
  ["blocked", "blocked"],
  ["in_progress", "in progress"],
  ["pending", "pending"],
];

/**
 * Summarises counts per state in one line, leaving out states with none.
 *
 * @param counts Tasks per state.
 * @returns e.g. `7 completed, 1 failed, 2 blocked`, or `no tasks`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { summaryLine } from "./summary.ts";
 * const counts = { pending: 0, in_progress: 0, blocked: 2, failed: 1, interrupted: 0, completed: 7, skipped: 0 };
 * assert.equal(summaryLine(counts), "7 completed, 1 failed, 2 blocked");
 * ```
 */
export function summaryLine(counts: Record<TaskStateName, number>): string {
  const parts: string[] = [];
  for (const [state, label] of ORDER) {
    if (counts[state] > 0) parts.push(`${counts[state]} ${label}`);
  }
  return parts.length === 0 ? "no tasks" : parts.join(", ");
}

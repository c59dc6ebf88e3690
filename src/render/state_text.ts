/**
 * A task's or shard's state in words, with its reason: `completed`,
 * `failed: command_failed — …`, `blocked by EXC-001`, `skipped: up to date`.
 * @module
 */

import type { TaskStateName } from "../events/types.ts";

/**
 * The state and its note as one phrase.
 *
 * @param state The state.
 * @param note Why (see `taskNote`), or null.
 * @returns The phrase shown in parentheses in TASKS.md.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateText } from "./state_text.ts";
 * assert.equal(stateText("skipped", "up to date"), "skipped: up to date");
 * assert.equal(stateText("blocked", "blocked by EXC-001"), "blocked by EXC-001");
 * assert.equal(stateText("in_progress", null), "in progress");
 * ```
 */
export function stateText(state: TaskStateName, note: string | null): string {
  switch (state) {
    case "blocked":
      return note ?? "blocked";
    case "pending":
      return note ?? "pending";
    case "failed":
    case "skipped":
      return note ? `${state}: ${note}` : state;
    case "in_progress":
      return "in progress";
    default:
      return state;
  }
}

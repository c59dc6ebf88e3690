/**
 * The end of a run in one line, and the counts the terminal view shows.
 * @module
 */

import { isDoneInRun, zeroCounts } from "../events/fold.ts";
import type { RunState } from "../events/fold.ts";
import type { RunOutcome, TaskStateName } from "../events/types.ts";
import type { Style } from "./ansi.ts";
import { formatDuration } from "./duration.ts";
import { summaryLine } from "./summary.ts";

/**
 * Tasks per state among those the run selected (tasks a `--task` run left
 * out are not counted).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { runCounts } from "./run_summary.ts";
 * assert.equal(runCounts(emptyState()).pending, 0);
 * ```
 */
export function runCounts(state: RunState): Record<TaskStateName, number> {
  const counts = zeroCounts();
  for (const task of state.tasks.values()) {
    // Skipped without being done: a `--task` run left it out.
    if (task.state === "skipped" && !isDoneInRun(task.state, task.reason)) {
      continue;
    }
    counts[task.state]++;
  }
  return counts;
}

const OUTCOME: Record<string, [string, keyof Style]> = {
  success: ["✓ done", "green"],
  failed: ["✗ failed", "red"],
  paused: ["⏸ paused", "yellow"],
  interrupted: ["■ interrupted", "yellow"],
  error: ["✗ stopped by an internal error", "red"],
} satisfies Record<RunOutcome, [string, keyof Style]>;

/**
 * The final line of a run: outcome, counts, time and log.
 *
 * @param state The state at the end.
 * @param durationMs The run's duration, or null when unknown.
 * @param logPath The run log as shown to the user.
 * @param s Colours.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { style } from "./ansi.ts";
 * import { runSummary } from "./run_summary.ts";
 * const state = { ...emptyState(), outcome: "success" as const };
 * assert.equal(
 *   runSummary(state, 1500, ".codex/runs/R.jsonl", style(false)),
 *   "✓ done: no tasks in 1.5s · log .codex/runs/R.jsonl",
 * );
 * ```
 */
export function runSummary(
  state: RunState,
  durationMs: number | null,
  logPath: string,
  s: Style,
): string {
  const [word, color] = OUTCOME[state.outcome ?? ""] ?? ["stopped", "yellow"];
  // A resumed run's time is all of its sessions', this one's included.
  const total = state.resumes > 0 && state.elapsed_ms > 0
    ? state.elapsed_ms
    : durationMs;
  const sessions = state.resumes > 0 && durationMs !== null
    ? ` over ${state.resumes + 1} sessions`
    : "";
  const time = total === null ? "" : ` in ${formatDuration(total)}${sessions}`;
  return `${s[color](word)}: ${
    summaryLine(runCounts(state))
  }${time} · log ${logPath}`;
}

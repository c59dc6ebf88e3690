/**
 * The live block of the terminal view: one line per running task with a
 * spinner and its elapsed time, then the counts. Pure: the live reporter
 * (in `output/`) owns the clock, the timer and the terminal.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { Style } from "./ansi.ts";
import { formatDuration } from "./duration.ts";
import { runCounts } from "./run_summary.ts";
import { safeText } from "../text/safe_text.ts";
import { spinnerFrame } from "./spinner.ts";

/** A task in progress, as the live block shows it. */
export interface RunningTask {
  /** Task id. */
  id: string;
  /** When it started, on the clock of {@link LiveBlockInput.now}. */
  since: number;
  /** The shard it is working on, or null. */
  shard: string | null;
}

/** What {@link liveBlock} draws. */
export interface LiveBlockInput {
  /** Tasks in progress, in start order. */
  running: readonly RunningTask[];
  /** The state so far (for the counts). */
  state: RunState;
  /** The time now, on the same clock as `since` and `startedAt`. */
  now: number;
  /** When the run started. */
  startedAt: number;
  /** Spinner frame number. */
  tick: number;
  /** Colours. */
  style: Style;
  /** Terminal width: lines are cut to `columns - 1` so they never wrap. */
  columns: number;
  /** Running tasks shown before `… and N more running`. */
  maxRunning: number;
}

/**
 * The lines of the live block, without newlines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { style } from "./ansi.ts";
 * import { liveBlock } from "./live_block.ts";
 * const lines = liveBlock({
 *   running: [{ id: "EXC-001", since: 0, shard: null }],
 *   state: emptyState(), now: 1500, startedAt: 0, tick: 0,
 *   style: style(false), columns: 80, maxRunning: 8,
 * });
 * assert.deepEqual(lines, [
 *   "⠋ EXC-001  1.5s",
 *   "0 done · 0 failed · 0 blocked · 0 running · 0 remaining · 1.5s",
 * ]);
 * ```
 */
export function liveBlock(input: LiveBlockInput): string[] {
  const { style: s, now, running } = input;
  const width = input.columns - 1;
  const lines: string[] = [];
  const frame = s.cyan(spinnerFrame(input.tick));
  const shown = running.slice(0, input.maxRunning);
  for (const task of shown) {
    const name = safeText(
      task.shard ? `${task.id} › ${task.shard}` : task.id,
    );
    const elapsed = formatDuration(now - task.since);
    const text = _clip(name, width - 4 - elapsed.length);
    lines.push(`${frame} ${text}  ${s.dim(elapsed)}`);
  }
  if (running.length > shown.length) {
    lines.push(s.dim(`  … and ${running.length - shown.length} more running`));
  }
  const c = runCounts(input.state);
  const plain = [
    `${c.completed + c.skipped} done`,
    `${c.failed} failed`,
    `${c.blocked} blocked`,
    `${c.in_progress} running`,
    `${c.pending} remaining`,
    formatDuration(now - input.startedAt),
  ];
  const counts = plain.join(" · ");
  if (counts.length > width) lines.push(_clip(counts, width));
  else {
    if (c.failed > 0) plain[1] = s.red(plain[1]!);
    if (c.blocked > 0) plain[2] = s.yellow(plain[2]!);
    lines.push(plain.join(" · "));
  }
  return lines;
}

function _clip(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? "…" : `${text.slice(0, width - 1)}…`;
}

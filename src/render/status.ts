/**
 * What `orchestrate status` prints: a table of every task and shard (state,
 * duration, run, reason) and a summary line, or the same as JSON.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { TaskStateName } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";
import { RUNS_DIR } from "../events/log.ts";
import { formatDuration } from "./duration.ts";
import { safeText } from "../text/safe_text.ts";
import { summaryLine } from "./summary.ts";
import { countViews, taskViews } from "./task_view.ts";

/** One shard in {@link StatusJson}. */
export interface ShardStatusJson {
  /** Task or shard id. */
  id: string;
  /** Its title in the plan. */
  title: string;
  /** Its state (`pending` when the log never named it). */
  state: TaskStateName;
  /** How long it took, when it finished. */
  duration_ms: number | null;
  /** Why it failed, is blocked or was skipped, for people; null otherwise. */
  note: string | null;
}

/** One task in {@link StatusJson}. */
export interface TaskStatusJson {
  /** Task or shard id. */
  id: string;
  /** Its title in the plan. */
  title: string;
  /** Its state (`pending` when the log never named it). */
  state: TaskStateName;
  /** How long it took, when it finished. */
  duration_ms: number | null;
  /** Why it failed, is blocked or was skipped, for people. */
  note: string | null;
  /** The event's reason (failure kind, blocking task, skip reason). */
  reason: string | null;
  /** The event's detail (failed command or check, blocking dependency). */
  detail: string | null;
  /** The run its state comes from; null when the log never named it. */
  run: string | null;
  /** When it started (ISO 8601). */
  started_at: string | null;
  /** Output of its last command or check (relative to the root), when it failed. */
  output: string | null;
  /** Its shards, in plan order. */
  shards: ShardStatusJson[];
}

/**
 * Whether the run's process is still there: `running` while it holds the
 * lock, `gone` when the run did not finish and nothing holds the lock for it
 * (it crashed or was killed: `resume` continues it), null once it finished.
 */
export type RunProcess = "running" | "gone" | null;

/** The `status --json` document. */
export interface StatusJson {
  /** Latest run id; null when there is no run yet. */
  run: string | null;
  /** Its log, relative to the project root. */
  log: string | null;
  /** How the run ended; null while it runs or after a crash. */
  outcome: RunState["outcome"];
  /** See {@link RunProcess}. */
  process: RunProcess;
  /** When the run started (ISO 8601), or null. */
  started_at: string | null;
  /** When the run ended (ISO 8601), or null. */
  ended_at: string | null;
  /** The counts in one line, e.g. `7 completed, 1 failed, 2 blocked`. */
  summary: string;
  /** Tasks of the plan per state. */
  counts: Record<TaskStateName, number>;
  /** Every task of the plan, in plan order. */
  tasks: TaskStatusJson[];
}

/**
 * The status as a JSON-ready object: every task of the plan in plan order.
 *
 * @param plan The plan.
 * @param state The state folded from the latest run's log.
 * @param run The latest run id, or null when there is none.
 * @param logPath Its log relative to the project root, or null.
 * @param process Whether its process still runs (see {@link RunProcess}).
 * @returns The document `status --json` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { statusJson } from "./status.ts";
 * const plan = { tasks: [{ id: "A", title: "First", shards: [] }] } as unknown as Plan;
 * const json = statusJson(plan, emptyState(), null, null);
 * assert.equal(json.tasks[0]!.state, "pending");
 * assert.equal(json.summary, "1 pending");
 * ```
 */
export function statusJson(
  plan: Plan,
  state: RunState,
  run: string | null,
  logPath: string | null,
  process: RunProcess = null,
): StatusJson {
  const views = taskViews(plan, state);
  const counts = countViews(views);
  return {
    run: state.run ?? run,
    log: logPath,
    outcome: state.outcome,
    process,
    started_at: state.started_at,
    ended_at: state.ended_at,
    summary: summaryLine(counts),
    counts,
    tasks: views.map((v) => ({
      id: v.id,
      title: v.title,
      state: v.state,
      duration_ms: v.duration_ms,
      note: v.note,
      reason: v.folded?.reason ?? null,
      detail: v.folded?.detail ?? null,
      run: v.run,
      started_at: v.folded?.started_at ?? null,
      output: v.output,
      shards: v.shards.map((s) => ({
        id: s.id,
        title: s.title,
        state: s.state,
        duration_ms: s.duration_ms,
        note: s.note,
      })),
    })),
  };
}

const HEADERS = ["ID", "STATE", "DURATION", "RUN", "TITLE", "REASON"] as const;
const MAX_TITLE = 40;

/**
 * The status as a text table: a header line naming the run and its log,
 * a row per task and per shard (indented under its task), and the summary.
 *
 * @param plan The plan.
 * @param state The state folded from the latest run's log.
 * @param run The latest run id, or null when there is none.
 * @param logPath Its log relative to the project root, or null.
 * @param process Whether its process still runs (see {@link RunProcess}).
 * @returns Lines ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { renderStatus } from "./status.ts";
 * const plan = { tasks: [{ id: "A", title: "First", shards: [] }] } as unknown as Plan;
 * const text = renderStatus(plan, emptyState(), null, null);
 * assert.match(text, /^A +pending +- +First$/m);
 * ```
 */
export function renderStatus(
  plan: Plan,
  state: RunState,
  run: string | null,
  logPath: string | null,
  process: RunProcess = null,
): string {
  const views = taskViews(plan, state);
  const rows: string[][] = [HEADERS.slice()];
  for (const v of views) {
    rows.push([
      safeText(v.id),
      v.state,
      v.duration_ms === null ? "" : formatDuration(v.duration_ms),
      safeText(v.run ?? "-"),
      _clip(v.title),
      safeText(v.note ?? ""),
    ]);
    for (const s of v.shards) {
      rows.push([
        `  ${safeText(s.id)}`,
        s.state,
        s.duration_ms === null ? "" : formatDuration(s.duration_ms),
        "",
        _clip(s.title),
        safeText(s.note ?? ""),
      ]);
    }
  }
  const lines = [
    _header(state, run, logPath, process),
    "",
    ..._table(rows),
    "",
  ];
  lines.push(summaryLine(countViews(views)), "");
  if (process === "gone") lines.push(GONE_HINT, "");
  return lines.join("\n");
}

/** What to do about a run whose process is gone. */
export const GONE_HINT =
  "It is not running any more (its process is gone): continue it with `orchestrate resume`.";

function _header(
  state: RunState,
  run: string | null,
  logPath: string | null,
  process: RunProcess,
): string {
  const id = state.run ?? run;
  if (id === null) {
    return `No runs yet in ${RUNS_DIR}/: every task is pending (start one with "orchestrate run").`;
  }
  const outcome = state.outcome ??
    (process === "gone"
      ? "not finished, not running any more"
      : state.run === null
      ? "no events yet"
      : process === "running"
      ? "running"
      : "not finished");
  return `Run ${safeText(id)}: ${outcome}${
    logPath ? ` · log ${safeText(logPath)}` : ""
  }`;
}

function _clip(text: string): string {
  const line = safeText(text.replace(/[ \t]+/g, " "));
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

function _table(rows: string[][]): string[] {
  const widths = HEADERS.map((_, c) =>
    rows.reduce((w, row) => Math.max(w, row[c]!.length), 0)
  );
  return rows.map((row) =>
    row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()
  );
}

/**
 * A run's timeline as a Mermaid Gantt chart (for `report`): one bar per
 * time a task ran, from its `task_started` event to the event that ended
 * it, the critical path marked `crit`. Times are the events' own
 * (milliseconds since the epoch, Mermaid's `dateFormat x`), so the chart
 * is as deterministic as the log.
 * @module
 */

import type { RunEvent, TaskStateName } from "../events/types.ts";
import { mermaidText } from "./graph_mermaid.ts";

/** One stretch of a task's running. */
export interface TimelineSpan {
  task: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  /** How it ended. */
  state: Extract<TaskStateName, "completed" | "failed">;
}

/**
 * The spans of a run's tasks in the order they started; a start with no
 * end in the log (a task still running, or cut off) has no span.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runTimeline } from "./gantt_mermaid.ts";
 * const spans = runTimeline([
 *   { ts: "2026-01-01T00:00:00Z", run: "r", type: "task_started", task: "A", shard: null },
 *   { ts: "2026-01-01T00:00:02Z", run: "r", type: "task_completed", task: "A", shard: null, duration_ms: 2000, fingerprint: null },
 * ]);
 * assert.deepEqual(spans.map((s) => [s.task, s.end - s.start, s.state]), [["A", 2000, "completed"]]);
 * ```
 */
export function runTimeline(events: readonly RunEvent[]): TimelineSpan[] {
  const open = new Map<string, number>();
  const spans: (TimelineSpan & { order: number })[] = [];
  let order = 0;
  for (const e of events) {
    if (e.task === null) continue;
    const at = Date.parse(e.ts);
    if (!Number.isFinite(at)) continue;
    if (e.type === "task_started") open.set(e.task, at);
    else if (e.type === "task_completed" || e.type === "task_failed") {
      const start = open.get(e.task);
      if (start === undefined) continue;
      open.delete(e.task);
      spans.push({
        task: e.task,
        start,
        end: Math.max(start, at),
        state: e.type === "task_completed" ? "completed" : "failed",
        order: order++,
      });
    }
  }
  return spans.sort((a, b) => a.start - b.start || a.order - b.order)
    .map(({ order: _, ...span }) => span);
}

/**
 * Renders the spans as Mermaid Gantt text (no fence), ending with a
 * newline. Each bar is named `N. id` (a number first, so no task id can
 * read as a Gantt keyword such as `section`), a failed run of it
 * followed by `failed`; `:` is written as an entity, as it ends a bar's
 * name. Completed bars are `done`, the critical path's `crit`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGanttMermaid } from "./gantt_mermaid.ts";
 * const text = renderGanttMermaid("r1", [{ task: "A", start: 0, end: 1500, state: "completed" }], ["A"]);
 * assert.match(text, /\n  1\. A :crit, done, t0, 0, 1500\n$/);
 * ```
 */
export function renderGanttMermaid(
  run: string,
  spans: readonly TimelineSpan[],
  critical: readonly string[] | null,
): string {
  const onPath = new Set(critical ?? []);
  const out = [
    "gantt",
    `  title Run ${ganttText(run)}`,
    "  dateFormat x",
    "  axisFormat %H:%M:%S",
    "  section Tasks",
  ];
  spans.forEach((s, i) => {
    const tags = [
      onPath.has(s.task) ? "crit" : null,
      s.state === "completed" ? "done" : null,
      `t${i}`,
    ].filter((t) => t !== null);
    // A zero-length bar is not drawn: a task that took no time gets a millisecond.
    const end = Math.max(s.end, s.start + 1);
    out.push(
      `  ${i + 1}. ${ganttText(s.task)}${
        s.state === "failed" ? " failed" : ""
      } :${tags.join(", ")}, ${s.start}, ${end}`,
    );
  });
  return out.join("\n") + "\n";
}

function ganttText(text: string): string {
  return mermaidText(text).replaceAll(":", "#58;");
}

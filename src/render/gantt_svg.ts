/**
 * A run's timeline as a self-contained SVG (for `report --html`): a row
 * per time a task ran (`runTimeline`), its bar from the `task_started`
 * event to the event that ended it on a time axis from the run's first
 * start, green when it completed, red when it failed, the critical
 * path's bars outlined in red and named in bold. Plan and log text is
 * escaped; nothing is fetched.
 * @module
 */

import { formatDuration } from "./duration.ts";
import type { TimelineSpan } from "./gantt_mermaid.ts";
import { CRITICAL_COLOUR, STATE_COLOURS } from "./graph_model.ts";
import { clip, xmlText } from "./xml_text.ts";

const LABEL_WIDTH = 220;
const CHART_WIDTH = 680;
const ROW = 22;
const TOP = 44;

/**
 * Renders the spans as an SVG document, ending with a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderGanttSvg } from "./gantt_svg.ts";
 * const svg = renderGanttSvg([
 *   { task: "A", start: 0, end: 1000, state: "completed" },
 *   { task: "B", start: 1000, end: 3000, state: "failed" },
 * ], ["A"]);
 * assert.equal(svg.match(/<rect class="bar/g)?.length, 2);
 * assert.match(svg, /class="bar failed critical"|class="bar completed critical"/);
 * ```
 */
export function renderGanttSvg(
  spans: readonly TimelineSpan[],
  critical: readonly string[] | null,
): string {
  const onPath = new Set(critical ?? []);
  const t0 = Math.min(...spans.map((s) => s.start), Infinity);
  const t1 = Math.max(...spans.map((s) => s.end), -Infinity);
  const total = spans.length === 0 ? 1 : Math.max(1, t1 - t0);
  const scale = CHART_WIDTH / total;
  const width = LABEL_WIDTH + CHART_WIDTH + 30;
  const height = TOP + spans.length * ROW + 16;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="orchestrate-timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>Run timeline: ${spans.length} task run${
      spans.length === 1 ? "" : "s"
    } over ${formatDuration(spans.length === 0 ? 0 : t1 - t0)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  // Five ticks from the run's first start, each labelled with the time since it.
  for (let k = 0; k <= 4; k++) {
    const x = LABEL_WIDTH + (CHART_WIDTH * k) / 4;
    out.push(
      `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${
        height - 12
      }" stroke="#e2e2e2"/>`,
      `<text x="${x}" y="${TOP - 14}" text-anchor="middle" fill="#666666">${
        spans.length === 0 ? "" : formatDuration(Math.round((total * k) / 4))
      }</text>`,
    );
  }
  spans.forEach((s, i) => {
    const y = TOP + i * ROW;
    const isCritical = onPath.has(s.task);
    const x = LABEL_WIDTH + (s.start - t0) * scale;
    const w = Math.max(2, (s.end - s.start) * scale);
    const name = `${s.task}${s.state === "failed" ? " (failed)" : ""}`;
    out.push(
      `<g class="span"><title>${xmlText(name)}: ${
        formatDuration(s.end - s.start)
      }${isCritical ? ", on the critical path" : ""}</title>`,
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end"${
        isCritical ? ' font-weight="bold"' : ""
      }>${xmlText(clip(name, 30))}</text>`,
      `<rect class="bar ${s.state}${isCritical ? " critical" : ""}" x="${
        round(x)
      }" y="${y + 3}" width="${round(w)}" height="${ROW - 6}" rx="3" fill="${
        STATE_COLOURS[s.state]
      }" stroke="${isCritical ? CRITICAL_COLOUR : "#555555"}" stroke-width="${
        isCritical ? 2.5 : 1
      }"/>`,
      "</g>",
    );
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

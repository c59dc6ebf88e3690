/**
 * `report --html`: a run report (`events/run_report.ts`) as one
 * self-contained HTML page — the summary, the plan's graph
 * (`graph_svg.ts`), the run's timeline (`gantt_svg.ts`), the task table, then each
 * task with its commands and checks and their outcomes, its approvals,
 * agent attempts, applied patches and the events behind a failure. Every
 * plan and log text is escaped (`xmlText`); the page fetches nothing and
 * runs no script (`html_page.ts`).
 * @module
 */

import { RUNS_DIR } from "../events/log.ts";
import type { ReportedTask, RunReport } from "../events/run_report.ts";
import { safeBlock } from "../text/safe_text.ts";
import { formatDuration } from "./duration.ts";
import type { TimelineSpan } from "./gantt_mermaid.ts";
import { renderGanttSvg } from "./gantt_svg.ts";
import type { GraphModel } from "./graph_model.ts";
import { renderGraphSvg } from "./graph_svg.ts";
import { htmlPage } from "./html_page.ts";
import { xmlText as t } from "./xml_text.ts";

/** Above this many bars the page says the timeline is too long to draw. */
export const HTML_TIMELINE_LIMIT = 1000;

/**
 * Renders the report as an HTML page. `link` turns a path relative to
 * the project root into a link relative to where the page is written;
 * `graph` is the plan's graph coloured by this run (null: none drawn);
 * `timeline` is `runTimeline` of the run's events.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { buildRunReport } from "../events/run_report.ts";
 * import { renderReportHtml } from "./report_html.ts";
 * const page = renderReportHtml(buildRunReport("r<1>", emptyState(), [], [], []), (p) => p, null, []);
 * assert.match(page, /<h1>Run r&lt;1&gt;<\/h1>/);
 * ```
 */
export function renderReportHtml(
  report: RunReport,
  link: (path: string) => string,
  graph: GraphModel | null,
  timeline: readonly TimelineSpan[],
): string {
  const a = (label: string, path: string) => anchor(label, link(path));
  const out: string[] = [`<h1>Run ${t(report.run)}</h1>`, "<ul>"];
  const counts = Object.entries(report.counts).map(([k, n]) => `${n} ${k}`)
    .join(", ");
  out.push(
    `<li>Outcome: <strong>${t(report.outcome ?? "not finished")}</strong>${
      counts ? ` (${t(counts)})` : ""
    }</li>`,
    `<li>Plan: ${report.plan_file ? code(report.plan_file) : "unknown"}${
      report.plan_hash ? `, hash ${code(report.plan_hash.slice(0, 12))}` : ""
    }</li>`,
    `<li>Time: ${
      t(formatDuration(report.active_ms))
    } running over ${report.sessions} session${
      report.sessions === 1 ? "" : "s"
    }, ${t(formatDuration(report.wall_ms))} from start to end${
      report.started_at
        ? ` (${t(report.started_at)}${
          report.ended_at ? ` – ${t(report.ended_at)}` : ""
        })`
        : ""
    }</li>`,
  );
  if (report.critical_path) {
    out.push(
      `<li>Critical path: ${report.critical_path.tasks.map(t).join(" → ")} (${
        t(formatDuration(report.critical_path.duration_ms))
      } of task time)</li>`,
    );
  }
  if (report.tool_version) {
    out.push(`<li>orchestrate ${t(report.tool_version)}</li>`);
  }
  for (const ci of report.ci) {
    out.push(
      `<li>CI: ${
        Object.entries(ci).map(([k, v]) => `${t(k)} ${code(v)}`).join(", ")
      }</li>`,
    );
  }
  const log = `${RUNS_DIR}/${report.run}.jsonl`;
  out.push(
    report.merged_from !== undefined
      ? `<li>Merged from ${
        code(report.merged_from)
      }, not recorded (<code>orchestrate merge</code> records it)</li>`
      : `<li>Log: ${a(log, log)}</li>`,
  );
  for (const w of report.warnings) out.push(`<li>Warning: ${t(w)}</li>`);
  out.push("</ul>");
  if (graph !== null) {
    out.push(
      "<h2>Graph</h2>",
      '<div class="picture">',
      renderGraphSvg(graph).trimEnd(),
      "</div>",
    );
  }
  if (timeline.length > HTML_TIMELINE_LIMIT) {
    out.push(
      "<h2>Timeline</h2>",
      `<p>${timeline.length} task runs: more than ${HTML_TIMELINE_LIMIT}, too many to draw here.</p>`,
    );
  } else if (timeline.length > 0) {
    out.push(
      "<h2>Timeline</h2>",
      '<div class="picture">',
      renderGanttSvg(timeline, report.critical_path?.tasks ?? null).trimEnd(),
      "</div>",
    );
  }
  out.push("<h2>Tasks</h2>");
  out.push(
    "<table><thead><tr><th>Task</th><th>State</th><th>Time</th><th>Why</th></tr></thead><tbody>",
  );
  for (const task of report.tasks) {
    out.push(
      `<tr><td><a href="#${anchorId(task.id)}">${t(task.id)}</a></td>${
        stateCell(task.state)
      }<td>${
        task.duration_ms > 0 ? t(formatDuration(task.duration_ms)) : ""
      }</td><td>${t(task.reason ?? "")}</td></tr>`,
    );
  }
  out.push("</tbody></table>");
  if (report.earlier && report.earlier.length > 0) {
    out.push(
      "<p>Not in this run (their latest result, from an earlier run):</p><ul>",
      ...report.earlier.map((e) =>
        `<li>${t(e.id)}: ${t(e.state)} in run ${t(e.run)}</li>`
      ),
      "</ul>",
    );
  }
  for (const task of report.tasks) out.push(...taskSection(task, a));
  return htmlPage(`Run ${report.run}`, out.join("\n"));
}

function taskSection(
  task: ReportedTask,
  a: (label: string, path: string) => string,
): string[] {
  const out = [
    `<section id="${anchorId(task.id)}">`,
    `<h3>${t(task.id)} — <span class="state-${task.state}">${
      t(task.state)
    }</span></h3>`,
  ];
  if (task.dependencies.length > 0) {
    out.push(`<p>After: ${task.dependencies.map(t).join(", ")}</p>`);
  }
  if (task.reason || task.detail) {
    out.push(
      `<p>${t(task.reason ?? "")}${
        task.detail ? `: ${t(task.detail)}` : ""
      }</p>`,
    );
  }
  if (task.commands.length > 0) {
    out.push(
      "<table><thead><tr><th>Name</th><th>Command</th><th>Outcome</th><th>Time</th><th>Output</th></tr></thead><tbody>",
    );
    for (const c of task.commands) {
      const ok = !c.timed_out && !c.signal && c.status === 0;
      const how = c.timed_out
        ? "timed out"
        : c.signal
        ? `killed by ${c.signal}`
        : `exit ${c.status}`;
      out.push(
        `<tr><td>${t(c.name)}${c.shard ? ` (${t(c.shard)})` : ""}${
          c.attempts > 1 ? `, attempt ${c.attempt}/${c.attempts}` : ""
        }</td><td>${code(c.cmd)}</td><td${ok ? "" : ' class="failed"'}>${
          t(how)
        }</td><td>${t(formatDuration(c.duration_ms))}</td><td>${
          c.output ? a("output", c.output) : "no output"
        }</td></tr>`,
      );
    }
    out.push("</tbody></table>");
  }
  if (task.checks.length > 0) {
    out.push(
      "<table><thead><tr><th>Check</th><th>Outcome</th><th>Why</th><th>Output</th></tr></thead><tbody>",
    );
    for (const c of task.checks) {
      out.push(
        `<tr><td>${code(c.detail || c.check)}${
          c.shard ? ` (${t(c.shard)})` : ""
        }</td><td${c.passed ? "" : ' class="failed"'}>${
          c.passed ? "passed" : "failed"
        }</td><td>${t(c.reason ?? "")}</td><td>${
          c.output ? a("output", c.output) : ""
        }</td></tr>`,
      );
    }
    out.push("</tbody></table>");
  }
  if (task.awaited.length > 0 && task.state === "pending") {
    out.push(
      `<p>Waiting for approval: ${task.awaited.map(code).join(", ")}</p>`,
    );
  }
  if (task.approvals.length > 0) {
    out.push("<p>Approvals:</p><ul>");
    for (const ap of task.approvals) {
      const hash = ap.task_hashes[task.id];
      out.push(
        `<li>${code(ap.gate)} by ${t(ap.by)} at ${t(ap.at)}${
          ap.granted_in ? ` in run ${code(ap.granted_in)}` : ""
        }${hash ? `, definition ${code(hash.slice(0, 12))}` : ""}${
          ap.note ? ` — “${t(ap.note)}”` : ""
        }</li>`,
      );
    }
    out.push("</ul>");
  }
  if (task.agent_attempts.length > 0) {
    out.push("<p>Agent attempts:</p><ul>");
    for (const at of task.agent_attempts) {
      const parts = [
        at.status === null ? "did not finish" : `exit ${at.status}`,
        at.duration_ms === null ? null : t(formatDuration(at.duration_ms)),
        at.turns === null ? null : `${at.turns} turns`,
        at.cost_usd === null ? null : `$${at.cost_usd.toFixed(2)}`,
        at.session_id === null ? null : `session ${code(at.session_id)}`,
        at.patch === null
          ? null
          : `patch ${
            a(`+${at.patch.added} -${at.patch.removed}`, at.patch.patch)
          }`,
        at.output === null ? null : a("output", at.output),
        at.feedback === null ? null : a("feedback given", at.feedback),
      ].filter((x) => x !== null);
      out.push(
        `<li>${at.shard === null ? "" : `${t(at.shard)} `}${at.attempt}. ${
          code(at.cmd)
        }: ${parts.join(", ")}${
          at.reported_error ? ` — reported: ${t(at.reported_error)}` : ""
        }${
          at.failure
            ? ` — <strong>${t(at.failure.reason)}</strong>: ${
              t(at.failure.detail)
            }`
            : ""
        }</li>`,
      );
    }
    out.push("</ul>");
  }
  for (const p of task.patches_applied) {
    out.push(
      `<p>Applied ${a("patch", p.patch)} ${code(p.hash)} at ${t(p.at)}: ${
        p.files.map(code).join(", ")
      } (+${p.added} -${p.removed})</p>`,
    );
    if (p.diff !== null) out.push(`<pre>${block(p.diff)}</pre>`);
  }
  if (task.failure_events.length > 0) {
    out.push(
      "<details><summary>Events behind the failure</summary><pre>",
      ...task.failure_events.map((e) => t(JSON.stringify(e))),
      "</pre></details>",
    );
  }
  out.push("</section>");
  return out;
}

function code(s: string): string {
  return `<code>${t(s)}</code>`;
}

/** Text of many lines for a `<pre>`: line breaks kept, other controls escaped. */
function block(s: string): string {
  return safeBlock(s).replace(/[&<>"']/g, (c) => t(c));
}

function stateCell(state: string): string {
  return `<td class="state-${state}">${t(state.replace("_", " "))}</td>`;
}

/** A fragment id for a task: its id's characters outside [A-Za-z0-9_-] as their code. */
function anchorId(id: string): string {
  return `task-${
    [...id].map((c) => /[A-Za-z0-9_-]/.test(c) ? c : `.${c.codePointAt(0)}.`)
      .join("")
  }`;
}

/**
 * A link to a file of the project, relative to the page; a target that
 * reads as a URL with a scheme (`javascript:`) is shown as text only.
 */
function anchor(label: string, target: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return code(target);
  const href = target.split("/").map(encodeURIComponent).join("/");
  return `<a href="${t(href)}">${t(label)}</a>`;
}

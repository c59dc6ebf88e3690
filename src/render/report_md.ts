/**
 * REPORT.md: a run report (`events/run_report.ts`) as Markdown for people
 * and pull requests — outcome, time and critical path, then each task with
 * its commands, checks, approvals and the events behind a failure.
 * @module
 */

import { RUNS_DIR } from "../events/log.ts";
import type { ReportedTask, RunReport } from "../events/run_report.ts";
import { formatDuration } from "./duration.ts";
import { escapeMarkdown, markdownLink } from "./markdown.ts";
import { safeText } from "../text/safe_text.ts";
import { renderGanttMermaid, type TimelineSpan } from "./gantt_mermaid.ts";
import type { GraphModel } from "./graph_model.ts";
import { renderGraphMermaid } from "./graph_mermaid.ts";

/** Above this many tasks the report says how to get the graph instead of embedding it. */
export const REPORT_GRAPH_LIMIT = 200;

/** Above this many bars the report says the timeline is too long to draw. */
export const REPORT_TIMELINE_LIMIT = 200;

/**
 * Renders a report. `link` turns a path relative to the project root into
 * a link target relative to where the report is written. With `timeline`
 * (`runTimeline` of the run's events) it has a Mermaid Gantt chart of the
 * run, the critical path marked; with `graph` (see `cli/report_graph.ts`)
 * a Mermaid flowchart of the plan as the run left it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { buildRunReport } from "../events/run_report.ts";
 * import { renderReportMd } from "./report_md.ts";
 * const md = renderReportMd(buildRunReport("r1", emptyState(), [], [], []), (p) => p);
 * assert.match(md, /^# Run r1/);
 * ```
 */
export function renderReportMd(
  report: RunReport,
  link: (path: string) => string,
  timeline: readonly TimelineSpan[] = [],
  graph: GraphModel | null = null,
): string {
  const text = (s: string) => escapeMarkdown(safeText(s));
  const code = (s: string) => {
    const clean = safeText(s).replaceAll("\n", " ");
    const fence = "`".repeat(longestTickRun(clean) + 1);
    return clean.startsWith("`") || clean.endsWith("`")
      ? `${fence} ${clean} ${fence}`
      : `${fence}${clean}${fence}`;
  };
  const out: string[] = [`# Run ${text(report.run)}`, ""];
  const counts = Object.entries(report.counts).map(([k, n]) => `${n} ${k}`)
    .join(", ");
  out.push(
    `- Outcome: **${report.outcome ?? "not finished"}**${
      counts ? ` (${counts})` : ""
    }`,
    `- Plan: ${report.plan_file ? code(report.plan_file) : "unknown"}${
      report.plan_hash ? `, hash ${code(report.plan_hash.slice(0, 12))}` : ""
    }`,
    `- Time: ${
      formatDuration(report.active_ms)
    } running over ${report.sessions} session${
      report.sessions === 1 ? "" : "s"
    }, ${formatDuration(report.wall_ms)} from start to end${
      report.started_at ? ` (${text(report.started_at)}` : ""
    }${
      report.ended_at
        ? ` – ${text(report.ended_at)})`
        : report.started_at
        ? ")"
        : ""
    }`,
  );
  if (report.critical_path) {
    out.push(
      `- Critical path: ${report.critical_path.tasks.map(text).join(" → ")} (${
        formatDuration(report.critical_path.duration_ms)
      } of task time)`,
    );
  }
  if (report.tool_version) {
    out.push(`- orchestrate ${text(report.tool_version)}`);
  }
  for (const ci of report.ci) {
    out.push(
      `- CI: ${
        Object.entries(ci).map(([k, v]) => `${text(k)} ${code(v)}`).join(", ")
      }`,
    );
  }
  out.push(
    report.merged_from !== undefined
      ? `- Merged from ${
        code(report.merged_from)
      }, not recorded (\`orchestrate merge\` records it)`
      : `- Log: ${
        markdownLink(
          `${RUNS_DIR}/${report.run}.jsonl`,
          link(`${RUNS_DIR}/${report.run}.jsonl`),
        )
      }`,
  );
  for (const w of report.warnings) out.push(`- Warning: ${text(w)}`);
  out.push("");
  out.push("| Task | State | Time | Why |", "| --- | --- | --- | --- |");
  for (const t of report.tasks) {
    out.push(
      `| ${text(t.id)} | ${t.state} | ${
        t.duration_ms > 0 ? formatDuration(t.duration_ms) : ""
      } | ${text(oneLine(t.reason ?? ""))} |`,
    );
  }
  if (report.earlier && report.earlier.length > 0) {
    out.push(
      "",
      "Not in this run (their latest result, from an earlier run):",
      "",
      ...report.earlier.map((e) =>
        `- ${text(e.id)}: ${e.state} in run ${text(e.run)}`
      ),
    );
  }
  if (graph !== null && graph.nodes.length > REPORT_GRAPH_LIMIT) {
    out.push(
      "",
      "## Graph",
      "",
      `${graph.nodes.length} tasks: more than ${REPORT_GRAPH_LIMIT}, too many to draw here; \`orchestrate graph --run ${
        text(report.run)
      }\` prints the whole graph, \`report --html\` draws it.`,
    );
  } else if (graph !== null) {
    const flowchart = renderGraphMermaid(graph).trimEnd();
    out.push("", "## Graph", "", "```mermaid", flowchart, "```");
  }
  if (timeline.length > REPORT_TIMELINE_LIMIT) {
    out.push(
      "",
      "## Timeline",
      "",
      `${timeline.length} task runs: more than ${REPORT_TIMELINE_LIMIT}, too many to draw here.`,
    );
  } else if (timeline.length > 0) {
    const gantt = renderGanttMermaid(
      report.run,
      timeline,
      report.critical_path?.tasks ?? null,
    );
    out.push("", "## Timeline", "", "```mermaid", gantt.trimEnd(), "```");
  }
  for (const t of report.tasks) {
    out.push("", ...taskSection(t, text, code, link));
  }
  return out.join("\n") + "\n";
}

function taskSection(
  t: ReportedTask,
  text: (s: string) => string,
  code: (s: string) => string,
  link: (path: string) => string,
): string[] {
  const out = [`## ${text(t.id)} — ${t.state}`, ""];
  if (t.dependencies.length > 0) {
    out.push(`After: ${t.dependencies.map(text).join(", ")}`, "");
  }
  if (t.reason || t.detail) {
    out.push(
      `${text(t.reason ?? "")}${
        t.detail ? `: ${text(oneLine(t.detail))}` : ""
      }`,
      "",
    );
  }
  if (t.commands.length > 0) {
    out.push("Commands:", "");
    for (const c of t.commands) {
      const how = c.timed_out
        ? "timed out"
        : c.signal
        ? `killed by ${c.signal}`
        : `exit ${c.status}`;
      const attempt = c.attempts > 1
        ? `, attempt ${c.attempt}/${c.attempts}`
        : "";
      const output = c.output
        ? `, ${markdownLink("output", link(c.output))}`
        : ", no output";
      out.push(
        `- ${text(c.name)}${c.shard ? ` (${text(c.shard)})` : ""}: ${
          code(c.cmd)
        } — ${how} in ${formatDuration(c.duration_ms)}${attempt}${output}`,
      );
    }
    out.push("");
  }
  if (t.checks.length > 0) {
    out.push("Acceptance:", "");
    for (const c of t.checks) {
      const output = c.output
        ? ` (${markdownLink("output", link(c.output))})`
        : "";
      out.push(
        `- ${c.passed ? "passed" : "**failed**"}: ${code(c.detail || c.check)}${
          c.shard ? ` (${text(c.shard)})` : ""
        }${c.reason ? ` — ${text(oneLine(c.reason))}` : ""}${output}`,
      );
    }
    out.push("");
  }
  if (t.awaited.length > 0 && t.state === "pending") {
    out.push(`Waiting for approval: ${t.awaited.map(code).join(", ")}`, "");
  }
  if (t.approvals.length > 0) {
    out.push("Approvals:", "");
    for (const a of t.approvals) {
      const hash = a.task_hashes[t.id];
      out.push(
        `- ${code(a.gate)} by ${text(a.by)} at ${text(a.at)}${
          a.granted_in ? ` in run ${code(a.granted_in)}` : ""
        }${hash ? `, definition ${code(hash.slice(0, 12))}` : ""}${
          a.note ? ` — “${text(oneLine(a.note))}”` : ""
        }`,
      );
    }
    out.push("");
  }
  if (t.agent_attempts.length > 0) {
    out.push("Agent attempts:", "");
    for (const a of t.agent_attempts) {
      const parts = [
        a.status === null ? "did not finish" : `exit ${a.status}`,
        a.duration_ms === null ? null : formatDuration(a.duration_ms),
        a.turns === null ? null : `${a.turns} turns`,
        a.cost_usd === null ? null : `$${a.cost_usd.toFixed(2)}`,
        a.session_id === null ? null : `session ${code(a.session_id)}`,
        a.patch === null ? null : `patch ${
          markdownLink(
            `+${a.patch.added} -${a.patch.removed}`,
            link(a.patch.patch),
          )
        }`,
        a.output === null ? null : markdownLink("output", link(a.output)),
        a.feedback === null
          ? null
          : markdownLink("feedback given", link(a.feedback)),
      ].filter((x) => x !== null);
      out.push(
        `- ${a.shard === null ? "" : `${text(a.shard)} `}${a.attempt}. ${
          code(a.cmd)
        }: ${parts.join(", ")}${
          a.reported_error
            ? ` — reported: ${text(oneLine(a.reported_error))}`
            : ""
        }${
          a.failure
            ? ` — **${text(a.failure.reason)}**: ${
              text(oneLine(a.failure.detail))
            }`
            : ""
        }`,
      );
    }
    out.push("");
  }
  for (const p of t.patches_applied) {
    out.push(
      `Applied ${markdownLink("patch", link(p.patch))} ${code(p.hash)} at ${
        text(p.at)
      }: ${p.files.map(code).join(", ")} (+${p.added} -${p.removed})`,
      "",
    );
    if (p.diff !== null) {
      const fence = "`".repeat(Math.max(3, longestTickRun(p.diff) + 1));
      out.push(fence + "diff", p.diff.replace(/\n$/, ""), fence, "");
    }
  }
  if (t.failure_events.length > 0) {
    out.push("<details><summary>Events behind the failure</summary>", "");
    out.push("```json");
    for (const e of t.failure_events) {
      out.push(safeText(JSON.stringify(e)).replaceAll("```", "`\u200b``"));
    }
    out.push("```", "", "</details>", "");
  }
  while (out.at(-1) === "") out.pop();
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ");
}

function longestTickRun(s: string): number {
  let longest = 0;
  for (const m of s.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

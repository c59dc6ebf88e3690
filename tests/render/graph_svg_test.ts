import assert from "node:assert/strict";
import { emptyState } from "../../src/events/fold.ts";
import type { RunReport } from "../../src/events/run_report.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { safeText } from "../../src/text/safe_text.ts";
import { type GraphModel, graphModel } from "../../src/render/graph_model.ts";
import {
  layoutGraph,
  MAX_ROWS,
  NODE_HEIGHT,
  SIMPLEX_LIMIT,
} from "../../src/render/graph_layout.ts";
import { renderGraphSvg } from "../../src/render/graph_svg.ts";
import { renderGanttSvg } from "../../src/render/gantt_svg.ts";
import { renderReportHtml } from "../../src/render/report_html.ts";
import { clip } from "../../src/render/xml_text.ts";
import { HOSTILE } from "./_hostile.ts";
import { checkMarkup, decode, textsOf } from "./_markup_check.ts";

const SVG_TAGS = [
  "svg",
  "title",
  "defs",
  "marker",
  "path",
  "rect",
  "g",
  "text",
  "polygon",
  "line",
];
const HTML_TAGS = [
  ...SVG_TAGS,
  "html",
  "head",
  "body",
  "style",
  "h1",
  "h2",
  "h3",
  "ul",
  "li",
  "p",
  "strong",
  "code",
  "a",
  "table",
  "thead",
  "tbody",
  "tr",
  "th",
  "td",
  "section",
  "span",
  "div",
  "details",
  "summary",
  "pre",
];

function hostileGraph(): GraphModel {
  const plan = {
    tasks: HOSTILE.map((title, i) => ({
      id: HOSTILE[(i + 3) % HOSTILE.length]!,
      title,
      dependencies: i === 0 ? [] : [HOSTILE[(i + 2) % HOSTILE.length]!],
      shards: i === 2 ? [{ id: "s1" }, { id: "s2" }] : [],
      gates: i === 5 ? [HOSTILE[16]!] : [],
      ...(i === 6 ? { agent: {} } : {}),
    })),
  } as unknown as Plan;
  return graphModel(plan, emptyState(), [HOSTILE[3]!, HOSTILE[4]!]);
}

Deno.test("graph svg: hostile ids and titles stay text — only our tags, every label reads back as written", () => {
  const graph = hostileGraph();
  const svg = renderGraphSvg(graph);
  assert.deepEqual(checkMarkup(svg, SVG_TAGS), []);
  assert.doesNotMatch(svg, /<script|<!\[CDATA\[/i);
  const drawn = textsOf(svg, "text");
  for (const node of graph.nodes) {
    const full = `${node.id}: ${node.title}`;
    assert.ok(
      drawn.includes(safeText(clip(full, 30))),
      `${JSON.stringify(full)} not drawn`,
    );
    assert.ok(
      textsOf(svg, "title").some((t) => t.startsWith(safeText(full) + "\n")),
      `${JSON.stringify(full)} not in a tooltip`,
    );
  }
  assert.equal(svg.match(/<g class="node /g)?.length, graph.nodes.length);
  assert.equal(svg.match(/<path class="edge/g)?.length, graph.edges.length);
  // The gate is a hexagon, the agent has an inner outline, shards are a count.
  assert.match(
    svg,
    /<g class="node pending gate">\n<title>[^<]*<\/title>\n<polygon /,
  );
  assert.match(
    svg,
    /<g class="node pending agent">\n<title>[^<]*<\/title>\n<rect [^>]*>\n<rect [^>]*fill="none"/,
  );
  assert.match(svg, /pending · 2 shards</);
});

Deno.test("graph svg: the check itself catches a broken-out title", () => {
  assert.notDeepEqual(
    checkMarkup('<svg><text>"</text><script>x</script></svg>', SVG_TAGS),
    [],
  );
  assert.notDeepEqual(
    checkMarkup('<svg><text x="1" y="2"">a</text></svg>', SVG_TAGS),
    [],
  );
  assert.notDeepEqual(
    checkMarkup("<svg><text>a & b</text></svg>", SVG_TAGS),
    [],
  );
  assert.notDeepEqual(
    checkMarkup("<svg><g><text>a</g></text></svg>", SVG_TAGS),
    [],
  );
});

/** `layers` layers of `width` tasks, each depending on two of the layer before, and one flat layer of `wide` tasks after them. */
function bigPlan(layers: number, width: number, wide: number): Plan {
  const tasks = [];
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      tasks.push({
        id: `T${l}-${w}`,
        title: `stage ${l} part ${w}`,
        dependencies: l === 0 ? [] : [
          `T${l - 1}-${(w * 7) % width}`,
          `T${l - 1}-${(w * 3 + 1) % width}`,
        ],
        shards: [],
        gates: [],
      });
    }
  }
  for (let w = 0; w < wide; w++) {
    tasks.push({
      id: `W-${w}`,
      title: "wide",
      dependencies: [`T${layers - 1}-${w % width}`],
      shards: [],
      gates: [],
    });
  }
  return { tasks } as unknown as Plan;
}

Deno.test("graph layout: 200 tasks in layers — every edge goes to a later layer, no two nodes overlap, a layer above the row limit wraps", () => {
  const plan = bigPlan(7, 20, 60);
  assert.equal(plan.tasks.length, 200);
  const graph = graphModel(plan, emptyState(), null);
  const laid = layoutGraph(graph);
  graph.edges.forEach((e, i) => {
    assert.ok(laid.nodes[e.to]!.layer > laid.nodes[e.from]!.layer);
    assert.ok(laid.edges[i]!.from.x < laid.edges[i]!.to.x);
  });
  const boxes = laid.nodes;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!, b = boxes[j]!;
      const apart = a.x + a.width <= b.x || b.x + b.width <= a.x ||
        a.y + a.height <= b.y || b.y + b.height <= a.y;
      assert.ok(apart, `${graph.nodes[i]!.id} overlaps ${graph.nodes[j]!.id}`);
    }
    const box = boxes[i]!;
    assert.ok(box.x >= 0 && box.x + box.width <= laid.width);
    assert.ok(box.y >= 0 && box.y + box.height <= laid.height);
  }
  assert.equal(laid.layers.length, 8);
  // No column is taller than the row limit: the picture stays about a screen or two high.
  assert.ok(
    laid.height <= MAX_ROWS * (NODE_HEIGHT + 12) + 40,
    `${laid.height}`,
  );
  const wideColumns = new Set(
    graph.nodes.flatMap((n, i) => n.id.startsWith("W-") ? [boxes[i]!.x] : []),
  );
  assert.equal(wideColumns.size, 3);
  // Deterministic: the same graph, the same picture.
  assert.equal(renderGraphSvg(graph), renderGraphSvg(graph));
});

Deno.test("gantt svg: a bar per task run placed by its times, failed red, the critical path outlined, hostile names as text", () => {
  const spans = HOSTILE.map((task, i) => ({
    task,
    start: 1_000_000 + i * 1000,
    end: 1_000_000 + i * 1000 + 500 + i * 100,
    state: i % 3 === 0 ? "failed" as const : "completed" as const,
  }));
  const svg = renderGanttSvg(spans, [HOSTILE[1]!, HOSTILE[16]!]);
  assert.deepEqual(checkMarkup(svg, SVG_TAGS), []);
  const bars = [
    ...svg.matchAll(
      /<rect class="bar ([a-z ]+)" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"/g,
    ),
  ];
  assert.equal(bars.length, spans.length);
  assert.deepEqual(
    bars.map((b) => b[1]),
    spans.map((s, i) => `${s.state}${i === 1 || i === 16 ? " critical" : ""}`),
  );
  for (let i = 1; i < bars.length; i++) {
    assert.ok(Number(bars[i]![2]) > Number(bars[i - 1]![2]), "starts in order");
    assert.ok(
      Number(bars[i]![3]) > Number(bars[i - 1]![3]),
      "longer runs are longer bars",
    );
  }
  const labels = textsOf(svg, "text").filter((x) => !/^\d|^$/.test(x));
  spans.forEach((s, i) =>
    assert.equal(
      labels[i],
      safeText(clip(`${s.task}${s.state === "failed" ? " (failed)" : ""}`, 30)),
    )
  );
});

function hostileReport(): RunReport {
  const h = (i: number) => HOSTILE[i % HOSTILE.length]!;
  return {
    run: h(16),
    plan_file: h(17),
    plan_hash: h(18),
    tool_version: h(19),
    outcome: "failed",
    started_at: h(0),
    ended_at: h(1),
    wall_ms: 1000,
    active_ms: 900,
    sessions: 1,
    counts: { completed: 1, failed: 1 },
    ci: [{ [h(2)]: h(3) }],
    critical_path: { tasks: [h(4), h(5)], duration_ms: 10 },
    warnings: [h(6)],
    earlier: [{ id: h(7), state: "completed", run: h(8) }],
    tasks: HOSTILE.map((id, i) => ({
      id,
      state: i % 2 ? "failed" : "completed",
      duration_ms: 10,
      reason: h(i + 1),
      detail: h(i + 2),
      dependencies: [h(i + 3)],
      commands: [{
        name: h(i + 4),
        cmd: h(i + 5),
        status: i % 2,
        signal: null,
        duration_ms: 3,
        output: `javascript:alert(1)/${h(i + 6)}`,
        attempt: 1,
        attempts: 1,
        timed_out: false,
        shard: h(i + 7),
      }],
      checks: [{
        check: h(i + 8),
        passed: i % 2 === 0,
        detail: h(i + 9),
        reason: h(i + 10),
        output: `.codex/runs/${h(i + 11)}`,
        shard: null,
      }],
      approvals: [{
        gate: h(i + 12),
        task: null,
        by: h(i + 13),
        at: h(i + 14),
        note: h(i + 15),
        task_hashes: { [id]: h(i + 16) },
      }],
      awaited: [],
      failure_events: [
        { type: "task_failed", task: id, detail: h(i) } as never,
      ],
      agent_attempts: [],
      patches_applied: [{
        patch: h(i + 17),
        hash: h(i + 18),
        files: [h(i + 19)],
        added: 1,
        removed: 2,
        at: h(i),
        diff: `--- a\n+++ b\n+${h(i + 1)}\n`,
      } as never],
    })),
  } as RunReport;
}

Deno.test("report html: every log and plan text escaped (scripts, quotes, ]]>, ${{), one page with the graph and the timeline, no fetch or script allowed", () => {
  const report = hostileReport();
  const spans = HOSTILE.map((task, i) => ({
    task,
    start: i * 10,
    end: i * 10 + 5,
    state: "completed" as const,
  }));
  const page = renderReportHtml(report, (p) => p, hostileGraph(), spans);
  assert.deepEqual(
    checkMarkup(page.replace(/<style>[^<]*<\/style>/, ""), HTML_TAGS),
    [],
  );
  assert.equal(page.match(/<svg /g)?.length, 2);
  assert.doesNotMatch(page, /<script|<!\[CDATA\[/i);
  assert.match(
    page,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
  );
  // A link whose target has a scheme is text, not a link; others are links.
  assert.doesNotMatch(page, /href="javascript/i);
  assert.ok(
    [...page.matchAll(/href="([^"]*)"/g)].every((m) =>
      !/^[a-z][a-z0-9+.-]*:/i.test(decode(m[1]!))
    ),
  );
  const codes = textsOf(page, "code");
  for (const t of report.tasks) {
    assert.ok(codes.includes(safeText(t.commands[0]!.cmd)), t.commands[0]!.cmd);
    assert.ok(codes.includes(safeText(t.checks[0]!.detail)));
  }
  assert.ok(textsOf(page, "h1").includes(`Run ${safeText(report.run)}`));
  assert.ok(textsOf(page, "title").includes(`Run ${safeText(report.run)}`));
  // The diff keeps its lines.
  assert.match(page, /<pre>--- a\n\+\+\+ b\n\+/);
});

Deno.test("graph layout: 1,000 tasks (above the network-simplex limit) still in layers, each edge to a later layer, no overlap", () => {
  const plan = bigPlan(20, 50, 0);
  const graph = graphModel(plan, emptyState(), null);
  assert.ok(graph.nodes.length > SIMPLEX_LIMIT);
  const laid = layoutGraph(graph);
  assert.equal(laid.layers.length, 20);
  graph.edges.forEach((e) =>
    assert.ok(laid.nodes[e.to]!.layer > laid.nodes[e.from]!.layer)
  );
  const seen = new Set(laid.nodes.map((n) => `${n.x},${n.y}`));
  assert.equal(seen.size, graph.nodes.length);
});

Deno.test("report timelines: Markdown draws up to 200 bars and says so above, the HTML page up to 1,000", async () => {
  const { buildRunReport } = await import("../../src/events/run_report.ts");
  const { renderReportMd, REPORT_TIMELINE_LIMIT } = await import(
    "../../src/render/report_md.ts"
  );
  const { HTML_TIMELINE_LIMIT } = await import(
    "../../src/render/report_html.ts"
  );
  const report = buildRunReport("r1", emptyState(), [], [], []);
  const spans = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      task: `T${i}`,
      start: i,
      end: i + 1,
      state: "completed" as const,
    }));
  const md = (n: number) => renderReportMd(report, (p) => p, spans(n));
  assert.match(md(REPORT_TIMELINE_LIMIT), /## Timeline\n\n```mermaid\ngantt\n/);
  assert.match(
    md(REPORT_TIMELINE_LIMIT + 1),
    /## Timeline\n\n201 task runs: more than 200, too many to draw here\.\n/,
  );
  assert.doesNotMatch(md(0), /Timeline/);
  const html = (n: number) =>
    renderReportHtml(report, (p) => p, null, spans(n));
  assert.equal(
    html(HTML_TIMELINE_LIMIT).match(/<rect class="bar /g)?.length,
    HTML_TIMELINE_LIMIT,
  );
  assert.match(
    html(HTML_TIMELINE_LIMIT + 1),
    /<p>1001 task runs: more than 1000, too many to draw here\.<\/p>/,
  );
  assert.doesNotMatch(html(0), /Timeline|<svg/);
});

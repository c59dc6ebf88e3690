import assert from "node:assert/strict";
import { emptyState, foldEvents } from "../../src/events/fold.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { safeText } from "../../src/text/safe_text.ts";
import { graphModel } from "../../src/render/graph_model.ts";
import { renderGraphMermaid } from "../../src/render/graph_mermaid.ts";
import { renderGraphDot } from "../../src/render/graph_dot.ts";
import {
  renderGanttMermaid,
  runTimeline,
} from "../../src/render/gantt_mermaid.ts";
import { checkFlowchart, checkGantt } from "./_mermaid_check.ts";
import { HOSTILE } from "./_hostile.ts";

function hostilePlan(): Plan {
  const tasks = HOSTILE.map((title, i) => ({
    id: i === 3 ? "section" : `T-${i}.x_y`,
    title,
    dependencies: i === 0 ? [] : [i === 4 ? "section" : `T-${i - 1}.x_y`],
    shards: i === 2
      ? [{ id: "T-2.x_y-a", title: "s" }, { id: "T-2.x_y-b", title: "t" }]
      : [],
    gates: i === 5 ? ['ship "now"\n'] : [],
    ...(i === 6 ? { agent: {} } : {}),
  }));
  return { tasks } as unknown as Plan;
}

const decodeEntities = (s: string) =>
  s.replace(/#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)));

Deno.test("graph mermaid: hostile titles stay inside their labels and read back as written", () => {
  const plan = hostilePlan();
  const text = renderGraphMermaid(graphModel(plan, emptyState(), null));
  assert.deepEqual(checkFlowchart(text), []);
  const labels = [...text.matchAll(/^ {2}n\d+\W+"([^"]*)"/gm)].map((m) =>
    decodeEntities(m[1]!.split("<br/>")[0]!)
  );
  assert.deepEqual(
    labels,
    plan.tasks.map((t) => `${safeText(t.id)}: ${safeText(t.title)}`),
  );
  // Shapes: a gate is a hexagon, an agent a subroutine; shards a count.
  assert.match(text, /^ {2}n5\{\{".*gate ship #34;now#34;#92;n"\}\}$/m);
  assert.match(text, /^ {2}n6\[\[".* - agent"\]\]$/m);
  assert.match(text, /^ {2}n2\[".* - 2 shards"\]$/m);
  assert.equal(
    text.split("\n").filter((l) => l.includes("-->")).length,
    HOSTILE.length - 1,
  );
});

Deno.test("graph mermaid: the check itself rejects a label a raw quote or newline breaks", () => {
  assert.notDeepEqual(checkFlowchart('flowchart LR\n  n0["a"b"]\n'), []);
  assert.notDeepEqual(checkFlowchart('flowchart LR\n  n0["a\n"]\n'), []);
  assert.notDeepEqual(checkFlowchart("flowchart LR\n  n0 --> n1\n"), []);
  assert.notDeepEqual(checkGantt("gantt\n  title Run r\n"), []);
});

Deno.test("graph: states fill nodes and the critical path is outlined, in both formats", () => {
  const plan = {
    tasks: [
      { id: "A", title: "a", dependencies: [], shards: [], gates: [] },
      { id: "B", title: "b", dependencies: ["A"], shards: [], gates: [] },
      { id: "C", title: "c", dependencies: ["A"], shards: [], gates: [] },
    ],
  } as unknown as Plan;
  const ev = (type: string, task: string, extra = {}) => ({
    ts: "2026-01-01T00:00:00Z",
    run: "r",
    type,
    task,
    shard: null,
    ...extra,
  });
  const state = foldEvents([
    ev("task_started", "A"),
    ev("task_completed", "A", { duration_ms: 1, fingerprint: null }),
    ev("task_started", "B"),
    ev("task_failed", "B", {
      duration_ms: 1,
      reason: "command_failed",
      detail: "exit 1",
    }),
  ] as never);
  const g = graphModel(plan, state, ["A", "B"]);
  const mermaid = renderGraphMermaid(g);
  assert.deepEqual(checkFlowchart(mermaid), []);
  assert.match(mermaid, /^ {2}class n0 completed$/m);
  assert.match(mermaid, /^ {2}class n1 failed$/m);
  assert.match(mermaid, /^ {2}class n2 pending$/m);
  assert.match(mermaid, /^ {2}style n0 stroke:#d00000/m);
  assert.match(mermaid, /^ {2}style n1 stroke:#d00000/m);
  assert.doesNotMatch(mermaid, /style n2/);
  assert.match(mermaid, /^ {2}linkStyle 0 stroke:#d00000/m);
  const dot = renderGraphDot(g);
  assert.match(
    dot,
    /n1 \[label="B: b\\nfailed", fillcolor="#f8b4b4", color="#d00000", penwidth=3\];/,
  );
  assert.match(dot, /n0 -> n1 \[color="#d00000", penwidth=3\];/);
  assert.match(dot, /n0 -> n2;/);
});

Deno.test("gantt: a bar per task run, hostile ids kept out of the syntax, the critical path crit", () => {
  const events = HOSTILE.flatMap((id, i) => [
    {
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      run: "r",
      type: "task_started",
      task: id,
      shard: null,
    },
    {
      ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i + 1)).toISOString(),
      run: "r",
      type: i % 2 ? "task_failed" : "task_completed",
      task: id,
      shard: null,
      duration_ms: 1000,
      fingerprint: null,
      reason: "command_failed",
      detail: "",
    },
  ]) as never;
  const spans = runTimeline(events);
  assert.equal(spans.length, HOSTILE.length);
  const text = renderGanttMermaid('run "1"\n', spans, [HOSTILE[0]!]);
  assert.deepEqual(checkGantt(text), []);
  const bars = text.split("\n").slice(5, -1);
  assert.equal(bars.length, HOSTILE.length);
  assert.match(bars[0]!, /^ {2}1\. .* :crit, done, t0, \d+, \d+$/);
  assert.match(bars[1]!, / failed :t1, /);
  bars.forEach((bar, i) => {
    const name = bar.match(/^ {2}\d+\. (.*?)( failed)? :/)![1]!;
    assert.equal(decodeEntities(name), safeText(HOSTILE[i]!));
  });
});

const DOT = await (async () => {
  try {
    const { success } = await new Deno.Command("dot", { args: ["-V"] })
      .output();
    return success;
  } catch {
    return false;
  }
})();
if (!DOT) {
  console.log(
    "graph_test: graphviz's dot is not installed: the DOT syntax test is skipped",
  );
}

Deno.test({
  name: "graph dot: Graphviz accepts hostile titles and draws them as written",
  ignore: !DOT,
  async fn() {
    const plan = hostilePlan();
    const text = renderGraphDot(graphModel(plan, emptyState(), null));
    const child = new Deno.Command("dot", {
      args: ["-Tsvg"],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(text));
    await writer.close();
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    assert.equal(stderr, "");
    const svg = new TextDecoder().decode(out.stdout);
    assert.equal(
      [...svg.matchAll(/<g id="node\d+" class="node">/g)].length,
      plan.tasks.length,
    );
    assert.equal(
      [...svg.matchAll(/<g id="edge\d+" class="edge">/g)].length,
      HOSTILE.length - 1,
    );
    const unxml = (s: string) =>
      s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'").replace(/&amp;/g, "&");
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      unxml(m[1]!)
    );
    for (const t of plan.tasks) {
      const want = `${safeText(t.id)}: ${safeText(t.title)}`;
      assert.ok(
        texts.some((x) => x.replace(/\s+/g, " ") === want.replace(/\s+/g, " ")),
        `${JSON.stringify(want)} not in ${JSON.stringify(texts)}`,
      );
    }
  },
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";
import { checkFlowchart } from "../render/_mermaid_check.ts";

const PLAN = `version: 1
tasks:
  - id: A
    title: build
    commands: { build: "echo built" }
  - id: B
    title: test
    dependencies: [A]
    shards:
      - { id: B-1, title: one, commands: { t: "true" } }
      - { id: B-2, title: two, commands: { t: "true" } }
  - id: C
    title: lint
    dependencies: [A]
    commands: { lint: "false" }
  - id: D
    title: ship
    dependencies: [B]
    approvals: [ship]
    commands: { ship: "true" }
`;

Deno.test("graph: every format from the CLI, coloured by the project's state, the critical path of an ended run, --run, bad input exit 2", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  // Before any run: every task pending, no critical path.
  const before = await cli(["graph"], { cwd: dir });
  assert.equal(before.code, 0, before.stderr);
  assert.match(before.stdout, /^flowchart LR\n/);
  assert.match(before.stdout, /^ {2}class n0,n1,n2,n3 pending$/m);
  assert.doesNotMatch(before.stdout, /stroke:#d00000/);

  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const runs = [...Deno.readDirSync(join(dir, ".codex/runs"))]
    .filter((e) => e.name.endsWith(".jsonl")).map((e) => e.name.slice(0, -6));
  assert.equal(runs.length, 1);

  const mermaid = await cli(["graph", "--format", "mermaid"], { cwd: dir });
  assert.match(
    mermaid.stdout,
    /^ {2}n1\["B: test<br\/>completed - 2 shards"\]$/m,
  );
  assert.match(
    mermaid.stdout,
    /^ {2}n3\{\{"D: ship<br\/>pending - gate ship"\}\}$/m,
  );
  assert.match(mermaid.stdout, /^ {2}class n2 failed$/m);

  const dot = await cli(["graph", "--format", "dot"], { cwd: dir });
  assert.equal(dot.code, 0, dot.stderr);
  assert.match(dot.stdout, /^digraph plan \{\n/);
  assert.match(
    dot.stdout,
    /n2 \[label="C: lint\\nfailed", fillcolor="#f8b4b4"/,
  );

  const svg = await cli(["graph", "--format", "svg", "--run", runs[0]!], {
    cwd: dir,
  });
  assert.equal(svg.code, 0, svg.stderr);
  assert.match(svg.stdout, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.equal(svg.stdout.match(/<g class="node /g)?.length, 4);
  assert.match(svg.stdout, /<g class="node failed( critical)?">/);
  assert.match(svg.stdout, /<g class="node pending gate">/);
  // The run's critical path (from its report) is outlined, its steps' edges red.
  const json = await cli(["report", "--json"], { cwd: dir });
  const path: string[] = JSON.parse(json.stdout).critical_path.tasks;
  assert.ok(path.length >= 2 && path[0] === "A", path.join());
  const outlined = [...svg.stdout.matchAll(
    /<g class="node [a-z-]+(?: gate)? critical">\n<title>([A-D]):/g,
  )].map((m) => m[1]);
  assert.deepEqual(outlined.sort(), [...path].sort());
  assert.equal(
    svg.stdout.match(/<path class="edge critical"/g)?.length,
    path.length - 1,
  );

  const html = await cli(["graph", "--format", "html"], { cwd: dir });
  assert.match(html.stdout, /^<!doctype html>\n/);
  assert.match(html.stdout, /Content-Security-Policy/);
  assert.equal(html.stdout.match(/<svg /g)?.length, 1);

  const format = await cli(["graph", "--format", "png"], { cwd: dir });
  assert.equal(format.code, 2);
  assert.match(
    format.stderr,
    /Unknown format "png": use mermaid, dot, svg, html/,
  );
  const run = await cli(["graph", "--run", `${runs[0]!}x`], { cwd: dir });
  assert.equal(run.code, 2);
  assert.match(run.stderr, /Unknown run ".*x": did you mean/);
});

Deno.test("report --html --out: one page with the summary, graph, timeline and each task's commands and checks; --json with --html is refused", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  await Deno.mkdir(join(dir, "out"));
  const r = await cli(["report", "--html", "--out", "out/report.html"], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Wrote out\/report\.html/);
  const page = await Deno.readTextFile(join(dir, "out/report.html"));
  assert.match(page, /^<!doctype html>/);
  assert.match(
    page,
    /<li>Outcome: <strong>failed<\/strong> \(2 completed, 1 failed, 1 pending\)<\/li>/,
  );
  assert.match(page, /<h2>Graph<\/h2>\n<div class="picture">\n<svg /);
  assert.match(page, /<h2>Timeline<\/h2>\n<div class="picture">\n<svg /);
  assert.equal(page.match(/<rect class="bar /g)?.length, 3);
  assert.match(
    page,
    /<td>lint<\/td><td><code>false<\/code><\/td><td class="failed">exit 1<\/td>/,
  );
  // Output links are relative to the page.
  assert.match(
    page,
    /<a href="\.\.\/\.codex\/runs\/[^"]+\/A\.build\.[^"]+\.log">output<\/a>/,
  );
  const both = await cli(["report", "--html", "--json"], { cwd: dir });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--json and --html cannot be used together/);
});

Deno.test("report (Markdown): the plan's graph as the run left it, as a Mermaid flowchart with the critical path, before the timeline", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const r = await cli(["report"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const graph = r.stdout.match(/\n## Graph\n\n```mermaid\n([\s\S]*?)\n```\n/);
  assert.ok(graph, r.stdout);
  assert.deepEqual(checkFlowchart(graph[1]! + "\n"), []);
  assert.equal(graph[1]!.match(/^ {2}n\d+[[{]/gm)?.length, 4);
  assert.match(graph[1]!, /^ {2}class [n0-9,]+ failed$/m);
  // An ended run: its critical path outlined.
  assert.match(graph[1]!, /^ {2}style n0 stroke:#d00000/m);
  assert.ok(r.stdout.indexOf("## Graph") < r.stdout.indexOf("## Timeline"));
});

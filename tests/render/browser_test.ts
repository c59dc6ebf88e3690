/**
 * The pictures in a real browser: headless Chromium (Debian's `chromium`)
 * loads the HTML report, the SVG graph and the HTML graph of a project
 * run through the real CLI, with hostile titles, commands, output and
 * approval notes, and must show no console error (the pages' policy
 * turns any fetch or script into one); a screenshot of each is checked
 * for being a real picture. Mermaid itself (its bundled build from the
 * npm package, in a page) renders the TASKS.md flowchart and the
 * report's Gantt chart. Skipped, saying so, when chromium is missing.
 */

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cli, tempDir, tempProject } from "../_cli.ts";
import { emptyState } from "../../src/events/fold.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { graphModel } from "../../src/render/graph_model.ts";
import { renderGraphMermaid } from "../../src/render/graph_mermaid.ts";
import { renderGanttMermaid } from "../../src/render/gantt_mermaid.ts";
import { CHROMIUM, openPage } from "./_chromium.ts";
import { HOSTILE } from "./_hostile.ts";
import { decode } from "./_markup_check.ts";
import { pngStats } from "./_png.ts";

if (!CHROMIUM) {
  console.log(
    "browser_test: chromium is not installed: the browser tests are skipped",
  );
}

const url = (path: string) => pathToFileURL(path).href;
const q = (s: string) => JSON.stringify(s);

/** A plan whose every text tries to break out of a page, a picture or a chart. */
const PLAN = `version: 1
tasks:
  - id: BUILD
    title: ${
  q("<script>alert('build')</script> & \"quotes\" ]]> ${{ github.token }}")
}
    commands: { build: ${
  q("echo '<script>alert(1)</script>' ']]>' '${{ x }}'")
} }
    acceptance: [${q("File exists: orchestrator.yml")}]
  - id: TEST
    title: ${q("test ' onload='alert(1) \"><img src=x onerror=alert(2)>")}
    dependencies: [BUILD]
    shards:
      - { id: TEST-a, title: a, commands: { t: "true" } }
      - { id: TEST-b, title: b, commands: { t: "true" } }
  - id: LINT
    title: ${q("lint </svg><svg onload=alert(3)> %% classDef")}
    dependencies: [SHIP]
    commands: { lint: ${q("echo '</pre><script>x()</script>' && false")} }
  - id: SHIP
    title: ship
    dependencies: [TEST]
    approvals: [ship]
    commands: { ship: "echo shipped" }
`;

/** A project run through the CLI: a gate approved by a hostile name, then a failed task. */
async function ranProject(): Promise<string> {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const first = await cli(["run"], { cwd: dir });
  assert.equal(first.code, 3, first.stderr + first.stdout);
  const approved = await cli([
    "approve",
    "ship",
    "--by",
    "<img src=x onerror=alert(4)>",
    "--note",
    "]]> ${{ secrets.X }} </title><script>y()</script>",
  ], { cwd: dir });
  assert.equal(approved.code, 0, approved.stderr);
  const resumed = await cli(["resume"], { cwd: dir });
  assert.equal(resumed.code, 1, resumed.stderr + resumed.stdout);
  return dir;
}

/** A screenshot that shows something: the window's size, many colours, ink on more than a sliver of it. */
async function assertPicture(path: string, width: number, height: number) {
  const bytes = await Deno.readFile(path);
  const stats = await pngStats(bytes);
  assert.equal(stats.width, width);
  assert.equal(stats.height, height);
  assert.ok(stats.colours >= 50, `${path}: ${JSON.stringify(stats)}`);
  assert.ok(stats.inked >= 0.02, `${path}: ${JSON.stringify(stats)}`);
  return { bytes: bytes.length, ...stats };
}

/** No element or attribute that the hostile texts tried to add made it into the DOM. */
function assertNoInjection(dom: string) {
  assert.doesNotMatch(dom, /<script[\s>]/i);
  assert.doesNotMatch(dom, /<img[\s>]/i);
  assert.doesNotMatch(dom, /<[^>]*\son(?:load|error)=/i);
  assert.doesNotMatch(dom, /parsererror/i);
}

Deno.test({
  name:
    "browser: the HTML report, the SVG graph and the HTML graph load in Chromium with no console error, nothing injected, and screenshot as real pictures",
  ignore: !CHROMIUM,
  async fn() {
    const dir = await ranProject();
    const report = await cli(["report", "--html", "--out", "report.html"], {
      cwd: dir,
    });
    assert.equal(report.code, 0, report.stderr);
    const svg = await cli(["graph", "--format", "svg"], { cwd: dir });
    assert.equal(svg.code, 0, svg.stderr);
    await Deno.writeTextFile(join(dir, "graph.svg"), svg.stdout);
    const html = await cli(["graph", "--format", "html"], { cwd: dir });
    assert.equal(html.code, 0, html.stderr);
    await Deno.writeTextFile(join(dir, "graph.html"), html.stdout);

    for (
      const [file, nodes, svgs] of [
        ["report.html", 4, 2],
        ["graph.svg", 4, 1],
        ["graph.html", 4, 1],
      ] as const
    ) {
      const page = url(join(dir, file));
      const shot = join(dir, `${file}.png`);
      const shown = await openPage(page, {
        screenshot: shot,
        width: 1280,
        height: 1400,
      });
      assert.deepEqual(shown.console, [], `${file}: console messages`);
      const stats = await assertPicture(shot, 1280, 1400);
      console.log(`browser_test: ${file} screenshot ${JSON.stringify(stats)}`);
      const { dom, console: messages } = await openPage(page, {
        dumpDom: true,
      });
      assert.deepEqual(messages, [], `${file}: console messages`);
      assertNoInjection(dom);
      assert.equal(dom.match(/<svg[\s>]/g)?.length, svgs, file);
      assert.equal(dom.match(/<g class="node /g)?.length, nodes, file);
      // The hostile title is drawn as text.
      assert.ok(
        decode(dom).includes("BUILD: <script>alert('build')</script>"),
        file,
      );
    }
    const dom = (await openPage(url(join(dir, "report.html")), {
      dumpDom: true,
    })).dom;
    // The failed task, the gate's approval and the critical path are on the page.
    assert.match(dom, /class="state-failed">failed</);
    assert.match(dom, /<g class="node completed gate critical">/);
    assert.match(dom, /<rect class="bar completed critical"/);
    assert.ok(decode(dom).includes("by <img src=x onerror=alert(4)>"));
  },
});

Deno.test({
  name:
    "browser: the checks can fail — a console error is seen, a blank page is not a picture, a fetch is refused by the page's policy",
  ignore: !CHROMIUM,
  async fn() {
    const dir = await tempDir();
    const policy = (await import("../../src/render/html_page.ts")).htmlPage;
    await Deno.writeTextFile(
      join(dir, "error.html"),
      "<!doctype html><p>x</p><script>console.error('seen')</script>",
    );
    await Deno.writeTextFile(join(dir, "blank.html"), "<!doctype html>");
    await Deno.writeTextFile(
      join(dir, "fetch.html"),
      policy("fetch", '<img src="https://example.invalid/x.png">'),
    );
    const error = await openPage(url(join(dir, "error.html")));
    assert.equal(error.console.length, 1);
    assert.match(error.console[0]!, /"seen"/);
    const fetch = await openPage(url(join(dir, "fetch.html")));
    assert.equal(fetch.console.length, 1, fetch.stderr);
    assert.match(fetch.console[0]!, /Content Security Policy/);
    const shot = join(dir, "blank.png");
    await openPage(url(join(dir, "blank.html")), {
      screenshot: shot,
      width: 800,
      height: 600,
    });
    await assert.rejects(() => assertPicture(shot, 800, 600));
  },
});

/** Renders each Mermaid text with Mermaid's own bundle in a page; name → "ok N nodes" or the error. */
async function mermaidResults(
  sources: Record<string, string>,
): Promise<Record<string, string>> {
  const bundle = createRequire(import.meta.url).resolve(
    "mermaid/dist/mermaid.min.js",
  );
  const dir = await tempDir();
  // JSON inside a script element: "<" escaped so no text can end the element.
  const data = JSON.stringify(sources).replaceAll("<", "\\u003c");
  await Deno.writeTextFile(
    join(dir, "mermaid.html"),
    `<!doctype html><html><body><pre id="results">not run</pre>
<script type="application/json" id="sources">${data}</script>
<script src="${url(bundle)}"></script>
<script>
(async () => {
  const sources = JSON.parse(document.getElementById("sources").textContent);
  mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
  const results = {};
  let i = 0;
  for (const [name, text] of Object.entries(sources)) {
    try {
      const { svg } = await mermaid.render("chart" + i++, text);
      const nodes = (svg.match(/<g class="node /g) || []).length;
      const bars = (svg.match(/<rect[^>]*class="task /g) || []).length;
      results[name] = "ok " + nodes + " nodes " + bars + " bars";
    } catch (e) {
      results[name] = "error " + String(e && e.message || e);
    }
  }
  document.getElementById("results").textContent = JSON.stringify(results);
})();
</script></body></html>`,
  );
  const { dom } = await openPage(url(join(dir, "mermaid.html")), {
    dumpDom: true,
    budgetMs: 30_000,
  });
  const m = dom.match(/<pre id="results">([^<]*)<\/pre>/);
  assert.ok(m, dom.slice(0, 2000));
  return JSON.parse(decode(m[1]!));
}

Deno.test({
  name:
    "browser: Mermaid itself renders the TASKS.md flowchart and the report's Gantt chart of a hostile run, and hostile charts made directly; a broken chart errors",
  ignore: !CHROMIUM,
  async fn() {
    const dir = await ranProject();
    const tasksMd = await Deno.readTextFile(join(dir, "TASKS.md"));
    const reportMd = (await cli(["report"], { cwd: dir })).stdout;
    /** The Mermaid block under `## heading`. */
    const block = (md: string, heading: string) => {
      const m = md.match(
        new RegExp(`\n## ${heading}\n\n\`\`\`mermaid\n([\\s\\S]*?)\`\`\``),
      );
      assert.ok(m, md);
      return m[1]!;
    };
    const hostilePlan = {
      tasks: HOSTILE.map((title, i) => ({
        id: `T${i}`,
        title,
        dependencies: i === 0 ? [] : [`T${i - 1}`],
        shards: [],
        gates: i === 5 ? [HOSTILE[16]!] : [],
        ...(i === 6 ? { agent: {} } : {}),
      })),
    } as unknown as Plan;
    const results = await mermaidResults({
      tasks: block(tasksMd, "Graph"),
      reportGraph: block(reportMd, "Graph"),
      report: block(reportMd, "Timeline"),
      hostileFlowchart: renderGraphMermaid(
        graphModel(hostilePlan, emptyState(), ["T0", "T1"]),
      ),
      hostileGantt: renderGanttMermaid(
        HOSTILE[16]!,
        HOSTILE.map((task, i) => ({
          task,
          start: 1_700_000_000_000 + i * 1000,
          end: 1_700_000_000_000 + i * 1000 + 700,
          state: i % 2 ? "failed" : "completed",
        })),
        [HOSTILE[0]!],
      ),
      broken: 'flowchart LR\n  n0["a"b"]\n',
    });
    assert.equal(results.tasks, "ok 4 nodes 0 bars");
    assert.equal(results.reportGraph, "ok 4 nodes 0 bars");
    // BUILD, LINT and the TEST shards ran; SHIP ran after the approval.
    assert.match(results.report!, /^ok 0 nodes [4-9] bars$/);
    assert.equal(results.hostileFlowchart, `ok ${HOSTILE.length} nodes 0 bars`);
    assert.equal(results.hostileGantt, `ok 0 nodes ${HOSTILE.length} bars`);
    assert.match(results.broken!, /^error Parse error/);
  },
});

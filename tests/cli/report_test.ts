import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";

const GATED = `version: 1
tasks:
  - id: A
    title: build
    commands: { build: "echo built" }
    acceptance: ["File exists: orchestrator.yml"]
  - id: B
    title: ship
    dependencies: [A]
    approvals: [ship]
    commands: { ship: "echo shipped" }
`;

Deno.test("report: a gated run approved with --by and --note, resumed, reported as Markdown with working output links and as JSON", async () => {
  const dir = await tempProject({ "orchestrator.yml": GATED });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const approved = await cli(
    ["approve", "ship", "--by", "alice", "--note", "checked the diff"],
    { cwd: dir },
  );
  assert.equal(approved.code, 0, approved.stderr);
  assert.equal((await cli(["resume"], { cwd: dir })).code, 0);

  await Deno.mkdir(join(dir, "docs"));
  const r = await cli(["report", "--out", "docs/REPORT.md"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Wrote docs\/REPORT\.md/);
  const md = await Deno.readTextFile(join(dir, "docs/REPORT.md"));
  assert.match(md, /^# Run \S+/);
  assert.match(md, /Outcome: \*\*success\*\* \(2 completed\)/);
  assert.match(md, /over 2 sessions/);
  assert.match(md, /Critical path: A → B/);
  assert.match(
    md,
    /- build: `echo built` — exit 0 in \S+, \[output\]\(([^)]+)\)/,
  );
  assert.match(md, /- passed: `File exists: orchestrator.yml`/);
  assert.match(
    md,
    /- `ship` by alice at \S+, definition `[0-9a-f]{12}` — “checked the diff”/,
  );
  // Every link resolves from where the report was written.
  const links = [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
  assert.ok(links.length >= 3, md);
  for (const link of links) {
    assert.ok(link.startsWith("../.codex/runs/"), link);
    assert.ok(await exists(join(dir, "docs", decodeURI(link))), link);
  }

  const j = await cli(["report", "--json"], { cwd: dir });
  assert.equal(j.code, 0, j.stderr);
  const report = JSON.parse(j.stdout);
  assert.equal(report.outcome, "success");
  assert.deepEqual(report.critical_path.tasks, ["A", "B"]);
  const b = report.tasks.find((t: { id: string }) => t.id === "B");
  assert.deepEqual(b.dependencies, ["A"]);
  assert.equal(b.approvals[0].by, "alice");
  assert.equal(b.approvals[0].note, "checked the diff");
  assert.equal(b.commands[0].status, 0);
});

Deno.test("report: a failed task shows its exit code, its output and the events behind the failure", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, commands: { test: "sh -c 'echo boom; exit 4'" } }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const r = await cli(["report"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Outcome: \*\*failed\*\* \(1 failed\)/);
  assert.match(r.stdout, /`sh -c 'echo boom; exit 4'` — exit 4/);
  assert.match(r.stdout, /<summary>Events behind the failure<\/summary>/);
  assert.match(r.stdout, /"type":"command_run".*"status":4/);
  assert.match(r.stdout, /"type":"task_failed"/);
  const link = r.stdout.match(/\[output\]\(([^)]+)\)/)![1]!;
  assert.equal(
    await Deno.readTextFile(join(dir, decodeURI(link))),
    "boom\n",
  );
});

Deno.test("report: no run yet, or an unknown run, is a usage error (exit 2) with a hint", async () => {
  const dir = await tempProject({ "orchestrator.yml": GATED });
  const none = await cli(["report"], { cwd: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No run to report yet/);
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const runs = (await Array.fromAsync(Deno.readDir(join(dir, ".codex/runs"))))
    .map((e) => e.name).filter((n) => n.endsWith(".jsonl"));
  const run = runs[0]!.replace(/\.jsonl$/, "");
  const wrong = await cli(["report", "--run", run.slice(0, -1) + "X"], {
    cwd: dir,
  });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, new RegExp(`did you mean "${run}"`));
  const paused = await cli(["report", "--run", run], { cwd: dir });
  assert.equal(paused.code, 0, paused.stderr);
  assert.match(paused.stdout, /Outcome: \*\*paused\*\*/);
  assert.match(paused.stdout, /Waiting for approval: `ship`/);
});

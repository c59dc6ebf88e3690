import assert from "node:assert/strict";
import { join } from "node:path";
import { loadPlan } from "../../src/plan/load.ts";
import { sha256 } from "../../src/plan/hash.ts";
import { tempProject } from "../_cli.ts";

Deno.test("loadPlan: YAML, JSON and TS versions of one plan give the same IR and hash", async () => {
  const dir = await tempProject({
    "p.yml":
      "version: 1\ntasks:\n  - { id: A, title: a, acceptance: ['Contains: x'] }\n",
    "p.json": JSON.stringify({
      version: 1,
      tasks: [{
        id: "A",
        title: "a",
        acceptance: [{ kind: "contains", text: "x" }],
      }],
    }),
    "p.ts": `import { contains, definePlan, defineTask } from "orchestrate";
export default definePlan({ version: 1, tasks: [defineTask({ id: "A", title: "a", acceptance: [contains("x")] })] });
`,
  });
  const loaded = await Promise.all(
    ["p.yml", "p.json", "p.ts"].map((f) => loadPlan(join(dir, f))),
  );
  const [yaml, json, ts] = loaded.map((r) => {
    assert.ok(r.ok, JSON.stringify(r));
    return r.value;
  });
  assert.deepEqual(json!.plan, yaml!.plan);
  assert.deepEqual(ts!.plan, yaml!.plan);
  assert.equal(yaml!.hash, await sha256(JSON.stringify(yaml!.plan)));
  assert.equal(ts!.hash, yaml!.hash);
});

Deno.test("loadPlan: root is the plan's folder joined with project.root; name defaults to its name", async () => {
  const dir = await tempProject({
    "plans/orchestrator.yml":
      "version: 1\nproject:\n  root: ../app\ntasks: []\n",
  });
  const r = await loadPlan(join(dir, "plans/orchestrator.yml"));
  assert.ok(!r.ok); // ../app escapes the plan's folder
  const ok = await tempProject({
    "orchestrator.yml": "version: 1\nproject:\n  root: app\ntasks: []\n",
  });
  const r2 = await loadPlan(join(ok, "orchestrator.yml"));
  assert.ok(r2.ok);
  assert.equal(r2.value.root, join(ok, "app"));
  assert.equal(r2.value.plan.project.name, "app");
});

Deno.test("loadPlan: includes merge in sorted order after the plan's own tasks", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      "version: 1\ninclude: ['tasks/*.yml', tasks/a.yml]\ntasks:\n  - { id: M, title: m }\n",
    "tasks/b.yml": "tasks:\n  - { id: B, title: b, dependencies: [A] }\n",
    "tasks/a.yml":
      "version: 1\ntasks:\n  - { id: A, title: a, dependencies: [M] }\n",
    "tasks/notes.txt": "not matched",
  });
  const r = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.plan.tasks.map((t) => t.id), ["M", "A", "B"]);
});

Deno.test("loadPlan: every problem at once, across files, sorted by file and position", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      "version: 1\ninclude: ['tasks/*.yml']\ntasks:\n  - { id: A, title: a, type: bug }\n",
    "tasks/x.yml": "tasks:\n  - { id: A, title: again, dependencies: [Q] }\n",
  });
  const r = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(!r.ok);
  const where = (f: string) => f.slice(dir.length + 1);
  assert.deepEqual(
    r.diagnostics.map((d) =>
      `${where(d.file)}:${d.line}:${d.col}: ${d.message}`
    ),
    [
      'orchestrator.yml:4:30: Invalid value "bug": expected one of code_change, docs, test, release, deploy, chore',
      `tasks/x.yml:2:11: Duplicate id "A": ids must be unique across tasks and shards (first defined at ${
        join(dir, "orchestrator.yml")
      }:4:11)`,
      'tasks/x.yml:2:43: Unknown dependency "Q"',
    ],
  );
  assert.equal(
    r.diagnostics[0]!.sourceLine,
    "  - { id: A, title: a, type: bug }",
  );
});

Deno.test("loadPlan: a missing file is one diagnostic, not an exception", async () => {
  const r = await loadPlan("/nonexistent/orchestrator.yml");
  assert.deepEqual(r, {
    ok: false,
    diagnostics: [{
      file: "/nonexistent/orchestrator.yml",
      line: 1,
      col: 1,
      message: "Cannot read plan: no such file",
    }],
  });
});

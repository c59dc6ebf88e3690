import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "../_cli.ts";
import { loadPlan } from "../../src/plan/load.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { definitionHashes } from "../../src/engine/fingerprint.ts";
import {
  explainChanges,
  hasChanges,
  planChanges,
  resumedPlan,
} from "../../src/engine/plan_changes.ts";

/** The IR of a YAML plan, through the real loader. */
async function ir(yaml: string): Promise<Plan> {
  const dir = await tempDir();
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), yaml);
  const loaded = await loadPlan(join(dir, "orchestrator.yml"));
  assert.ok(loaded.ok, JSON.stringify(!loaded.ok && loaded.diagnostics));
  return loaded.value.plan;
}

const base = (o: Record<string, string> = {}) =>
  `version: 1
project: { name: ${o.name ?? "demo"}, language: ${o.language ?? "sh"} }
tasks:
  - id: A
    title: ${o.titleA ?? "a"}
    description: ${o.descA ?? "first"}
    commands: { build: "${o.build ?? "make"}", test: "make test" }
    inputs: [${o.inputs ?? "src/**"}]
    shards: [{ id: A1, title: ${
    o.shardTitle ?? "one"
  }, commands: { x: "true" } }]
  - { id: B, title: b, dependencies: [A], commands: { x: "true" }${
    o.extraB ?? ""
  } }
  - { id: C, title: c, dependencies: [B], commands: { x: "true" } }
  - { id: D, title: d, commands: { x: "true" } }
${o.more ?? ""}`;

Deno.test("plan changes: titles, descriptions and the project's name and language change no task; the resume plan is the recorded IR", async () => {
  const recorded = await ir(base());
  const current = await ir(base({
    name: "demo-2026",
    language: "bash",
    titleA: "a at 12:00",
    descA: "random 0.42",
    shardTitle: "one (renamed)",
  }));
  const changes = planChanges(recorded, current);
  assert.deepEqual(changes, { tasks: [], plan: [] });
  assert.equal(hasChanges(changes), false);
  assert.equal(resumedPlan(recorded, current, changes), recorded);
});

Deno.test("plan changes: each execution field names itself; dependents follow their dependency; the resume plan keeps the recorded definition of unchanged tasks", async () => {
  const recorded = await ir(base());
  const current = await ir(base({
    build: "make all",
    inputs: "lib/**",
    titleA: "new title",
    extraB: "",
    more: '  - { id: E, title: e, commands: { x: "true" } }\n',
  }));
  const changes = planChanges(recorded, current);
  assert.deepEqual(changes.tasks, [
    {
      task: "A",
      kind: "changed",
      why: ['command "build" changed', "inputs changed"],
    },
    { task: "B", kind: "upstream", on: "A" },
    { task: "C", kind: "upstream", on: "A" },
    { task: "E", kind: "added" },
  ]);
  const plan = resumedPlan(recorded, current, changes);
  assert.equal(plan.tasks.find((t) => t.id === "A")!.title, "new title");
  assert.equal(
    plan.tasks.find((t) => t.id === "D"),
    recorded.tasks.find((t) => t.id === "D"),
  );
  // Exactly the tasks named as changed get a new definition hash.
  const before = definitionHashes(recorded);
  const after = definitionHashes(plan);
  const moved = Object.keys(after).filter((id) => before[id] !== after[id]);
  assert.deepEqual(moved, changes.tasks.map((c) => c.task));
});

Deno.test("plan changes: removed tasks, commands added and removed, dependencies, gates, the final build and the strategy", async () => {
  const recorded = await ir(base());
  const current = await ir(`version: 1
project: { name: demo, language: sh, build: { release: "make dist" } }
orchestrator: { strategy: keep_going }
tasks:
  - id: A
    title: a
    description: first
    commands: { build: "make", lint: "make lint" }
    inputs: [src/**]
    shards: [{ id: A1, title: one, commands: { x: "true" } }]
  - { id: B, title: b, commands: { x: "true" }, approvals: [ship] }
  - { id: C, title: c, dependencies: [B], commands: { x: "true" } }
`);
  const lines = explainChanges(planChanges(recorded, current));
  assert.deepEqual(lines, [
    'A: command "lint" added, command "test" removed',
    "B: dependencies changed, approvals changed, gates changed",
    "C: its dependency B changed",
    "D: removed from the plan",
    "plan: build steps changed",
    "plan: final build steps changed",
    "plan: orchestrator.strategy changed",
  ]);
});

Deno.test("plan changes: the order of keys in the recorded IR does not matter", async () => {
  const recorded = await ir(base());
  const reordered = JSON.parse(
    JSON.stringify(
      recorded,
      (_key, value) =>
        value && typeof value === "object" && !Array.isArray(value)
          ? Object.fromEntries(Object.entries(value).reverse())
          : value,
    ),
  );
  assert.deepEqual(planChanges(reordered, recorded), { tasks: [], plan: [] });
});

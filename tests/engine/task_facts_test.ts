/**
 * The one fact-gatherer: what a task's dependencies say (failed, blocked,
 * waiting, done with a fingerprint), and the I/O it does only when the
 * decision can depend on it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { decideTask } from "../../src/engine/decide.ts";
import {
  type FactSource,
  gatherTaskFacts,
  type Upstream,
} from "../../src/engine/task_facts.ts";
import { loadPlan } from "../../src/plan/load.ts";
import type { Task } from "../../src/plan/ir.ts";
import { tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - { id: A, title: a, commands: { x: "true" } }
  - { id: B, title: b, commands: { x: "true" } }
  - id: T
    title: t
    dependencies: [A, B]
    inputs: [src.txt]
    outputs: [out.txt]
    approvals: [ship]
    commands: { x: "true" }
`;

async function project(): Promise<{ root: string; task: Task }> {
  const root = await tempProject({ "orchestrator.yml": PLAN, "src.txt": "1" });
  const loaded = await loadPlan(join(root, "orchestrator.yml"));
  assert.ok(loaded.ok);
  return { root, task: loaded.value.plan.tasks.find((t) => t.id === "T")! };
}

const source = (
  root: string,
  upstream: Record<string, Upstream>,
  more: Partial<FactSource> = {},
): FactSource => ({
  root,
  definitionHash: "h",
  selected: true,
  doneEarlier: false,
  force: false,
  previousFingerprint: null,
  upstream: (id) => upstream[id] ?? { state: "pending" },
  gates: () => [{ gate: "ship", status: "granted" }],
  ...more,
});

const noGates = () => {
  throw new Error(
    "gates asked for a task whose decision cannot depend on them",
  );
};

Deno.test("task facts: a failed or blocked dependency blocks, by the failure at the root, in declared order", async () => {
  const { root, task } = await project();
  const cases: [Record<string, Upstream>, string][] = [
    [{ A: { state: "failed" }, B: { state: "failed" } }, "A"],
    [{ A: { state: "pending" }, B: { state: "failed" } }, "B"],
    [{ A: { state: "blocked", by: "R" }, B: { state: "failed" } }, "R"],
    [{ A: { state: "waits" }, B: { state: "blocked", by: "R" } }, "R"],
  ];
  for (const [upstream, by] of cases) {
    const facts = await gatherTaskFacts(
      task,
      source(root, upstream, { gates: noGates }),
    );
    assert.deepEqual(decideTask(facts), { action: "blocked", by });
  }
});

Deno.test("task facts: a waiting dependency makes it wait behind it, without asking its gates", async () => {
  const { root, task } = await project();
  const facts = await gatherTaskFacts(
    task,
    source(root, {
      A: { state: "done", fingerprint: "a" },
      B: { state: "waits" },
    }, {
      gates: noGates,
    }),
  );
  assert.deepEqual(decideTask(facts), { action: "wait_upstream", on: "B" });
});

Deno.test("task facts: outside the selection or done earlier, nothing is read", async () => {
  const { task } = await project();
  const missing = "/nonexistent/root";
  for (const more of [{ selected: false }, { doneEarlier: true }]) {
    const facts = await gatherTaskFacts(
      task,
      source(missing, { A: { state: "done", fingerprint: "a" } }, {
        ...more,
        gates: noGates,
      }),
    );
    assert.equal(facts.fingerprint, null);
    assert.equal(decideTask(facts).action, "skip");
  }
});

Deno.test("task facts: the fingerprint takes the dependencies' prints; none while one is not done; outputs decide up to date", async () => {
  const { root, task } = await project();
  const done = {
    A: { state: "done", fingerprint: "a" },
    B: { state: "done", fingerprint: "b" },
  } as const;
  const first = await gatherTaskFacts(task, source(root, done));
  assert.notEqual(first.fingerprint, null);
  assert.deepEqual(decideTask(first), { action: "run", precheck: null });

  const pending = await gatherTaskFacts(
    task,
    source(root, { ...done, B: { state: "pending" } }),
  );
  assert.equal(pending.fingerprint, null);

  const other = await gatherTaskFacts(
    task,
    source(root, { ...done, B: { state: "done", fingerprint: "b2" } }),
  );
  assert.notEqual(other.fingerprint, first.fingerprint);

  // Same print as last time: up to date only once its output exists.
  const again = source(root, done, { previousFingerprint: first.fingerprint });
  const noOutput = await gatherTaskFacts(task, again);
  assert.equal(noOutput.outputsPresent, false);
  assert.deepEqual(decideTask(noOutput), { action: "run", precheck: null });
  await Deno.writeTextFile(join(root, "out.txt"), "");
  assert.deepEqual(decideTask(await gatherTaskFacts(task, again)), {
    action: "run",
    precheck: "up to date",
  });

  // Its own gate not granted: it waits, whatever its fingerprint.
  const gated = await gatherTaskFacts(
    task,
    source(root, done, { gates: () => [{ gate: "ship", status: "missing" }] }),
  );
  assert.equal(decideTask(gated).action, "wait");
});

import assert from "node:assert/strict";
import { foldEvents } from "../../src/events/fold.ts";
import { buildRunReport } from "../../src/events/run_report.ts";
import { runStartedFields, Script } from "../render/_fixtures.ts";

/** A and B start together; B ends, then A; C (after A and B) runs last. */
function script(dependencies?: Record<string, string[]>): Script {
  const s = new Script();
  s.add(
    "run_started",
    runStartedFields(["A", "B", "C"], dependencies ? { dependencies } : {}),
  );
  const t = (task: string) => ({ task, shard: null });
  const done = (task: string, seconds: number) =>
    s.add("task_completed", {
      ...t(task),
      duration_ms: seconds * 1000,
      fingerprint: null,
    });
  s.add("task_started", t("A")).add("task_started", t("B"));
  done("B", 1);
  done("A", 2);
  s.add("task_started", t("C"));
  done("C", 1);
  return s;
}

Deno.test("buildRunReport: the critical path follows the dependency that finished last, back from the task that finished last", () => {
  const { events } = script({ A: [], B: [], C: ["A", "B"] });
  const report = buildRunReport("r1", foldEvents(events), events, [], []);
  assert.deepEqual(report.critical_path, {
    tasks: ["A", "C"],
    duration_ms: 3000,
  });
  assert.equal(report.wall_ms, 6000);
  assert.equal(report.sessions, 1);
});

Deno.test("buildRunReport: a log written before dependencies were recorded has no critical path rather than a wrong one", () => {
  const { events } = script();
  const report = buildRunReport("r1", foldEvents(events), events, [], []);
  assert.equal(report.critical_path, null);
  assert.deepEqual(report.tasks.map((t) => `${t.id}:${t.state}`), [
    "A:completed",
    "B:completed",
    "C:completed",
  ]);
});

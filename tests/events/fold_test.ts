import assert from "node:assert/strict";
import { foldEvents } from "../../src/events/fold.ts";
import type { RunEvent } from "../../src/events/types.ts";

const at = (s: number) => `2025-09-22T11:03:${String(s).padStart(2, "0")}.000Z`;

Deno.test("fold: a task set back (blocked, skipped, resumed) keeps nothing of its earlier attempt", () => {
  const events: RunEvent[] = [
    { ts: at(1), run: "R", type: "task_started", task: "A", shard: null },
    {
      ts: at(2),
      run: "R",
      type: "command_run",
      task: "A",
      shard: null,
      name: "test",
      cmd: "false",
      status: 1,
      signal: null,
      duration_ms: 5,
      output: ".codex/runs/R/A.test.1.log",
      attempt: 1,
      attempts: 1,
      timed_out: false,
    },
    {
      ts: at(3),
      run: "R",
      type: "task_failed",
      task: "A",
      shard: null,
      duration_ms: 10,
      reason: "command_failed",
      detail: 'command "test" exited 1',
    },
    {
      ts: at(4),
      run: "R",
      type: "resumed",
      task: null,
      shard: null,
      rerun: ["A"],
    },
    {
      ts: at(5),
      run: "R",
      type: "task_blocked",
      task: "A",
      shard: null,
      reason: "dependency B failed",
      by: "B",
    },
  ];
  const a = foldEvents(events).tasks.get("A")!;
  assert.equal(a.state, "blocked");
  assert.equal(a.started_at, null, "not started in this attempt");
  assert.equal(
    a.last_output,
    null,
    "the earlier attempt's output is not this one's",
  );

  const restarted = foldEvents([
    ...events.slice(0, 4),
    { ts: at(6), run: "R", type: "task_started", task: "A", shard: null },
    {
      ts: at(7),
      run: "R",
      type: "task_failed",
      task: "A",
      shard: null,
      duration_ms: 1,
      reason: "error",
      detail: "Cannot read the plan's inputs",
    },
  ]).tasks.get("A")!;
  assert.equal(restarted.started_at, at(6));
  assert.equal(restarted.last_output, null, "no command ran in this attempt");
});

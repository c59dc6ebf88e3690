import assert from "node:assert/strict";
import { emptyState, foldEvents } from "../../src/events/fold.ts";
import { renderStatus, statusJson } from "../../src/render/status.ts";
import { finishedRun, LOG, PLAN, RUN, scriptedRun } from "./_fixtures.ts";

Deno.test("renderStatus: a row per task and shard, aligned, with the summary", () => {
  const text = renderStatus(PLAN, foldEvents(finishedRun()), RUN, LOG);
  assert.equal(
    text,
    `Run ${RUN}: failed · log ${LOG}

ID           STATE      DURATION  RUN                   TITLE                          REASON
DOC-001      completed  1.2s      ${RUN}  Add orchestration PRD
EXC-001      failed     12.3s     ${RUN}  Central exception handling     acceptance_failed — Contains: enum AppError
  EXC-001A   completed  850ms                           Define AppError enum
  EXC-001B   failed     4.3s                            Map anyhow::Error to AppError  Contains: enum AppError
TEST-001     blocked              ${RUN}  Error tests                    blocked by EXC-001
  TEST-001A  blocked                                    Unit tests
REL-001      skipped              ${RUN}  Release notes                  up to date
LINT-001     completed  4m05s     ${RUN}  Lint *everything*
PEND-001     pending              ${RUN}  Later work

2 completed, 1 skipped, 1 failed, 1 blocked, 1 pending
`,
  );
});

Deno.test("renderStatus: no run yet says so and lists every task as pending", () => {
  const text = renderStatus(PLAN, emptyState(), null, null);
  assert.match(text, /^No runs yet in \.codex\/runs\/: every task is pending/);
  assert.match(text, /^DOC-001 +pending +- +Add orchestration PRD$/m);
  assert.match(text, /\n6 pending\n$/);
});

Deno.test("renderStatus: a run without its completed event is not finished", () => {
  const text = renderStatus(PLAN, foldEvents(scriptedRun()), RUN, LOG);
  assert.match(text, /: not finished · log /);
  assert.match(text, /^LINT-001 +in_progress +\S+ +Lint/m);
});

Deno.test("statusJson: the documented shape, tasks in plan order", () => {
  const json = statusJson(PLAN, foldEvents(finishedRun()), RUN, LOG);
  assert.equal(json.run, RUN);
  assert.equal(json.log, LOG);
  assert.equal(json.outcome, "failed");
  assert.equal(
    json.summary,
    "2 completed, 1 skipped, 1 failed, 1 blocked, 1 pending",
  );
  assert.deepEqual(json.counts, {
    pending: 1,
    in_progress: 0,
    blocked: 1,
    failed: 1,
    interrupted: 0,
    completed: 2,
    skipped: 1,
  });
  assert.deepEqual(json.tasks.map((t) => [t.id, t.state]), [
    ["DOC-001", "completed"],
    ["EXC-001", "failed"],
    ["TEST-001", "blocked"],
    ["REL-001", "skipped"],
    ["LINT-001", "completed"],
    ["PEND-001", "pending"],
  ]);
  const exc = json.tasks[1]!;
  assert.deepEqual(exc, {
    id: "EXC-001",
    title: "Central exception handling",
    state: "failed",
    duration_ms: 12_345,
    note: "acceptance_failed — Contains: enum AppError",
    reason: "acceptance_failed",
    detail: "Contains: enum AppError",
    run: RUN,
    started_at: "2025-09-22T11:03:18.000Z",
    output: `.codex/runs/${RUN}/EXC-001B.test.2.log`,
    shards: [
      {
        id: "EXC-001A",
        title: "Define AppError enum",
        state: "completed",
        duration_ms: 850,
        note: null,
      },
      {
        id: "EXC-001B",
        title: "Map anyhow::Error to AppError",
        state: "failed",
        duration_ms: 4300,
        note: "Contains: enum AppError",
      },
    ],
  });
  assert.equal(json.tasks[5]!.run, RUN, "selected by run_started");
  assert.equal(statusJson(PLAN, emptyState(), null, null).tasks[5]!.run, null);
  assert.doesNotThrow(() => JSON.stringify(json));
});

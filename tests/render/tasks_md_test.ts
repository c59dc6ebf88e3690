import assert from "node:assert/strict";
import { emptyState, foldEvents } from "../../src/events/fold.ts";
import {
  renderTasksMd,
  TASKS_MD_GRAPH_LIMIT,
  TASKS_MD_MARK,
} from "../../src/render/tasks_md.ts";
import { finishedRun, LOG, PLAN, RUN, scriptedRun } from "./_fixtures.ts";

Deno.test("renderTasksMd: every state, shards nested, reasons, durations and links", () => {
  const md = renderTasksMd(PLAN, foldEvents(finishedRun()), LOG);
  assert.equal(
    md,
    `${TASKS_MD_MARK}

# Tasks — Status Dashboard

2 completed, 1 skipped, 1 failed, 1 blocked, 1 pending

Run log: [${LOG}](${LOG}) (run ${RUN}, failed)

- [x] DOC-001 — Add orchestration PRD (completed) · 1.2s
- [ ] EXC-001 — Central exception handling (failed: acceptance_failed — Contains: enum AppError) · 12.3s · [last output](.codex/runs/${RUN}/EXC-001B.test.2.log)
  - [x] EXC-001A — Define AppError enum (completed) · 850ms
  - [ ] EXC-001B — Map anyhow::Error to AppError (failed: Contains: enum AppError) · 4.3s
- [ ] TEST-001 — Error tests (blocked by EXC-001)
  - [ ] TEST-001A — Unit tests (blocked)
- [x] REL-001 — Release notes (skipped: up to date)
- [x] LINT-001 — Lint \\*everything\\* (completed) · 4m05s
- [ ] PEND-001 — Later work (pending)

## Graph

\`\`\`mermaid
flowchart LR
  n0["DOC-001: Add orchestration PRD<br/>completed"]
  n1["EXC-001: Central exception handling<br/>failed - 2 shards"]
  n2["TEST-001: Error tests<br/>blocked - 1 shard"]
  n3["REL-001: Release notes<br/>skipped"]
  n4["LINT-001: Lint #42;everything#42;<br/>completed"]
  n5["PEND-001: Later work<br/>pending"]
  n1 --> n2
  n4 --> n5
  classDef pending fill:#ffffff,stroke:#555555,color:#000000
  class n5 pending
  classDef blocked fill:#ffe5b4,stroke:#555555,color:#000000
  class n2 blocked
  classDef failed fill:#f8b4b4,stroke:#555555,color:#000000
  class n1 failed
  classDef completed fill:#c6efce,stroke:#555555,color:#000000
  class n0,n4 completed
  classDef skipped fill:#e0e0e0,stroke:#555555,color:#000000
  class n3 skipped
\`\`\`
`,
  );
});

Deno.test("renderTasksMd: a running task is in progress; the run is not finished", () => {
  const md = renderTasksMd(PLAN, foldEvents(scriptedRun()), LOG);
  assert.ok(
    md.includes("- [ ] LINT-001 — Lint \\*everything\\* (in progress)\n"),
  );
  assert.ok(md.includes(`(run ${RUN}, not finished)\n`));
  assert.ok(
    md.includes(
      "\n1 completed, 1 skipped, 1 failed, 1 blocked, 1 in progress, 1 pending\n",
    ),
  );
});

Deno.test("renderTasksMd: no events gives the PRD's plain pending list", () => {
  const md = renderTasksMd(PLAN, emptyState(), LOG);
  assert.ok(md.startsWith(`${TASKS_MD_MARK}\n\n# Tasks — Status Dashboard\n`));
  assert.ok(md.includes("\n6 pending\n"));
  assert.ok(md.includes(`Run log: [${LOG}](${LOG})\n`));
  assert.ok(md.includes("- [ ] DOC-001 — Add orchestration PRD (pending)\n"));
  assert.ok(md.includes("  - [ ] EXC-001A — Define AppError enum (pending)\n"));
});

Deno.test("renderTasksMd: deterministic for a given state", () => {
  const state = foldEvents(finishedRun());
  assert.equal(
    renderTasksMd(PLAN, state, LOG),
    renderTasksMd(PLAN, state, LOG),
  );
});

Deno.test("renderTasksMd: details stay on one line and Markdown in them is escaped", () => {
  const events = scriptedRun();
  events.push({
    ts: "2025-09-22T11:04:00.000Z",
    run: RUN,
    type: "task_failed",
    task: "LINT-001",
    shard: null,
    duration_ms: 10,
    reason: "command_failed",
    detail: 'command "lint" exited 1\n<b>[x]</b>',
  });
  const md = renderTasksMd(PLAN, foldEvents(events), LOG);
  assert.ok(
    md.includes(
      '(failed: command_failed — command "lint" exited 1 \\<b\\>\\[x\\]\\</b\\>) · 10ms',
    ),
    md,
  );
});

Deno.test("renderTasksMd: a task outside a --task selection stays unchecked", () => {
  const events = scriptedRun();
  events.push({
    ts: "2025-09-22T11:04:00.000Z",
    run: RUN,
    type: "skipped",
    task: "PEND-001",
    shard: null,
    reason: "outside the selection",
    fingerprint: null,
  });
  const md = renderTasksMd(PLAN, foldEvents(events), LOG);
  assert.ok(
    md.includes(
      "- [ ] PEND-001 — Later work (skipped: outside the selection)\n",
    ),
  );
  assert.ok(
    md.includes("- [x] REL-001 — Release notes (skipped: up to date)\n"),
  );
});

Deno.test("renderTasksMd: a plan over the limit gets a note instead of the graph", () => {
  const tasks = Array.from({ length: TASKS_MD_GRAPH_LIMIT + 1 }, (_, i) => ({
    id: `T${i}`,
    title: `task ${i}`,
    dependencies: i > 0 ? [`T${i - 1}`] : [],
    shards: [],
    gates: [],
  }));
  const big = { ...PLAN, tasks } as unknown as typeof PLAN;
  const md = renderTasksMd(big, emptyState(), LOG);
  assert.ok(!md.includes("```mermaid"));
  assert.ok(
    md.includes(
      `${
        TASKS_MD_GRAPH_LIMIT + 1
      } tasks: more than ${TASKS_MD_GRAPH_LIMIT}, too many to draw here; \`orchestrate graph\` prints the whole graph.\n`,
    ),
  );
  const small = {
    ...PLAN,
    tasks: tasks.slice(0, TASKS_MD_GRAPH_LIMIT),
  } as unknown as typeof PLAN;
  assert.ok(
    renderTasksMd(small, emptyState(), LOG).includes(
      "```mermaid\nflowchart LR\n",
    ),
  );
});

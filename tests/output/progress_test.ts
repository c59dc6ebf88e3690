import assert from "node:assert/strict";
import { applyEvent, emptyState } from "../../src/events/fold.ts";
import type { RunEvent } from "../../src/events/types.ts";
import { LiveReporter } from "../../src/output/live_reporter.ts";
import { PlainReporter } from "../../src/output/plain_reporter.ts";
import { createReporter } from "../../src/output/progress.ts";
import type { Reporter } from "../../src/output/reporter.ts";
import { FakeTimers } from "./_fake_timers.ts";
import {
  finishedRun,
  LOG,
  PLAN,
  RUN,
  scriptedRun,
} from "../render/_fixtures.ts";

// deno-lint-ignore no-control-regex
const ERASE = /^\x1b\[\d+A\r\x1b\[J/;

/** Feeds events to a reporter as the engine does: fold first, then tell. */
function drive(reporter: Reporter, events: RunEvent[], close = true) {
  const state = emptyState();
  reporter.start(PLAN, state, LOG);
  for (const event of events) {
    applyEvent(state, event);
    reporter.onEvent(event, state);
  }
  if (close) reporter.close(state);
  return state;
}

Deno.test("PlainReporter: one prefixed line per event that matters, then the summary", () => {
  let text = "";
  drive(
    new PlainReporter({ color: false, out: (t) => text += t }),
    finishedRun(),
  );
  assert.equal(
    text,
    `log: ${LOG}
Running 6 tasks (concurrency 2, conservative)
[DOC-001] started
[DOC-001] ✓ command "test" ok in 1.1s
[DOC-001] ✓ completed in 1.2s
[EXC-001] started
[EXC-001/EXC-001A] ✓ completed in 850ms
[EXC-001/EXC-001B] ✗ command "test" exited 1 in 2.1s (attempt 1/2, see .codex/runs/${RUN}/EXC-001B.test.1.log)
[EXC-001/EXC-001B] ↻ retrying "test" in 1.0s (attempt 2)
[EXC-001/EXC-001B] ✓ command "test" ok in 2.0s (attempt 2/2)
[EXC-001/EXC-001B] acceptance failed: Contains: enum AppError (not found in src/error.rs)
[EXC-001/EXC-001B] ✗ failed: acceptance_failed — Contains: enum AppError
[EXC-001] ✗ failed: acceptance_failed — Contains: enum AppError
[TEST-001] blocked by EXC-001
[REL-001] skipped: up to date
[LINT-001] started
[LINT-001] ✓ completed in 4m05s
✗ failed: 2 completed, 1 skipped, 1 failed, 1 blocked, 1 pending in 4m10s · log ${LOG}
`,
  );
});

Deno.test("PlainReporter: a failed command's task line shows the command and its output", () => {
  let text = "";
  const events = scriptedRun();
  events.push({
    ts: "2025-09-22T11:04:00.000Z",
    run: RUN,
    type: "task_failed",
    task: "LINT-001",
    shard: null,
    duration_ms: 1200,
    reason: "command_failed",
    detail:
      `command "test" exited 1 (see .codex/runs/${RUN}/LINT-001.test.1.log)`,
  });
  drive(new PlainReporter({ color: false, out: (t) => text += t }), events);
  assert.match(
    text,
    /^\[LINT-001\] ✗ failed: command "test" exited 1 \(see \.codex\/runs\/.*\/LINT-001\.test\.1\.log\)$/m,
  );
  assert.match(
    text,
    /^stopped: .* · log /m,
    "no completed event: the run stopped",
  );
});

Deno.test("PlainReporter: build steps, interrupts; colours only when asked", () => {
  const base = {
    ts: "2025-09-22T11:04:00.000Z",
    run: RUN,
    task: null,
    shard: null,
  };
  const events: RunEvent[] = [
    { ...base, type: "build_started", steps: ["release"] },
    {
      ...base,
      type: "command_run",
      name: "release",
      cmd: "make",
      status: 0,
      signal: null,
      duration_ms: 3200,
      output: "o.log",
      attempt: 1,
      attempts: 1,
      timed_out: false,
    },
    { ...base, type: "interrupted", signal: "SIGINT", stopped: ["A", "B"] },
  ];
  let plain = "";
  drive(new PlainReporter({ color: false, out: (t) => plain += t }), events);
  assert.ok(plain.includes("[build] started: release\n"));
  assert.ok(plain.includes('[build] ✓ command "release" ok in 3.2s\n'));
  assert.ok(plain.includes("Interrupted by SIGINT: stopped A, B\n"));
  assert.ok(!plain.includes("\x1b["));
  let colored = "";
  drive(new PlainReporter({ color: true, out: (t) => colored += t }), events);
  assert.ok(colored.includes("\x1b[32m✓\x1b[39m"));
});

Deno.test("LiveReporter: spinner lines for running tasks, counts, permanent lines, summary", () => {
  const timers = new FakeTimers();
  const frames: string[] = [];
  const live = new LiveReporter({
    color: false,
    out: (t) => frames.push(t),
    timers,
  });
  const events = finishedRun();
  const state = emptyState();
  live.start(PLAN, state, LOG);
  assert.equal(timers.pending, 1, "one redraw timer");
  // Up to EXC-001B's first command: DOC-001 done, EXC-001 running its shard.
  for (const event of events.slice(0, 9)) {
    applyEvent(state, event);
    live.onEvent(event, state);
    timers.advance(10);
  }
  const before = frames.length;
  timers.advance(100);
  assert.equal(frames.length, before + 1, "one frame per 100 ms");
  const frame = frames.at(-1)!;
  assert.match(
    frame,
    ERASE,
    "erases the previous block first",
  );
  assert.match(frame, /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] EXC-001 › EXC-001B {2}\d+ms$/m);
  assert.match(
    frame,
    /^1 done · 0 failed · 0 blocked · 1 running · 4 remaining · \S+$/m,
  );
  const permanent = frames.join("");
  assert.ok(permanent.includes("[DOC-001] ✓ completed in 1.2s\n"));
  assert.ok(permanent.includes("[EXC-001/EXC-001A] ✓ completed in 850ms\n"));
  assert.ok(
    !permanent.includes("started"),
    "starts show in the live block only",
  );

  for (const event of events.slice(9)) {
    applyEvent(state, event);
    live.onEvent(event, state);
  }
  live.close(state);
  assert.equal(timers.pending, 0, "close stops the timer");
  const last = frames.at(-1)!;
  assert.ok(last.startsWith("\x1b["), "close erases the block");
  assert.ok(
    last.endsWith(
      `✗ failed: 2 completed, 1 skipped, 1 failed, 1 blocked, 1 pending in 4m10s · log ${LOG}\n`,
    ),
    last,
  );
  assert.ok(
    last.includes(
      "[EXC-001] ✗ failed: acceptance_failed — Contains: enum AppError\n",
    ),
  );
  live.close(state);
  assert.equal(frames.at(-1), last, "close is idempotent");
});

Deno.test("LiveReporter: never more than one frame per interval, however many events", () => {
  const timers = new FakeTimers();
  let writes = 0;
  const live = new LiveReporter({ color: false, out: () => writes++, timers });
  const state = emptyState();
  live.start(PLAN, state, LOG);
  const event: RunEvent = {
    ts: "2025-09-22T11:03:14.000Z",
    run: RUN,
    type: "task_started",
    task: "DOC-001",
    shard: null,
  };
  applyEvent(state, event);
  for (let i = 0; i < 10_000; i++) live.onEvent(event, state);
  timers.advance(1000);
  assert.equal(writes, 1 + 10, "the first frame, then ten in a second");
  live.close(state);
});

Deno.test("LiveReporter: lines are cut to the terminal width and extra tasks summarised", () => {
  const timers = new FakeTimers();
  const frames: string[] = [];
  const live = new LiveReporter({
    color: false,
    out: (t) => frames.push(t),
    timers,
    columns: 30,
    maxRunning: 2,
  });
  const state = emptyState();
  live.start(PLAN, state, LOG);
  for (const id of ["DOC-001", "EXC-001", "TEST-001"]) {
    const e: RunEvent = {
      ts: "2025-09-22T11:03:14.000Z",
      run: RUN,
      type: "task_started",
      task: id,
      shard: null,
    };
    applyEvent(state, e);
    live.onEvent(e, state);
  }
  timers.advance(100);
  const block = frames.at(-1)!.split("\n").slice(0, -1).map((l) =>
    l.replace(ERASE, "")
  );
  assert.ok(block.every((l) => l.length <= 29), JSON.stringify(block));
  assert.ok(block.includes("  … and 1 more running"));
  live.close(state);
});

Deno.test("createReporter: live at a TTY, plain otherwise", () => {
  const out = () => {};
  assert.ok(
    createReporter({ tty: false, color: false, out }) instanceof PlainReporter,
  );
  const live = createReporter({
    tty: true,
    color: false,
    out,
    timers: new FakeTimers(),
  });
  assert.ok(live instanceof LiveReporter);
});

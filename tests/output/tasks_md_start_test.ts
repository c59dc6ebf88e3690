/**
 * TASKS.md at a run's start: its first write waits one interval, so a run
 * that ends sooner writes it once, at its end; a longer one shows itself
 * after the interval.
 */
import assert from "node:assert/strict";
import { applyEvent, emptyState } from "../../src/events/fold.ts";
import { tasksMdReporter } from "../../src/output/tasks_md_reporter.ts";
import { FakeTimers } from "./_fake_timers.ts";
import { finishedRun, LOG, PLAN } from "../render/_fixtures.ts";

function reporter() {
  const timers = new FakeTimers();
  const writes: string[] = [];
  const tasksMd = tasksMdReporter("/unused", {
    timers,
    write: (text) => writes.push(text),
  });
  return { timers, writes, tasksMd };
}

Deno.test("TASKS.md: a run shorter than the interval writes it once, at its end, with the final state", () => {
  const { timers, writes, tasksMd } = reporter();
  const state = emptyState();
  tasksMd.start(PLAN, state, LOG);
  for (const event of finishedRun()) {
    applyEvent(state, event);
    tasksMd.onEvent(event, state);
  }
  timers.advance(249);
  assert.equal(writes.length, 0, "nothing written before the interval");
  tasksMd.close(state);
  assert.equal(writes.length, 1);
  assert.match(writes[0]!, /LINT-001 — .* \(completed\)/);
  assert.equal(timers.pending, 0, "no timer left behind");
});

Deno.test("TASKS.md: a longer run shows itself one interval after its start, then at most once an interval, and at its end", () => {
  const { timers, writes, tasksMd } = reporter();
  const state = emptyState();
  tasksMd.start(PLAN, state, LOG);
  assert.equal(writes.length, 0);
  timers.advance(250);
  assert.equal(writes.length, 1, "the start's state, one interval later");
  const events = finishedRun();
  for (const event of events) {
    applyEvent(state, event);
    tasksMd.onEvent(event, state);
  }
  timers.advance(100);
  assert.equal(writes.length, 1, "inside the next interval");
  timers.advance(150);
  assert.equal(writes.length, 2);
  tasksMd.close(state);
  assert.equal(writes.length, 3, "and once more at the end");
  assert.equal(timers.pending, 0);
});

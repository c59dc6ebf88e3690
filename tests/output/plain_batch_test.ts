/**
 * The plain view writes the lines of events told together in one write,
 * after the current task, and everything before its summary on close.
 */
import assert from "node:assert/strict";
import { applyEvent, emptyState } from "../../src/events/fold.ts";
import { PlainReporter } from "../../src/output/plain_reporter.ts";
import { finishedRun, LOG, PLAN } from "../render/_fixtures.ts";

Deno.test("PlainReporter: the lines of events told in one go reach the output in one write, in order, before the summary", async () => {
  const writes: string[] = [];
  const reporter = new PlainReporter({
    color: false,
    out: (t) => writes.push(t),
  });
  const state = emptyState();
  reporter.start(PLAN, state, LOG);
  const events = finishedRun();
  const last = events.pop()!;
  for (const event of events) {
    applyEvent(state, event);
    reporter.onEvent(event, state);
  }
  assert.equal(writes.length, 0, "nothing written while the batch is told");
  await Promise.resolve();
  assert.equal(writes.length, 1, "one write for the batch");
  assert.ok(writes[0]!.startsWith(`log: ${LOG}\n`));
  applyEvent(state, last);
  reporter.onEvent(last, state);
  reporter.close(state);
  assert.equal(writes.length, 2, "close writes what is left with the summary");
  assert.match(writes[1]!, /done|failed|stopped|paused/);
  // The same text as told one line at a time.
  let whole = "";
  const one = new PlainReporter({ color: false, out: (t) => whole += t });
  const again = emptyState();
  one.start(PLAN, again, LOG);
  for (const event of [...events, last]) {
    applyEvent(again, event);
    one.onEvent(event, again);
  }
  one.close(again);
  assert.equal(writes.join(""), whole);
});

Deno.test("PlainReporter: a batch whose write fails (a full disk behind stdout) is thrown from the next print, inside the run, not lost as an uncaught error", async () => {
  const full = new Error("No space left on device (os error 28)");
  const reporter = new PlainReporter({
    color: false,
    out: () => {
      throw full;
    },
  });
  const state = emptyState();
  reporter.start(PLAN, state, LOG); // queued: its write fails in a microtask
  await new Promise((r) => setTimeout(r, 0));
  const [first] = finishedRun();
  applyEvent(state, first!);
  assert.throws(() => reporter.onEvent(first!, state), (e) => e === full);
  // Thrown once: the next batch is tried again, and its failure comes from close.
  reporter.onEvent(first!, state);
  assert.throws(() => reporter.close(state), (e) => e === full);
});

import assert from "node:assert/strict";
import { realTimers } from "../../src/output/timers.ts";

Deno.test("realTimers: timers run once each, not before their delay, in order of due time then of making; cleared ones never", async () => {
  const ran: number[] = [];
  const made: { at: number; ms: number; cleared: boolean }[] = [];
  const ids: unknown[] = [];
  // Delays out of order, equal ones, zero, and some cleared at once or later.
  const delays = [30, 5, 5, 0, 12, 40, 1, 5, 25, 12, 3, 0, 18];
  for (const [i, ms] of delays.entries()) {
    const at = performance.now();
    made.push({ at, ms, cleared: false });
    ids.push(realTimers.setTimeout(() => {
      assert.ok(performance.now() - made[i]!.at >= ms - 1, `timer ${i} early`);
      ran.push(i);
      if (i === 3) {
        made[8]!.cleared = true;
        realTimers.clearTimeout(ids[8]);
      }
      // A timer made while timers run.
      if (i === 1) {
        made.push({ at: performance.now(), ms: 2, cleared: false });
        realTimers.setTimeout(() => ran.push(delays.length), 2);
      }
    }, ms));
  }
  for (const i of [2, 5]) {
    made[i]!.cleared = true;
    realTimers.clearTimeout(ids[i]);
  }
  // Timer 8 (25 ms) is cleared later, from timer 3's run (0 ms): always
  // before its own time, however slow the machine.
  await new Promise((resolve) =>
    realTimers.setTimeout(() => resolve(null), 60)
  );
  const expected = made.map((m, i) => ({ ...m, i, due: m.at + m.ms }))
    .filter((m) => !m.cleared).map((m) => m.i);
  assert.deepEqual(
    [...ran].sort((a, b) => a - b),
    [...expected].sort((a, b) => a - b),
  );
  // Run in order of due time (each measured just before its timer was
  // made, so within a millisecond of the timers' own).
  const due = (i: number) => made[i]!.at + made[i]!.ms;
  for (let k = 1; k < ran.length; k++) {
    assert.ok(
      due(ran[k - 1]!) <= due(ran[k]!) + 1,
      `${ran[k - 1]} before ${ran[k]}: ${ran}`,
    );
  }
});

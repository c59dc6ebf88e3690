import assert from "node:assert/strict";
import fc from "fast-check";
import {
  formatDuration,
  MAX_DURATION_MS,
  parseDuration,
} from "../../src/plan/duration.ts";

Deno.test("parseDuration: units and combinations", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("10m"), 600_000);
  assert.equal(parseDuration("2h"), 7_200_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("1m30s500ms"), 90_500);
  assert.equal(parseDuration("0s"), 0);
});

Deno.test("parseDuration: `m` is minutes and `ms` milliseconds, whatever follows", () => {
  assert.equal(parseDuration("1m1ms"), 60_001);
  assert.equal(parseDuration("1ms1m"), 60_001);
});

Deno.test("parseDuration: anything else is undefined", () => {
  for (
    const text of [
      "",
      "90",
      "1.5h",
      "-5m",
      "1 m",
      " 1m",
      "1m ",
      "1d",
      "ten minutes",
      "1H",
      "m",
      "1h30",
    ]
  ) {
    assert.equal(parseDuration(text), undefined, JSON.stringify(text));
  }
});

Deno.test("formatDuration: the plan's own spelling, largest unit first", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(500), "500ms");
  assert.equal(formatDuration(90_000), "1m30s");
  assert.equal(formatDuration(5_400_000), "1h30m");
  assert.equal(formatDuration(MAX_DURATION_MS), "596h31m23s647ms");
});

Deno.test("formatDuration: parseDuration reads back what it writes (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_DURATION_MS }), (ms) => {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }),
  );
});

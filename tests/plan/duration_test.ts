import assert from "node:assert/strict";
import { parseDuration } from "../../src/plan/duration.ts";

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

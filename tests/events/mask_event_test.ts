import assert from "node:assert/strict";
import { maskEvent } from "../../src/events/mask_event.ts";
import type { NewEvent } from "../../src/events/types.ts";

Deno.test("maskEvent: free text is masked; ids, types, literal reasons and keys never are", () => {
  const secret = "secret-x9";
  const failed: NewEvent = {
    type: "task_failed",
    task: secret,
    shard: secret,
    duration_ms: 1,
    reason: "command_failed",
    detail: `printed ${secret}`,
  };
  assert.deepEqual(maskEvent(failed, [secret]), {
    ...failed,
    detail: "printed ***",
  });
  // A secret equal to a literal the fold compares changes nothing.
  const interrupted: NewEvent = { ...failed, reason: "interrupted" };
  assert.equal(
    (maskEvent(interrupted, ["interrupted"]) as typeof failed).reason,
    "interrupted",
  );
  const skipped: NewEvent = {
    type: "skipped",
    task: "t",
    shard: null,
    reason: "outside the selection",
    fingerprint: null,
  };
  assert.equal(maskEvent(skipped, ["outside the selection"]), skipped);
  const started: NewEvent = { type: "task_started", task: secret, shard: null };
  assert.equal(maskEvent(started, [secret, "task_started"]), started);
  const run: NewEvent = {
    type: "command_run",
    task: "t",
    shard: null,
    name: secret,
    cmd: `curl -H ${secret}`,
    status: 0,
    signal: null,
    duration_ms: 1,
    output: `.codex/runs/r/${secret}.log`,
    attempt: 1,
    attempts: 1,
    timed_out: false,
  };
  assert.deepEqual(maskEvent(run, [secret]), { ...run, cmd: "curl -H ***" });
});

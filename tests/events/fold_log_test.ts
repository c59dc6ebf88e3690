import assert from "node:assert/strict";
import { foldEvents } from "../../src/events/fold.ts";
import { foldLogText } from "../../src/events/fold_log.ts";
import { parseLog } from "../../src/events/log.ts";
import { finishedRun } from "../render/_fixtures.ts";

const TEXT = finishedRun().map((e) => JSON.stringify(e)).join("\n") + "\n";

Deno.test("foldLogText: the same state as foldEvents(parseLog(...).events)", () => {
  const { state, warnings } = foldLogText(TEXT, "x.jsonl");
  assert.deepEqual(warnings, []);
  assert.deepEqual(state, foldEvents(parseLog(TEXT, "x.jsonl").events));
});

Deno.test("foldLogText: a torn last line and bad lines are warnings, the rest still folds", () => {
  const lines = TEXT.split("\n");
  lines.splice(
    3,
    0,
    "not json",
    "",
    '{"ts":"t","run":"r","type":"no_such_event","task":null,"shard":null}',
  );
  const text = lines.join("\n") +
    '{"ts":"2025-09-22T11:04:00Z","type":"task_st';
  const { state, warnings } = foldLogText(text, "x.jsonl");
  assert.deepEqual(warnings, [
    "x.jsonl:4: ignoring a line that is not JSON",
    'x.jsonl:6: ignoring a damaged event: unknown type "no_such_event"',
    "x.jsonl: ignoring a torn last line (an interrupted write)",
  ]);
  assert.deepEqual(state, foldEvents(parseLog(TEXT, "x.jsonl").events));
});

Deno.test("foldLogText: an empty log is an empty state", () => {
  const { state, warnings } = foldLogText("", "x.jsonl");
  assert.equal(state.run, null);
  assert.equal(state.tasks.size, 0);
  assert.deepEqual(warnings, []);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { foldEvents, markAbandoned } from "../../src/events/fold.ts";
import { foldLogText } from "../../src/events/fold_log.ts";
import { parseLog } from "../../src/events/log.ts";
import { renderStatus, statusJson } from "../../src/render/status.ts";
import { finishedRun, LOG, PLAN, RUN } from "../render/_fixtures.ts";
import { mutate, mutations } from "./_mutate.ts";

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

Deno.test("foldLogText: random damage to a real log is warnings, never a throw; status renders what is left", () => {
  fc.assert(
    fc.property(mutations, (list) => {
      const text = mutate(TEXT, list);
      const { state, warnings } = foldLogText(text, "x.jsonl");
      markAbandoned(state);
      renderStatus(PLAN, state, RUN, LOG, "gone");
      statusJson(PLAN, state, RUN, LOG, null);
      const parsed = parseLog(text, "x.jsonl");
      assert.deepEqual(parsed.warnings, warnings, "one rule for both readers");
      assert.deepEqual(foldEvents(parsed.events), foldLogText(text, "x").state);
    }),
    { numRuns: 2000, seed: 6 },
  );
});

Deno.test("foldLogText: a damaged event is a warning naming the field", () => {
  const base = '"ts":"t","run":"r","shard":null';
  const text = [
    '{"type":"task_completed"}',
    `{${base},"type":"skipped","task":5,"reason":"up to date","fingerprint":null}`,
    `{${base},"type":"run_started","task":null,"plan_file":"p","plan_hash":"h","task_hashes":{},"selection":null,"selected":"x"}`,
    `{${base},"type":"task_started","task":"A"}`,
  ].join("\n") + "\n";
  const { state, warnings } = foldLogText(text, "x.jsonl");
  assert.deepEqual(warnings, [
    'x.jsonl:1: ignoring a damaged event: "ts" is not a time',
    'x.jsonl:2: ignoring a damaged event: "task" is not a task id or null',
    'x.jsonl:3: ignoring a damaged event: "selected" is not a list of task ids',
  ]);
  assert.deepEqual([...state.tasks.keys()], ["A"]);
});

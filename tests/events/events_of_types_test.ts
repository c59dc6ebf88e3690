/**
 * `eventsOfTypes` skips the lines that cannot hold a wanted event without
 * parsing them, and finds every one `parseLog` finds, escapes included.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { eventsOfTypes, parseLog } from "../../src/events/log.ts";
import type { RunEvent } from "../../src/events/types.ts";

const TS = "2024-01-01T00:00:00.000Z";
const head = `"ts":"${TS}","run":"r"`;
const LINES = [
  `{${head},"type":"run_started","task":null,"shard":null,"plan_file":"orchestrator.yml","plan_hash":"h","task_hashes":{"A":"1","B":"2"},"tool_version":"0","deno_version":"0","selection":null,"selected":["A","B"],"concurrency":1,"strategy":"conservative","force":false,"ci":{}}`,
  `{${head},"type":"task_started","task":"A","shard":null}`,
  `{${head},"type":"task_completed","task":"A","shard":null,"duration_ms":3,"fingerprint":"f1"}`,
  `{${head},"type":"skipped","task":"B","shard":null,"reason":"up to date","fingerprint":"f2"}`,
  // The type spelled with an escape: still an event of that type.
  `{${head},"type":"task_\\u0073tarted","task":"B","shard":null}`,
  `{${head},"type":"task_failed","task":"B","shard":null,"duration_ms":1,"reason":"exit","detail":"exit 1"}`,
  // Damaged: not JSON, and an event without its task.
  `{${head},"type":"task_completed"`,
  `{${head},"type":"task_completed","shard":null,"duration_ms":3,"fingerprint":"f"}`,
  "",
  `{${head},"type":"completed","task":null,"shard":null,"outcome":"success","duration_ms":9,"counts":{}}`,
];
const WANTED: RunEvent["type"][] = [
  "task_completed",
  "skipped",
  "task_started",
  "task_failed",
];

Deno.test("eventsOfTypes: the events of those types parseLog finds, in order, whatever the lines' order (escapes, damaged lines, a torn tail)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...LINES), { maxLength: 30 }),
      fc.constantFrom("", `{${head},"type":"task_comp`),
      (lines, tail) => {
        const text = lines.map((l) => l + "\n").join("") + tail;
        const all = parseLog(text, "x.jsonl").events;
        assert.deepEqual(
          eventsOfTypes(text, "x.jsonl", WANTED),
          all.filter((e) => WANTED.includes(e.type)),
        );
      },
    ),
  );
});

Deno.test("eventsOfTypes: every line but the damaged ones is a valid event", () => {
  const text = LINES.map((l) => l + "\n").join("");
  assert.deepEqual(
    parseLog(text, "x.jsonl").events.map((e) => e.type),
    [
      "run_started",
      "task_started",
      "task_completed",
      "skipped",
      "task_started",
      "task_failed",
      "completed",
    ],
  );
});

Deno.test("eventsOfTypes: the escaped type is found, the run_started line is not returned", () => {
  const text = LINES.map((l) => l + "\n").join("");
  const found = eventsOfTypes(text, "x.jsonl", ["task_started"]);
  assert.deepEqual(found.map((e) => e.task), ["A", "B"]);
  assert.deepEqual(eventsOfTypes(text, "x.jsonl", ["skipped"]).length, 1);
});

/**
 * `eachEventNewestFirst` skips the lines that cannot hold a wanted event,
 * and those of a settled task, without parsing them, and gives every other
 * event `parseLog` finds, newest first, escapes and odd spellings included.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { eachEventNewestFirst, parseLog } from "../../src/events/log.ts";
import type { RunEvent } from "../../src/events/types.ts";

const TS = "2024-01-01T00:00:00.000Z";
const head = `"ts":"${TS}","run":"r"`;
const LINES = [
  `{${head},"type":"run_started","task":null,"shard":null,"plan_file":"orchestrator.yml","plan_hash":"h","task_hashes":{"A":"1","B":"2"},"tool_version":"0","deno_version":"0","selection":null,"selected":["A","B"],"concurrency":1,"strategy":"conservative","force":false,"ci":{}}`,
  `{${head},"type":"task_started","task":"A","shard":null}`,
  `{${head},"type":"task_completed","task":"A","shard":null,"duration_ms":3,"fingerprint":"f1"}`,
  `{${head},"type":"skipped","task":"B","shard":null,"reason":"up to date","fingerprint":"f2"}`,
  `{${head},"type":"skipped","task":"A","shard":null,"reason":"not selected","fingerprint":null}`,
  // The type spelled with an escape: still an event of that type.
  `{${head},"type":"task_\\u0073tarted","task":"B","shard":null}`,
  // The task spelled with an escape, or the key: still that task's.
  `{${head},"type":"task_completed","task":"\\u0041","shard":null,"duration_ms":3,"fingerprint":"f3"}`,
  `{${head},"type":"task_completed","\\u0074ask":"B","shard":null,"duration_ms":3,"fingerprint":"f4"}`,
  `{${head},"type":"task_failed","task":"B","shard":null,"duration_ms":1,"reason":"exit","detail":"exit 1"}`,
  // Spaces around the colon, keys in another order, a task named "task".
  `{${head},"type":"task_completed","task" : "B","shard":null,"duration_ms":3,"fingerprint":"f5"}`,
  `{"fingerprint":"f6","type":"task_completed","shard":null,"task":"A","duration_ms":3,${head}}`,
  `{${head},"type":"task_completed","task":"task","shard":null,"duration_ms":3,"fingerprint":"f7"}`,
  // Another "task" inside it: the top-level one counts.
  `{${head},"type":"task_completed","detail":{"task":"A"},"task":"B","shard":null,"duration_ms":3,"fingerprint":"f8"}`,
  `{${head},"type":"task_completed","task":"B","shard":null,"duration_ms":3,"fingerprint":"f9","task":"A"}`,
  // A key that only looks like "task" to a reader that ignores escapes.
  `{${head},"type":"task_completed","\\"task":"A","\\u0074ask":"B","shard":null,"duration_ms":3,"fingerprint":"f10"}`,
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
const logs = fc.tuple(
  fc.array(fc.constantFrom(...LINES), { maxLength: 30 }),
  fc.constantFrom("", `{${head},"type":"task_comp`),
).map(([lines, tail]) => lines.map((l) => l + "\n").join("") + tail);

/** The events of those types parseLog finds, newest first. */
const reference = (text: string) =>
  parseLog(text, "x.jsonl").events.filter((e) => WANTED.includes(e.type))
    .reverse();

Deno.test("eachEventNewestFirst: with nothing settled, every event of those types parseLog finds, newest first", () => {
  fc.assert(
    fc.property(logs, (text) => {
      const given: RunEvent[] = [];
      eachEventNewestFirst(text, "x.jsonl", WANTED, () => false, (e) => {
        given.push(e);
      });
      assert.deepEqual(given, reference(text));
    }),
  );
});

Deno.test("eachEventNewestFirst: a settled task's lines may be passed over, no other", () => {
  fc.assert(
    fc.property(
      logs,
      fc.subarray(["A", "B", "task"]),
      (text, settled) => {
        const given: RunEvent[] = [];
        eachEventNewestFirst(
          text,
          "x.jsonl",
          WANTED,
          (task) => settled.includes(task),
          (e) => given.push(e),
        );
        const all = reference(text);
        // In order, each one of parseLog's: a subsequence of them.
        let i = 0;
        for (const e of given) {
          while (i < all.length && all[i] !== e && !sameEvent(all[i]!, e)) i++;
          assert.ok(i < all.length, `not parseLog's: ${JSON.stringify(e)}`);
          i++;
        }
        // Every event of a task not settled is given.
        const open = (e: RunEvent) =>
          e.task === null || !settled.includes(e.task);
        assert.deepEqual(given.filter(open), all.filter(open));
      },
    ),
  );
});

Deno.test("eachEventNewestFirst: each task's newest event, settling as it reads (as a run's history does), is parseLog's", () => {
  fc.assert(
    fc.property(logs, (text) => {
      const newest = (events: Iterable<RunEvent>) => {
        const found = new Map<string, string | null>();
        for (const e of events) {
          if (e.task !== null && !found.has(e.task)) {
            found.set(
              e.task,
              e.type === "task_completed" ? e.fingerprint : null,
            );
          }
        }
        return found;
      };
      const found = new Map<string, string | null>();
      eachEventNewestFirst(
        text,
        "x.jsonl",
        WANTED,
        (t) => found.has(t),
        (e) => {
          if (e.task === null || found.has(e.task)) return;
          found.set(e.task, e.type === "task_completed" ? e.fingerprint : null);
        },
      );
      assert.deepEqual(found, newest(reference(text)));
    }),
  );
});

Deno.test("eachEventNewestFirst: every line but the damaged ones is a valid event", () => {
  const text = LINES.map((l) => l + "\n").join("");
  assert.equal(parseLog(text, "x.jsonl").events.length, LINES.length - 3);
});

function sameEvent(a: RunEvent, b: RunEvent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

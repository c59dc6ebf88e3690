import assert from "node:assert/strict";
import { join } from "node:path";
import { applyEvent, emptyState } from "../../src/events/fold.ts";
import { TasksMdWriter } from "../../src/output/tasks_md_writer.ts";
import { writeFileAtomic } from "../../src/fs/write_atomic.ts";
import { TASKS_MD_MARK } from "../../src/render/tasks_md.ts";
import { FakeTimers } from "./_fake_timers.ts";
import { finishedRun, LOG, PLAN } from "../render/_fixtures.ts";

Deno.test("TasksMdWriter: a burst of events gives one write per interval, flush writes the latest", () => {
  const timers = new FakeTimers();
  const writes: string[] = [];
  const writer = new TasksMdWriter("/unused", LOG, {
    timers,
    write: (text) => writes.push(text),
  });
  const state = emptyState();
  const events = finishedRun();
  for (let i = 0; i < 10_000; i++) writer.schedule(PLAN, state);
  assert.equal(writes.length, 0);
  timers.advance(0);
  assert.equal(writes.length, 1);
  for (const event of events.slice(0, 5)) {
    applyEvent(state, event);
    writer.schedule(PLAN, state);
  }
  timers.advance(100);
  assert.equal(writes.length, 1, "still inside the 250 ms interval");
  timers.advance(150);
  assert.equal(writes.length, 2);
  for (const event of events.slice(5)) {
    applyEvent(state, event);
    writer.schedule(PLAN, state);
  }
  writer.flush();
  assert.equal(writes.length, 3);
  assert.match(writes[2]!, /LINT-001 — .* \(completed\)/);
  assert.equal(timers.pending, 0, "flush leaves no timer behind");
  writer.flush();
  assert.equal(writes.length, 3, "nothing new: no write");
});

Deno.test("TasksMdWriter: a failing write is reported, not thrown from the timer", () => {
  const timers = new FakeTimers();
  const errors: unknown[] = [];
  const writer = new TasksMdWriter("/unused", LOG, {
    timers,
    write: () => {
      throw new Error("disk full");
    },
    onError: (e) => errors.push(e),
  });
  writer.schedule(PLAN, emptyState());
  timers.advance(0);
  assert.equal(errors.length, 1);
});

Deno.test("writeFileAtomic: replaces a file atomically, leaving no temporary file", async () => {
  const root = await Deno.makeTempDir();
  try {
    writeFileAtomic(join(root, "TASKS.md"), "one\n");
    writeFileAtomic(join(root, "TASKS.md"), "two\n");
    assert.equal(await Deno.readTextFile(join(root, "TASKS.md")), "two\n");
    const names = [...Deno.readDirSync(root)].map((e) => e.name);
    assert.deepEqual(names, ["TASKS.md"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("TasksMdWriter: writes TASKS.md under the root by default", async () => {
  const root = await Deno.makeTempDir();
  try {
    const writer = new TasksMdWriter(root, LOG);
    writer.flush(PLAN, emptyState());
    const text = await Deno.readTextFile(join(root, "TASKS.md"));
    assert.ok(
      text.startsWith(`${TASKS_MD_MARK}\n\n# Tasks — Status Dashboard\n`),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { acquireLock, LOCK_FILE, LockedError } from "../../src/events/lock.ts";
import { RunStore } from "../../src/events/store.ts";

/** A project whose lock is `text`, dated `offsetMs` from now. */
async function lockedProject(text: string, offsetMs: number): Promise<string> {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, ".codex"));
  const path = join(root, LOCK_FILE);
  await Deno.writeTextFile(path, text);
  const when = new Date(Date.now() + offsetMs);
  await Deno.utime(path, when, when);
  return root;
}

Deno.test("lock: a torn lock dated in the future is taken over once watched unchanged for the grace time", async () => {
  for (const offset of [60_000, 10 * 365 * 24 * 3600_000]) {
    const root = await lockedProject('{"pid":12', offset);
    const lock = await acquireLock(root, "r1", 300);
    assert.match(lock.warning ?? "", /unreadable/);
    assert.equal(
      JSON.parse(await Deno.readTextFile(join(root, LOCK_FILE))).run,
      "r1",
    );
    lock.release();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("lock: a fresh torn lock is still left alone while it may be written", async () => {
  const root = await lockedProject("", 0);
  const rival = acquireLock(root, "r1", 1000);
  // Its writer finishes meanwhile: the lock becomes a live one, ours is refused.
  await new Promise((r) => setTimeout(r, 200));
  await Deno.writeTextFile(
    join(root, LOCK_FILE),
    JSON.stringify({
      pid: Deno.pid,
      host: Deno.hostname(),
      run: "writer",
      started: new Date(Date.now() + 3600_000).toISOString(),
    }),
  );
  await assert.rejects(rival, LockedError);
  await Deno.remove(root, { recursive: true });
});

Deno.test("lock: a stale lock dated in the future (dead pid) is taken over at once", async () => {
  const dead = new Deno.Command("true").spawn();
  const { pid } = dead;
  await dead.status;
  const root = await lockedProject(
    JSON.stringify({
      pid,
      host: Deno.hostname(),
      run: "old",
      started: new Date(Date.now() + 3600_000).toISOString(),
    }),
    3600_000,
  );
  const lock = await acquireLock(root, "r1", 60_000);
  assert.match(lock.warning ?? "", /stale lock/);
  lock.release();
  await Deno.remove(root, { recursive: true });
});

Deno.test("store: runs created at one clock value get distinct ids and logs", async () => {
  const store = new RunStore(await Deno.makeTempDir());
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const writer = await store.create("20260101T000000.000Z");
    writer.append({ type: "task_started", task: `T${i}`, shard: null });
    ids.push(writer.run);
    writer.close();
  }
  assert.deepEqual(ids, [
    "20260101T000000.000Z",
    "20260101T000000.000Z-2",
    "20260101T000000.000Z-3",
  ]);
  assert.deepEqual(await store.runs(), ids);
  for (const [i, id] of ids.entries()) {
    const lines = (await Deno.readTextFile(store.logPath(id))).trim().split(
      "\n",
    );
    assert.equal(lines.length, 1);
    assert.equal(JSON.parse(lines[0]!).task, `T${i}`);
  }
  // A log made by hand (or left by another clock) is never appended to by a new run.
  await Deno.writeTextFile(store.logPath("X"), "");
  const next = await store.create("X");
  next.close();
  assert.equal(next.run, "X-2");
  assert.equal(await Deno.readTextFile(store.logPath("X")), "");
  await Deno.remove(store.root, { recursive: true });
});

/**
 * `run --watch`'s change queue where the system's watcher misbehaves: an
 * overflowed event queue (a `rescan`), a watcher that fails while in use,
 * one that cannot be made at all; and, with the real watcher, a watched
 * folder deleted and made again under the same name.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ChangeQueue, type Watch } from "../../src/cli/watch_queue.ts";
import { watchTargets } from "../../src/cli/watch.ts";
import { CliError } from "../../src/cli/errors.ts";
import type { Plan } from "../../src/plan/ir.ts";

/** A watcher whose events and failure the test decides. */
class FakeWatcher implements Deno.FsWatcher {
  readonly rid = 0;
  closed = false;
  #queue: (Deno.FsEvent | Error)[] = [];
  #wake: (() => void) | null = null;

  constructor(readonly paths: string[], readonly recursive: boolean) {}

  emit(item: Deno.FsEvent | Error): void {
    this.#queue.push(item);
    this.#wake?.();
  }

  close(): void {
    this.closed = true;
    this.#wake?.();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterableIterator<Deno.FsEvent> {
    while (!this.closed) {
      const item = this.#queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => this.#wake = resolve);
        continue;
      }
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/** Every watcher made, and whether making the next ones fails. */
function fakeWatch() {
  const made: FakeWatcher[] = [];
  const state = { refuse: false };
  const watch: Watch = (paths, options) => {
    if (state.refuse) throw new Error("OS file watch limit reached");
    const w = new FakeWatcher(paths, options.recursive);
    made.push(w);
    return w;
  };
  return { made, state, watch };
}

const task = (id: string, inputs: string[]) => ({
  id,
  inputs,
  outputs: [],
  paths: { preferred: [] },
  shards: [],
});

async function project() {
  const root = await Deno.makeTempDir();
  await Deno.mkdir(join(root, "src"));
  await Deno.mkdir(join(root, "lint"));
  await Deno.writeTextFile(join(root, "orchestrator.yml"), "version: 1\n");
  const plan = { tasks: [task("A", ["src/"]), task("B", ["lint/**/*.md"])] };
  const targets = watchTargets(plan as unknown as Plan, root, {
    files: [join(root, "orchestrator.yml")],
    dir: root,
    includes: [],
  });
  return { root, targets };
}

/** The next batch, or a bounded wait's failure (against a hang, not a speed test). */
function next(queue: ChangeQueue): Promise<string[] | null> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 30_000);
  return queue.next(stop.signal, 10).finally(() => clearTimeout(timer));
}

Deno.test("watch queue: an overflowed event queue counts every watched path as changed", async () => {
  const { root, targets } = await project();
  const fake = fakeWatch();
  const queue = await ChangeQueue.open(root, targets, fake.watch);
  try {
    fake.made[0]!.emit({ kind: "other", paths: [], flag: "rescan" });
    const batch = await next(queue);
    assert.deepEqual(batch, ["lint", "orchestrator.yml", "src"]);
    assert.deepEqual(targets.affected(batch!), ["A", "B"]);
    assert.equal(targets.isPlan("orchestrator.yml"), true);
  } finally {
    queue.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("watch queue: a watcher that fails while in use is made again, and what it may have missed counts as changed", async () => {
  const { root, targets } = await project();
  const fake = fakeWatch();
  const queue = await ChangeQueue.open(root, targets, fake.watch);
  try {
    const first = fake.made.length;
    fake.made[0]!.emit(new Error("read failed"));
    const batch = await next(queue);
    assert.deepEqual(batch, ["lint", "orchestrator.yml", "src"]);
    assert.ok(fake.made.length > first, "watching began again");
    assert.ok(fake.made.slice(0, first).every((w) => w.closed));
    // The new watcher of src/ is the one listened to.
    const deep = fake.made.findLast((w) => w.paths.includes(join(root, "src")));
    assert.ok(
      deep !== undefined && !deep.closed && fake.made.indexOf(deep) >= first,
    );
    deep.emit({ kind: "modify", paths: [join(root, "src/a.txt")] });
    assert.deepEqual(await next(queue), ["src/a.txt"]);
  } finally {
    queue.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("watch queue: a watcher that fails and cannot be made again ends the watch with an error (exit 74), not silently", async () => {
  const { root, targets } = await project();
  const fake = fakeWatch();
  const queue = await ChangeQueue.open(root, targets, fake.watch);
  try {
    fake.state.refuse = true;
    fake.made[0]!.emit(new Error("read failed"));
    await assert.rejects(next(queue), (e: unknown) => {
      assert.ok(e instanceof CliError);
      assert.equal(e.exitCode, 74);
      assert.match(e.message, /^watch: cannot watch .*OS file watch limit/);
      return true;
    });
  } finally {
    queue.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("watch queue: a watch the system refuses at the start is an error (exit 74)", async () => {
  const { root, targets } = await project();
  const fake = fakeWatch();
  fake.state.refuse = true;
  try {
    await assert.rejects(
      ChangeQueue.open(root, targets, fake.watch),
      (e: unknown) =>
        e instanceof CliError && e.exitCode === 74 &&
        /OS file watch limit reached/.test(e.message),
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("watch queue: a watched folder deleted and made again is watched again", async () => {
  const { root, targets } = await project();
  const queue = await ChangeQueue.open(root, targets);
  try {
    await Deno.writeTextFile(join(root, "src/a.txt"), "1");
    assert.deepEqual(await next(queue), ["src/a.txt"]);
    // Deleted and made again before anyone looks: the old watch sees nothing more.
    await Deno.remove(join(root, "src"), { recursive: true });
    await Deno.mkdir(join(root, "src"));
    const gone = await next(queue);
    assert.ok(gone!.includes("src") || gone!.includes("src/a.txt"), `${gone}`);
    assert.deepEqual(targets.affected(gone!), ["A"]);
    await queue.retarget(targets);
    // What happened in the new folder before it was watched is not known: it counts as changed.
    assert.deepEqual(await next(queue), ["src"]);
    await Deno.writeTextFile(join(root, "src/b.txt"), "2");
    assert.deepEqual(await next(queue), ["src/b.txt"]);
  } finally {
    queue.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("watch queue: a change that did not count when it came counts once the targets a batch led to name it", async () => {
  const { root, targets } = await project();
  const fake = fakeWatch();
  const queue = await ChangeQueue.open(root, targets, fake.watch);
  try {
    const emit = (path: string) =>
      fake.made.forEach((w) =>
        w.emit({ kind: "modify", paths: [join(root, path)] })
      );
    emit("orchestrator.yml");
    assert.deepEqual(await next(queue), ["orchestrator.yml"]);
    // While the plan is read again, a file it now includes is written.
    emit("more.yml");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const plan = { tasks: [task("A", ["src/"])] };
    await queue.retarget(
      watchTargets(plan as unknown as Plan, root, {
        files: [join(root, "orchestrator.yml"), join(root, "more.yml")],
        dir: root,
        includes: ["more.yml"],
      }),
    );
    assert.deepEqual(await next(queue), ["more.yml"]);
  } finally {
    queue.close();
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * `run --watch`'s changes, collected for the whole session: a change made
 * while a run goes is kept and handled after it, and changes that follow
 * each other within {@link DEBOUNCE_MS} come out as one batch.
 * @module
 */

import { dirname, isAbsolute, join, relative } from "../fs/path.ts";
import { DEBOUNCE_MS, type WatchTargets } from "./watch.ts";

/** How long the changes of a run that ended are still taken for its own. */
export const SETTLE_MS = 50;

/** The folders watched: with everything below them, and alone. */
interface Layout {
  deep: string[];
  shallow: string[];
  /** Whether a root was not there: watched through a folder above it until it is. */
  absent: boolean;
}

/**
 * The changed paths that count under a project's watch targets, in
 * debounced batches.
 *
 * @example
 * ```ts ignore
 * const queue = await ChangeQueue.open(root, targets);
 * queue.hold(); // a run starts
 * await queue.release((path) => targets.madeBy(path, ran), Date.now()); // it ended
 * const batch = await queue.next(signal); // ["src/a.ts"], or null on abort
 * queue.close();
 * ```
 */
export class ChangeQueue {
  #root: string;
  #targets: WatchTargets;
  #watchers: Deno.FsWatcher[] = [];
  #watching: Layout | null = null;
  #pending = new Set<string>();
  /** Changes while a run goes: what the run wrote is left out after it. */
  #held: Set<string> | null = null;
  #lastAt = 0;
  #wake: (() => void) | null = null;

  private constructor(root: string, targets: WatchTargets) {
    this.#root = root;
    this.#targets = targets;
  }

  /** Starts watching `targets` under `root`. */
  static async open(root: string, targets: WatchTargets): Promise<ChangeQueue> {
    const queue = new ChangeQueue(root, targets);
    queue.#listen(await queue.#layout());
    return queue;
  }

  /**
   * Watches `targets` afresh (the plan changed, or a path that was not
   * there is); changes kept so far stay. The new watchers start before the
   * old ones stop: no change falls between them.
   */
  async retarget(targets: WatchTargets): Promise<void> {
    // Same targets, all there when watching began: nothing to look at again.
    if (targets === this.#targets && this.#watching?.absent === false) return;
    this.#targets = targets;
    const layout = await this.#layout();
    const same = (a: Layout | null) => JSON.stringify([a?.deep, a?.shallow]);
    if (same(layout) === same(this.#watching)) {
      this.#watching = layout;
      return;
    }
    const old = this.#watchers;
    this.#listen(layout);
    ChangeQueue.#close(old);
  }

  /** Keeps the changes from now on apart, until {@link release}. */
  hold(): void {
    this.#held ??= new Set();
  }

  /**
   * Queues the changes held since {@link hold}, less those `drop` names
   * that the run made (not changed since `endedAt`, the run's end by the
   * clock, or gone), once the run's own changes have had time to arrive.
   */
  async release(
    drop: (path: string) => boolean,
    endedAt: number,
    settleMs = SETTLE_MS,
  ): Promise<void> {
    // The run's last writes reach the watcher a moment after it ends: wait
    // until none came for `settleMs` (at most ten times that).
    const until = performance.now() + 10 * settleMs;
    do {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
    } while (
      performance.now() - this.#lastAt < settleMs && performance.now() < until
    );
    const held = [...this.#held ?? []];
    this.#held = null;
    // A file written after the run ended is someone else's change.
    const since = (path: string) =>
      Deno.stat(join(this.#root, path)).then(
        (i) => (i.mtime?.getTime() ?? 0) > endedAt,
        () => false,
      );
    const kept = await Promise.all(
      held.map((path) => !drop(path) || since(path)),
    );
    held.forEach((path, i) => kept[i] && this.#pending.add(path));
    this.#wake?.();
  }

  /**
   * The next batch: waits for a change, then until none came for
   * `debounceMs`; the paths, relative to the root, sorted. Null when
   * `signal` aborts first.
   */
  async next(
    signal: AbortSignal,
    debounceMs = DEBOUNCE_MS,
  ): Promise<string[] | null> {
    while (!signal.aborted) {
      const quiet = this.#lastAt + debounceMs - performance.now();
      if (this.#pending.size > 0 && quiet <= 0) {
        const batch = [...this.#pending].sort();
        this.#pending.clear();
        return batch;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.#wake = null;
          resolve();
        };
        const timer = this.#pending.size > 0
          ? setTimeout(done, quiet)
          : undefined;
        this.#wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
    return null;
  }

  /** Stops watching. */
  close(): void {
    ChangeQueue.#close(this.#watchers);
    this.#watchers = [];
    this.#watching = null;
  }

  static #close(watchers: readonly Deno.FsWatcher[]): void {
    for (const watcher of watchers) {
      try {
        watcher.close();
      } catch {
        // Already closed.
      }
    }
  }

  /**
   * Folders are watched with everything below them; a file, or a path not
   * there yet, through the nearest folder above it that is, alone (a file
   * an editor replaces, or one a task creates, is seen either way).
   */
  async #layout(): Promise<Layout> {
    const kind = (path: string) =>
      Deno.stat(path).then(
        (i) => i.isDirectory ? "folder" : "file",
        () => null,
      );
    const places = await Promise.all(this.#targets.roots.map(async (path) => {
      const found = await kind(path);
      if (found === "folder") return { deep: path, absent: false };
      let at = dirname(path);
      while (await kind(at) !== "folder" && dirname(at) !== at) {
        at = dirname(at);
      }
      return { shallow: at, absent: found === null };
    }));
    const deep = new Set(places.flatMap((p) => p.deep ?? []));
    const shallow = new Set(places.flatMap((p) => p.shallow ?? []));
    if (deep.size === 0 && shallow.size === 0) shallow.add(this.#root);
    return {
      deep: [...deep].sort(),
      shallow: [...shallow].sort(),
      absent: places.some((p) => p.absent),
    };
  }

  #listen(layout: Layout): void {
    const { deep, shallow } = layout;
    this.#watchers = [
      ...(deep.length > 0 ? [Deno.watchFs(deep, { recursive: true })] : []),
      ...(shallow.length > 0
        ? [Deno.watchFs(shallow, { recursive: false })]
        : []),
    ];
    this.#watching = layout;
    for (const watcher of this.#watchers) this.#pump(watcher);
  }

  #pump(watcher: Deno.FsWatcher): void {
    (async () => {
      for await (const event of watcher) {
        for (const path of event.paths) {
          const rel = isAbsolute(path) ? relative(this.#root, path) : path;
          if (!this.#targets.counts(rel)) continue;
          (this.#held ?? this.#pending).add(rel);
          this.#lastAt = performance.now();
          if (this.#held === null) this.#wake?.();
        }
      }
    })().catch(() => {
      // Closed while reading: the watchers that replaced it go on.
    });
  }
}

/**
 * `run --watch`'s changes, collected for the whole session: a change made
 * while a run goes is kept and handled after it, and changes that follow
 * each other within {@link DEBOUNCE_MS} come out as one batch.
 * @module
 */

import { dirname, isAbsolute, join, relative } from "../fs/path.ts";
import { printError } from "../output/stdio.ts";
import { CliError, EXIT_CODE } from "./errors.ts";
import { DEBOUNCE_MS, type WatchTargets } from "./watch.ts";

/** How long the changes of a run that ended are still taken for its own. */
export const SETTLE_MS = 50;

/** Paths kept that did not count, at most (a build writing a great many files). */
const UNCOUNTED_MAX = 10_000;

/** The folders watched: with everything below them, and alone. */
interface Layout {
  deep: string[];
  shallow: string[];
  /**
   * Which folder each is (device, inode and birth time): one deleted and
   * made again under the same name is another, and its old watch sees
   * nothing.
   */
  identity: Record<string, string>;
}

/** How a folder is watched: `Deno.watchFs`, or a stand-in in tests. */
export type Watch = (
  paths: string[],
  options: { recursive: boolean },
) => Deno.FsWatcher;

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
  #watch: Watch;
  /**
   * Paths that changed since the last {@link retarget} but did not count:
   * the targets the next batch leads to may count them (a plan edit names
   * a new input, a new include's file is written with it or right after).
   */
  #uncounted = new Set<string>();
  /** Each watcher's reading, which ends after it is closed. */
  #pumps = new WeakMap<Deno.FsWatcher, Promise<void>>();
  /** A watched folder itself was removed: watch again at the next {@link retarget}. */
  #stale = false;
  /** Why watching stopped for good: {@link next} throws it. */
  #failure: CliError | null = null;

  private constructor(root: string, targets: WatchTargets, watch: Watch) {
    this.#root = root;
    this.#targets = targets;
    this.#watch = watch;
  }

  /**
   * Starts watching `targets` under `root`.
   *
   * @throws {CliError} (exit 74) when the system refuses to watch them
   *   (the limit of watches a user may hold, say).
   */
  static async open(
    root: string,
    targets: WatchTargets,
    watch: Watch = Deno.watchFs,
  ): Promise<ChangeQueue> {
    const queue = new ChangeQueue(root, targets, watch);
    queue.#listen(await queue.#layout());
    return queue;
  }

  /**
   * Watches `targets` afresh (the plan changed, a path that was not there
   * is, or a watched folder was deleted and made again); changes kept so
   * far stay. The new watchers start before the old ones stop: no change
   * falls between them (a folder deleted is the exception, see below).
   *
   * @throws {CliError} (exit 74) when the system refuses to watch them.
   */
  async retarget(targets: WatchTargets, again = 2): Promise<void> {
    this.#targets = targets;
    for (const path of this.#uncounted) {
      if (targets.counts(path)) this.#changed(path);
    }
    this.#uncounted.clear();
    const layout = await this.#layout();
    const same = (a: Layout | null) =>
      JSON.stringify([a?.deep, a?.shallow, a?.identity]);
    if (!this.#stale && same(layout) === same(this.#watching)) return;
    const before = this.#watching?.identity ?? {};
    const remade = Object.keys(layout.identity).filter((path) =>
      path in before && before[path] !== layout.identity[path]
    );
    const old = this.#watchers;
    if (!this.#stale && remade.length === 0) {
      this.#listen(layout);
      ChangeQueue.#close(old);
      return;
    }
    // A watch made while the old one of a deleted folder is open sees
    // nothing: close first, and count the folders made again as changed
    // (what happened in them meanwhile is not known).
    this.#stale = false;
    const ended = old.map((w) => this.#pumps.get(w));
    this.#watchers = [];
    ChangeQueue.#close(old);
    // The old watch lets go of its folders once its reading has ended (a turn later).
    await Promise.all(ended);
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.#listen(layout);
    for (const path of remade) this.#changed(relative(this.#root, path));
    // A folder made again while nothing watched: look once more.
    if (again > 0) await this.retarget(targets, again - 1);
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
      if (this.#failure !== null) throw this.#failure;
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
    const stat = (path: string) => Deno.stat(path).catch(() => null);
    const folderAbove = async (path: string) => {
      let at = dirname(path);
      while (!(await stat(at))?.isDirectory && dirname(at) !== at) {
        at = dirname(at);
      }
      return at;
    };
    const deep = new Set<string>();
    const shallow = new Set<string>();
    await Promise.all([
      ...this.#targets.roots.map(async (path) => {
        if ((await stat(path))?.isDirectory) deep.add(path);
        else shallow.add(await folderAbove(path));
      }),
      ...this.#targets.shallowRoots.map(async (path) => {
        shallow.add(
          (await stat(path))?.isDirectory ? path : await folderAbove(path),
        );
      }),
    ]);
    if (deep.size === 0 && shallow.size === 0) shallow.add(this.#root);
    const sorted = { deep: [...deep].sort(), shallow: [...shallow].sort() };
    const identity: Record<string, string> = {};
    await Promise.all(
      [...sorted.deep, ...sorted.shallow].map(async (path) => {
        const info = await stat(path);
        // Inode numbers are reused at once: the birth time tells the new folder apart.
        const born = info?.birthtime ?? info?.ctime;
        identity[path] = `${info?.dev}:${info?.ino}:${born?.getTime()}`;
      }),
    );
    return { ...sorted, identity };
  }

  #listen(layout: Layout): void {
    const { deep, shallow } = layout;
    const made: Deno.FsWatcher[] = [];
    try {
      if (deep.length > 0) made.push(this.#watch(deep, { recursive: true }));
      if (shallow.length > 0) {
        made.push(this.#watch(shallow, { recursive: false }));
      }
    } catch (e) {
      ChangeQueue.#close(made);
      throw new CliError(
        `watch: cannot watch ${[...deep, ...shallow].join(", ")}: ${
          e instanceof Error ? e.message : String(e)
        }`,
        EXIT_CODE.io,
      );
    }
    this.#watchers = made;
    this.#watching = layout;
    for (const watcher of made) this.#pump(watcher);
  }

  /**
   * Changes may have been lost (the system's queue overflowed, or a
   * watcher failed and was made again): every root counts as changed, so
   * every watched task is looked at again (those still up to date are
   * skipped by the run as always).
   */
  #lostTrack(why: string): void {
    printError(
      `watch: ${why}: changes may have been missed; every watched path counts as changed`,
    );
    const all = [...this.#targets.roots, ...this.#targets.shallowRoots];
    for (const path of all) this.#changed(relative(this.#root, path));
  }

  /** Keeps `path` (relative to the root) as changed: held while a run goes. */
  #changed(path: string): void {
    (this.#held ?? this.#pending).add(path);
    this.#lastAt = performance.now();
    if (this.#held === null) this.#wake?.();
  }

  #isWatched(path: string): boolean {
    const folders = [
      ...this.#watching?.deep ?? [],
      ...this.#watching?.shallow ?? [],
    ];
    return folders.includes(path);
  }

  #pump(watcher: Deno.FsWatcher): void {
    const reading = (async () => {
      for await (const event of watcher) {
        if (event.flag === "rescan") {
          this.#lostTrack("the system's queue of file events overflowed");
          continue;
        }
        for (const path of event.paths) {
          if (event.kind === "remove" && this.#isWatched(path)) {
            this.#stale = true;
          }
          const rel = isAbsolute(path) ? relative(this.#root, path) : path;
          if (this.#targets.counts(rel)) this.#changed(rel);
          else if (this.#uncounted.size < UNCOUNTED_MAX) {
            this.#uncounted.add(rel);
          }
        }
      }
    })().catch(async (e) => {
      // Closed while reading: the watchers that replaced it go on.
      if (!this.#watchers.includes(watcher)) return;
      // It failed while in use: watch again, and count what it may have missed.
      try {
        const old = this.#watchers;
        this.#listen(await this.#layout());
        ChangeQueue.#close(old);
        this.#lostTrack(
          `watching failed (${
            e instanceof Error ? e.message : String(e)
          }) and began again`,
        );
      } catch (again) {
        this.#failure = again instanceof CliError ? again : new CliError(
          `watch: watching stopped: ${
            e instanceof Error ? e.message : String(e)
          }`,
          EXIT_CODE.io,
        );
        this.#wake?.();
      }
    });
    this.#pumps.set(watcher, reading);
  }
}

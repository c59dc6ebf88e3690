/**
 * `run --watch`'s changes, collected for the whole session: a change made
 * while a run goes is kept and handled after it, and changes that follow
 * each other within {@link DEBOUNCE_MS} come out as one batch.
 * @module
 */

import { isAbsolute, relative } from "../fs/path.ts";
import { DEBOUNCE_MS, type WatchTargets } from "./watch.ts";

/**
 * The changed paths that count under a project's watch targets, in
 * debounced batches.
 *
 * @example
 * ```ts ignore
 * const queue = await ChangeQueue.open(root, targets);
 * queue.hold(); // a run starts
 * queue.release((path) => targets.isOutput(path)); // it ended
 * const batch = await queue.next(signal); // ["src/a.ts"], or null on abort
 * queue.close();
 * ```
 */
export class ChangeQueue {
  #root: string;
  #targets: WatchTargets;
  #watcher: Deno.FsWatcher | null = null;
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
    await queue.#listen();
    return queue;
  }

  /** Watches other targets (the plan changed); changes kept so far stay. */
  async retarget(targets: WatchTargets): Promise<void> {
    this.#stop();
    this.#targets = targets;
    await this.#listen();
  }

  /** Keeps the changes from now on apart, until {@link release}. */
  hold(): void {
    this.#held ??= new Set();
  }

  /** Queues the changes held since {@link hold}, less those `drop` names. */
  release(drop: (path: string) => boolean): void {
    for (const path of this.#held ?? []) {
      if (!drop(path)) this.#pending.add(path);
    }
    this.#held = null;
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
    this.#stop();
  }

  #stop(): void {
    try {
      this.#watcher?.close();
    } catch {
      // Already closed.
    }
    this.#watcher = null;
  }

  async #listen(): Promise<void> {
    const roots: string[] = [];
    for (const path of this.#targets.roots) {
      try {
        await Deno.stat(path);
        roots.push(path);
      } catch {
        // Not there yet: a change inside it shows in a watched parent, or not at all.
      }
    }
    if (roots.length === 0) roots.push(this.#root);
    const watcher = Deno.watchFs(roots, { recursive: true });
    this.#watcher = watcher;
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
      // Closed while reading: the next listen (or none) takes over.
    });
  }
}

/**
 * The plan check a run's first steps put off for want of `.codex/` (see
 * `writeDeferredCachedPlans`), written once the run has made it and starts
 * its first command: the run waits on its commands then, instead of
 * writing after its last one (~30 ms of a first run's end).
 * @module
 */

import type { RunObserver } from "../engine/run.ts";

/** A run observer that writes the put-off plan checks, and their end. */
export interface PlanCacheObserver extends RunObserver {
  /**
   * The writes, started now if no command started them: awaited after
   * the run, so the next run finds its plan cached.
   */
  written(): Promise<void>;
}

/**
 * Writes the put-off plan checks when the run starts its first task.
 *
 * @example
 * ```ts ignore
 * const cache = planCacheObserver();
 * await executeRun({ ...options, observers: [...observers, cache] });
 * await cache.written();
 * ```
 */
export function planCacheObserver(): PlanCacheObserver {
  let writing: Promise<void> | undefined;
  const write = () =>
    writing ??= import("../plan/cache.ts").then((cache) =>
      cache.writeDeferredCachedPlans()
    );
  return {
    start() {},
    onEvent(event) {
      if (event.type === "task_started") void write().catch(() => {});
    },
    close() {},
    written: write,
  };
}

/**
 * The clock and timers the renderers use, injectable so tests drive time.
 * @module
 */

/** A clock and one-shot timers. */
export interface Timers {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `fn` once after `ms`; the timer must not keep the process alive. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from {@link Timers.setTimeout}. */
  clearTimeout(id: unknown): void;
}

/**
 * Real time, with unref'd timers: a pending redraw never keeps the process
 * from exiting.
 *
 * @example
 * ```ts
 * import { realTimers } from "./timers.ts";
 * const id = realTimers.setTimeout(() => {}, 1000);
 * realTimers.clearTimeout(id);
 * ```
 */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const id = setTimeout(fn, ms);
    Deno.unrefTimer(id);
    return id;
  },
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

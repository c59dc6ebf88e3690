/**
 * The clock and timers the renderers use, injectable so tests drive time.
 * @module
 */

/** A clock and one-shot timers. */
export interface Timers {
  /** Milliseconds since some fixed point. */
  now(): number;
  /** Calls `fn` once after `ms` (a pending one may hold the process that long, no longer). */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer from {@link Timers.setTimeout}. */
  clearTimeout(id: unknown): void;
}

/**
 * Real time. Deno's global `setTimeout` loads its Node-compatible timers
 * on first use (~13 ms of start-up, measured on Deno 2.9), which every
 * `run` paid for its first redraw; `AbortSignal.timeout` is the web timer
 * underneath, without that load. A cleared timer still runs out, doing
 * nothing: a pending redraw holds the process no longer than its delay,
 * and the CLI ends with `Deno.exit` whatever is pending.
 *
 * @example
 * ```ts
 * import { realTimers } from "./timers.ts";
 * const id = realTimers.setTimeout(() => {}, 10);
 * realTimers.clearTimeout(id);
 * await new Promise((resolve) => realTimers.setTimeout(() => resolve(null), 20));
 * ```
 */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer = { pending: true };
    AbortSignal.timeout(Math.max(0, ms)).addEventListener("abort", () => {
      if (!timer.pending) return;
      timer.pending = false;
      fn();
    }, { once: true });
    return timer;
  },
  clearTimeout(id) {
    (id as { pending: boolean }).pending = false;
  },
};

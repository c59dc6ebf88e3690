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

/** A timer of {@link realTimers}: due when, in what order, and whether still to run. */
interface RealTimer {
  due: number;
  seq: number;
  fn: () => void;
  pending: boolean;
}

/** Pending timers, earliest first (a binary heap by due time, then order made). */
const heap: RealTimer[] = [];
/** When the web timers armed and not yet run out are due. */
const armed: number[] = [];
let made = 0;

const before = (a: RealTimer, b: RealTimer) =>
  a.due < b.due || (a.due === b.due && a.seq < b.seq);

function push(timer: RealTimer): void {
  let i = heap.push(timer) - 1;
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (!before(heap[i]!, heap[up]!)) break;
    [heap[i], heap[up]] = [heap[up]!, heap[i]!];
    i = up;
  }
}

function pop(): RealTimer {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    for (let i = 0;;) {
      const l = 2 * i + 1, r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l]!, heap[min]!)) min = l;
      if (r < heap.length && before(heap[r]!, heap[min]!)) min = r;
      if (min === i) break;
      [heap[i], heap[min]] = [heap[min]!, heap[i]!];
      i = min;
    }
  }
  return top;
}

/** Arms a web timer for the earliest pending timer, unless one armed comes first. */
function arm(): void {
  while (heap.length > 0 && !heap[0]!.pending) pop();
  if (heap.length === 0) return;
  const due = heap[0]!.due;
  if (armed.some((at) => at <= due)) return;
  armed.push(due);
  const wait = Math.max(0, Math.ceil(due - performance.now()));
  AbortSignal.timeout(wait).addEventListener("abort", () => {
    armed.splice(armed.indexOf(due), 1);
    const now = performance.now();
    while (heap.length > 0 && heap[0]!.due <= now) {
      const timer = pop();
      if (!timer.pending) continue;
      timer.pending = false;
      try {
        timer.fn();
      } catch (error) {
        reportError(error); // As a listener's own error would be.
      }
    }
    arm();
  }, { once: true });
}

/**
 * Real time. Deno's global `setTimeout` loads its Node-compatible timers
 * on first use (~13 ms of start-up, measured on Deno 2.9), which every
 * `run` paid for its first redraw; `AbortSignal.timeout` is the web timer
 * underneath, without that load. One web timer is armed at a time, for
 * the earliest pending timer (each costs an AbortSignal and a listener:
 * the scheduler sets and clears one per wait, ~500 in a no-op of 1,000
 * tasks). A cleared timer's web timer may still run out, doing nothing:
 * a pending redraw holds the process no longer than its delay, and the
 * CLI ends with `Deno.exit` whatever is pending.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realTimers } from "./timers.ts";
 * const order: number[] = [];
 * const id = realTimers.setTimeout(() => order.push(0), 10);
 * realTimers.clearTimeout(id);
 * await new Promise((resolve) => {
 *   realTimers.setTimeout(() => resolve(order.push(2)), 20);
 *   realTimers.setTimeout(() => order.push(1), 5);
 * });
 * assert.deepEqual(order, [1, 2]);
 * ```
 */
export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer: RealTimer = {
      due: performance.now() + Math.max(0, ms),
      seq: made++,
      fn,
      pending: true,
    };
    push(timer);
    arm();
    return timer;
  },
  clearTimeout(id) {
    (id as RealTimer).pending = false;
  },
};

/**
 * Timers driven by the test: time moves only when `advance` says so.
 * @module
 */

import type { Timers } from "../../src/output/timers.ts";

/** Fake {@link Timers}: `advance(ms)` moves the clock and fires what is due. */
export class FakeTimers implements Timers {
  #now = 0;
  #next = 1;
  #pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#pending.set(id, { at: this.#now + ms, fn });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#pending.delete(id as number);
  }

  /** Timers not yet fired. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Moves the clock by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.#pending) {
        if (entry[1].at <= end && (!first || entry[1].at < first[1].at)) {
          first = entry;
        }
      }
      if (!first) break;
      this.#pending.delete(first[0]);
      this.#now = Math.max(this.#now, first[1].at);
      first[1].fn();
    }
    this.#now = end;
  }
}

/**
 * A throttle: run a job at most once per interval, however often it is
 * asked for, and at once on `flush()`.
 * @module
 */

import { realTimers, type Timers } from "./timers.ts";

/**
 * Runs `job` at most once every `intervalMs`. `request()` marks work as due:
 * the job runs when the interval since its last run has passed (on a
 * timer). `flush()` runs it now if work is due. Timers are unref'd.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Throttle } from "./throttle.ts";
 * let runs = 0;
 * const throttle = new Throttle(() => runs++, 250);
 * for (let i = 0; i < 10_000; i++) throttle.request();
 * throttle.flush();
 * assert.equal(runs, 1);
 * throttle.cancel();
 * ```
 */
export class Throttle {
  #job: () => void;
  #intervalMs: number;
  #timers: Timers;
  #timer: unknown = null;
  #due = false;
  #lastRun = -Infinity;
  /** How long the last run took: a slow job (TASKS.md of 10,000 tasks) runs less often. */
  #lastCost = 0;

  /**
   * Creates the throttle; nothing runs before `request`.
   * @param job The work to run.
   * @param intervalMs Least time between two runs.
   * @param timers Clock and timers (real ones by default).
   */
  constructor(
    job: () => void,
    intervalMs: number,
    timers: Timers = realTimers,
  ) {
    this.#job = job;
    this.#intervalMs = intervalMs;
    this.#timers = timers;
  }

  /** Asks for the job to run within the interval. */
  request(): void {
    this.#due = true;
    if (this.#timer !== null) return;
    // Keep the job under ~2% of the time, whatever the interval asks.
    const interval = Math.max(this.#intervalMs, 50 * this.#lastCost);
    const wait = Math.max(0, this.#lastRun + interval - this.#timers.now());
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, wait);
  }

  /**
   * Asks for the job to run one interval from now, as if it had just run:
   * what ends sooner (and flushes) runs it once.
   */
  requestLater(): void {
    if (this.#timer === null) this.#lastRun = this.#timers.now();
    this.request();
  }

  /** Runs the job now if it was asked for since its last run. */
  flush(): void {
    this.#clear();
    if (!this.#due) return;
    this.#due = false;
    this.#lastRun = this.#timers.now();
    this.#job();
    this.#lastCost = this.#timers.now() - this.#lastRun;
  }

  /** Drops a pending run and its timer. */
  cancel(): void {
    this.#clear();
    this.#due = false;
  }

  #clear(): void {
    if (this.#timer === null) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
  }
}

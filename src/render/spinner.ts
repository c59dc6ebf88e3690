/**
 * Spinner frames for running tasks.
 * @module
 */

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const;

/**
 * The spinner frame for tick `n` (any integer).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spinnerFrame } from "./spinner.ts";
 * assert.equal(spinnerFrame(0), "⠋");
 * assert.equal(spinnerFrame(10), "⠋");
 * ```
 */
export function spinnerFrame(n: number): string {
  return FRAMES[((n % FRAMES.length) + FRAMES.length) % FRAMES.length]!;
}

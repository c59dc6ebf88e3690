/**
 * Durations for people: `850ms`, `12.3s`, `4m05s`, `1h02m`.
 * @module
 */

/**
 * Formats milliseconds as a short human duration. Below a second it shows
 * milliseconds, below a minute tenths of a second, below an hour minutes and
 * seconds, above that hours and minutes.
 *
 * @param ms Milliseconds (negative values count as 0).
 * @returns The duration, e.g. `12.3s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDuration } from "./duration.ts";
 * assert.equal(formatDuration(850), "850ms");
 * assert.equal(formatDuration(12_345), "12.3s");
 * assert.equal(formatDuration(245_000), "4m05s");
 * assert.equal(formatDuration(3_720_000), "1h02m");
 * ```
 */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value}ms`;
  const tenths = Math.round(value / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)}s`;
  const seconds = Math.round(value / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)}m${_pad2(seconds % 60)}s`;
  }
  const minutes = Math.round(value / 60_000);
  return `${Math.floor(minutes / 60)}h${_pad2(minutes % 60)}m`;
}

function _pad2(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

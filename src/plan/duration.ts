/**
 * Durations as plans write them: `90s`, `10m`, `1h30m`, `500ms`. Messages
 * spell durations the same way ({@link formatDuration}).
 * @module
 */

/**
 * The longest duration a plan may give: timers hold a signed 32-bit count of
 * milliseconds, and a longer delay fires at once (about 24.8 days).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const DURATION = /^(?:\d+(?:ms|h|m|s))+$/;
const PART = /(\d+)(ms|h|m|s)/g;

/**
 * Parses a duration string into milliseconds, or returns `undefined` when it
 * is not one.
 *
 * @example
 * ```ts
 * import { parseDuration } from "./duration.ts";
 * parseDuration("1h30m"); // 5_400_000
 * parseDuration("soon"); // undefined
 * ```
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit!]!;
  }
  return total;
}

/**
 * Spells milliseconds the way plans write durations, largest unit first
 * (the inverse of {@link parseDuration}).
 *
 * @example
 * ```ts
 * import { formatDuration } from "./duration.ts";
 * formatDuration(5_400_000); // "1h30m"
 * formatDuration(1_500); // "1s500ms"
 * formatDuration(0); // "0s"
 * ```
 */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let text = "";
  for (const unit of ["h", "m", "s", "ms"]) {
    const size = UNIT_MS[unit]!;
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) text += `${amount}${unit}`;
  }
  return text === "" ? "0s" : text;
}

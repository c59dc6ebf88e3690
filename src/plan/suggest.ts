/**
 * "Did you mean" suggestions.
 * @module
 */

// fastest-levenshtein's ESM build (its CommonJS `main` would start Deno's
// Node compatibility layer, ~40 ms), as a local module: see vendor/README.md.
// @ts-types="./vendor/fastest_levenshtein.d.mts"
import { distance } from "./vendor/fastest_levenshtein.mjs";

/**
 * The candidate nearest to `word`, when it is near enough to be a likely typo.
 *
 * @example
 * ```ts
 * import { closest } from "./suggest.ts";
 * closest("dependecies", ["dependencies", "description"]); // "dependencies"
 * closest("zzz", ["dependencies"]); // undefined
 * ```
 */
export function closest(
  word: string,
  candidates: Iterable<string>,
): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestScore <= limit && bestScore < word.length ? best : undefined;
}

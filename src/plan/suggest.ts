/**
 * "Did you mean" suggestions.
 * @module
 */

// The ESM build: the package's CommonJS `main` would start Deno's Node
// compatibility layer, about 40 ms on every command.
import { distance } from "fastest-levenshtein/esm/mod.js";

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

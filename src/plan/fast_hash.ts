/**
 * A fast synchronous 128-bit non-cryptographic string hash, for change
 * detection where sha-256 through `crypto.subtle` (async) or `node:crypto`
 * (+65 ms start-up measured) would cost more than the work it guards.
 * @module
 */

/**
 * Hex digest of `text` (four 32-bit lanes of a murmur-style mix).
 *
 * @example
 * ```ts
 * import { fastHash } from "./fast_hash.ts";
 * fastHash("a") === fastHash("a"); // true
 * fastHash("a").length; // 32
 * ```
 */
export function fastHash(text: string): string {
  let h1 = 0x9e3779b1, h2 = 0x85ebca6b, h3 = 0xc2b2ae35, h4 = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h3 = Math.imul(h3 ^ c, 0x1b873593);
    h4 = Math.imul(h4 ^ c, 0xcc9e2d51);
    h1 = (h1 << 13) | (h1 >>> 19);
    h2 ^= h2 >>> 15;
    h3 = (h3 << 7) | (h3 >>> 25);
    h4 ^= h4 >>> 13;
  }
  const mix = (h: number, seed: number) => {
    h ^= text.length + seed;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return ((h ^ (h >>> 16)) >>> 0).toString(16).padStart(8, "0");
  };
  return mix(h1 ^ h3, 1) + mix(h2 ^ h4, 2) + mix(h3 ^ h2, 3) + mix(h4 ^ h1, 4);
}

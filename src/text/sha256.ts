/**
 * SHA-256 and HMAC-SHA-256 in plain synchronous JavaScript, for the short
 * texts a run hashes on every start (fingerprints of hashes, approval
 * seals): loading `node:crypto` costs ~14 ms of a no-op re-run, and
 * `crypto.subtle` is asynchronous. File contents still go through
 * `node:crypto` (native speed) once they add up to more than a few small
 * files (see `fileSha256`).
 * @module
 */

const K = new Int32Array([
  0x428a2f98,
  0x71374491,
  0xb5c0fbcf,
  0xe9b5dba5,
  0x3956c25b,
  0x59f111f1,
  0x923f82a4,
  0xab1c5ed5,
  0xd807aa98,
  0x12835b01,
  0x243185be,
  0x550c7dc3,
  0x72be5d74,
  0x80deb1fe,
  0x9bdc06a7,
  0xc19bf174,
  0xe49b69c1,
  0xefbe4786,
  0x0fc19dc6,
  0x240ca1cc,
  0x2de92c6f,
  0x4a7484aa,
  0x5cb0a9dc,
  0x76f988da,
  0x983e5152,
  0xa831c66d,
  0xb00327c8,
  0xbf597fc7,
  0xc6e00bf3,
  0xd5a79147,
  0x06ca6351,
  0x14292967,
  0x27b70a85,
  0x2e1b2138,
  0x4d2c6dfc,
  0x53380d13,
  0x650a7354,
  0x766a0abb,
  0x81c2c92e,
  0x92722c85,
  0xa2bfe8a1,
  0xa81a664b,
  0xc24b8b70,
  0xc76c51a3,
  0xd192e819,
  0xd6990624,
  0xf40e3585,
  0x106aa070,
  0x19a4c116,
  0x1e376c08,
  0x2748774c,
  0x34b0bcb5,
  0x391c0cb3,
  0x4ed8aa4a,
  0x5b9cca4f,
  0x682e6ff3,
  0x748f82ee,
  0x78a5636f,
  0x84c87814,
  0x8cc70208,
  0x90befffa,
  0xa4506ceb,
  0xbef9a3f7,
  0xc67178f2,
]);

const encoder = new TextEncoder();

/** Reused between calls (the process is single-threaded): no garbage per digest. */
const W = new Int32Array(64);
const STATE = new Int32Array(8);
/** The last one or two blocks: the message's tail, 0x80, zeros, its bit length. */
const TAIL = new Uint8Array(128);
let scratch = new Uint8Array(1024);

/**
 * The SHA-256 digest of `data` (a string is hashed as UTF-8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Bytes } from "./sha256.ts";
 * assert.equal(sha256Bytes("").length, 32);
 * ```
 */
export function sha256Bytes(data: string | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (typeof data === "string") {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (scratch.length < data.length * 3) {
      scratch = new Uint8Array(data.length * 3);
    }
    const { written } = encoder.encodeInto(data, scratch);
    bytes = scratch.subarray(0, written);
  } else bytes = data;
  const length = bytes.length;
  STATE.set(INITIAL);
  const whole = length - (length % 64);
  compress(bytes, 0, whole);
  const rest = length - whole;
  TAIL.fill(0);
  TAIL.set(bytes.subarray(whole), 0);
  TAIL[rest] = 0x80;
  const end = rest < 56 ? 64 : 128;
  const high = Math.floor(length / 0x20000000), low = (length * 8) >>> 0;
  TAIL[end - 8] = high >>> 24;
  TAIL[end - 7] = high >>> 16;
  TAIL[end - 6] = high >>> 8;
  TAIL[end - 5] = high;
  TAIL[end - 4] = low >>> 24;
  TAIL[end - 3] = low >>> 16;
  TAIL[end - 2] = low >>> 8;
  TAIL[end - 1] = low;
  compress(TAIL, 0, end);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const v = STATE[i]!;
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = v >>> 16;
    out[i * 4 + 2] = v >>> 8;
    out[i * 4 + 3] = v;
  }
  return out;
}

const INITIAL = new Int32Array([
  0x6a09e667,
  0xbb67ae85,
  0x3c6ef372,
  0xa54ff53a,
  0x510e527f,
  0x9b05688c,
  0x1f83d9ab,
  0x5be0cd19,
]);

/** Runs the blocks of `p` from `from` to `to` (a multiple of 64 apart) into {@link STATE}. */
function compress(p: Uint8Array, from: number, to: number): void {
  // Int32 throughout: values stay small integers for the engine, never boxed doubles.
  for (let pos = from; pos < to; pos += 64) {
    for (let i = 0; i < 16; i++) {
      const j = pos + i * 4;
      W[i] = (p[j]! << 24) | (p[j + 1]! << 16) | (p[j + 2]! << 8) | p[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const x = W[i - 15]!, y = W[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^
        (y >>> 10);
      W[i] = (((W[i - 16]! + s0) | 0) + ((W[i - 7]! + s1) | 0)) | 0;
    }
    let a = STATE[0]!, b = STATE[1]!, c = STATE[2]!, d = STATE[3]!;
    let e = STATE[4]!, f = STATE[5]!, g = STATE[6]!, h = STATE[7]!;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^
        ((e >>> 25) | (e << 7));
      const t1 = (((h + S1) | 0) +
        ((((e & f) ^ (~e & g)) + ((K[i]! + W[i]!) | 0)) | 0)) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^
        ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    STATE[0] = (STATE[0]! + a) | 0;
    STATE[1] = (STATE[1]! + b) | 0;
    STATE[2] = (STATE[2]! + c) | 0;
    STATE[3] = (STATE[3]! + d) | 0;
    STATE[4] = (STATE[4]! + e) | 0;
    STATE[5] = (STATE[5]! + f) | 0;
    STATE[6] = (STATE[6]! + g) | 0;
    STATE[7] = (STATE[7]! + h) | 0;
  }
}

/**
 * The hex SHA-256 of `data` (a string is hashed as UTF-8).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sha256Hex } from "./sha256.ts";
 * assert.equal(
 *   sha256Hex("abc"),
 *   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
 * );
 * ```
 */
export function sha256Hex(data: string | Uint8Array): string {
  return hex(sha256Bytes(data));
}

/**
 * The hex HMAC-SHA-256 of `data` under `key` (RFC 2104).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hmacSha256Hex } from "./sha256.ts";
 * assert.equal(
 *   hmacSha256Hex(new TextEncoder().encode("key"), "The quick brown fox jumps over the lazy dog"),
 *   "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8",
 * );
 * ```
 */
export function hmacSha256Hex(
  key: Uint8Array,
  data: string | Uint8Array,
): string {
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256Bytes(key) : key);
  const message = typeof data === "string" ? encoder.encode(data) : data;
  const inner = new Uint8Array(64 + message.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  inner.set(message, 64);
  outer.set(sha256Bytes(inner), 64);
  return sha256Hex(outer);
}

/**
 * Whether two byte strings are equal, in time that depends only on their
 * length (for comparing a seal).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { equalInConstantTime } from "./sha256.ts";
 * assert.equal(equalInConstantTime(new Uint8Array([1]), new Uint8Array([1])), true);
 * ```
 */
export function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Two hex digits per byte value: a digest is 32 lookups, not 32 conversions. */
const HEX = Array.from(
  { length: 256 },
  (_, b) => b.toString(16).padStart(2, "0"),
);

function hex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

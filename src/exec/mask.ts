/**
 * Masking of secret values (`***`) in a stream of bytes, across chunk
 * boundaries, and in text. Values shorter than {@link MIN_SECRET_LENGTH}
 * are not masked: they would blank ordinary output (`1`, `on`) and guard
 * nothing.
 * @module
 */

import { isSecretName } from "./permissions_env.ts";

/** Shortest value masked. */
export const MIN_SECRET_LENGTH = 4;

/** What a secret value is replaced with. */
export const MASK = "***";

const MASK_BYTES = new TextEncoder().encode(MASK);

/** The values worth masking: long enough, without duplicates, longest first. */
function maskable(secrets: readonly string[]): string[] {
  return [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/**
 * Replaces every occurrence of each secret in `text` with `***`.
 *
 * @example
 * ```ts
 * import { maskText } from "./mask.ts";
 * maskText("token=abcd1234", ["abcd1234"]); // "token=***"
 * ```
 */
export function maskText(text: string, secrets: readonly string[]): string {
  for (const secret of maskable(secrets)) {
    if (text.includes(secret)) text = text.split(secret).join(MASK);
  }
  return text;
}

/**
 * Masks secrets in a byte stream fed chunk by chunk: it holds back the last
 * bytes of each chunk that could start a secret the next chunk completes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { StreamMask } from "./mask.ts";
 * const mask = new StreamMask(["s3cret-value"]);
 * const enc = new TextEncoder(), dec = new TextDecoder();
 * const out = dec.decode(mask.push(enc.encode("a s3cr"))) +
 *   dec.decode(mask.push(enc.encode("et-value b"))) + dec.decode(mask.flush());
 * assert.equal(out, "a *** b");
 * ```
 */
export class StreamMask {
  #secrets: Uint8Array[];
  #hold: number;
  #carry: Uint8Array = new Uint8Array(0);

  constructor(secrets: readonly string[]) {
    const encoder = new TextEncoder();
    this.#secrets = maskable(secrets).map((s) => encoder.encode(s));
    this.#hold = Math.max(0, ...this.#secrets.map((s) => s.length - 1));
  }

  /** Whether there is anything to mask (else {@link push} returns its input). */
  get active(): boolean {
    return this.#secrets.length > 0;
  }

  /** The masked bytes of `chunk` that can be written now. */
  push(chunk: Uint8Array): Uint8Array {
    if (!this.active) return chunk;
    const buffer = concat(this.#carry, chunk);
    const { out, rest } = this.#scan(
      buffer,
      buffer.length - this.#partialAtEnd(buffer),
    );
    this.#carry = rest;
    return out;
  }

  /** The bytes held back, masked: call once the stream ended. */
  flush(): Uint8Array {
    const { out } = this.#scan(this.#carry, this.#carry.length);
    this.#carry = new Uint8Array(0);
    return out;
  }

  /** Masks matches that start before `until`; bytes from `until` on are the rest. */
  #scan(
    buffer: Uint8Array,
    until: number,
  ): { out: Uint8Array; rest: Uint8Array } {
    const parts: Uint8Array[] = [];
    let from = 0, i = 0;
    while (i < until) {
      const length = this.#matchAt(buffer, i);
      if (length === 0) {
        i++;
        continue;
      }
      parts.push(buffer.subarray(from, i), MASK_BYTES);
      i += length;
      from = i;
    }
    const end = Math.max(i, from);
    parts.push(buffer.subarray(from, end));
    return { out: concat(...parts), rest: buffer.slice(end) };
  }

  /**
   * Length of the longest end of `buffer` that starts a secret (held back
   * until the next chunk says whether it completes one); usually 0, so
   * output is rarely held and stdout and stderr stay in order.
   */
  #partialAtEnd(buffer: Uint8Array): number {
    for (let k = Math.min(this.#hold, buffer.length); k > 0; k--) {
      const at = buffer.length - k;
      if (
        this.#secrets.some((s) => {
          if (s.length <= k) return false;
          for (let j = 0; j < k; j++) if (buffer[at + j] !== s[j]) return false;
          return true;
        })
      ) return k;
    }
    return 0;
  }

  /** Length of the (longest) secret at `i`, or 0. */
  #matchAt(buffer: Uint8Array, i: number): number {
    for (const secret of this.#secrets) {
      if (buffer[i] !== secret[0] || i + secret.length > buffer.length) {
        continue;
      }
      let k = 1;
      while (k < secret.length && buffer[i + k] === secret[k]) k++;
      if (k === secret.length) return k;
    }
    return 0;
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The values of the secret-looking variables of `env` (see
 * `isSecretName`), long enough to mask.
 *
 * @example
 * ```ts
 * import { secretValues } from "./mask.ts";
 * secretValues({ GH_TOKEN: "ghp_x1y2", EDITOR: "vim" }); // ["ghp_x1y2"]
 * ```
 */
export function secretValues(
  env: Readonly<Record<string, string>>,
): string[] {
  return maskable(
    Object.entries(env).filter(([name]) => isSecretName(name)).map(([, v]) =>
      v
    ),
  );
}

/**
 * `event` with every secret masked in its text fields (top level and lists
 * of text); the same object when there is nothing to mask.
 *
 * @example
 * ```ts
 * import { maskEvent } from "./mask.ts";
 * maskEvent({ type: "x", detail: "key abcd1234" }, ["abcd1234"]).detail; // "key ***"
 * ```
 */
export function maskEvent<T extends object>(
  event: T,
  secrets: readonly string[],
): T {
  if (secrets.length === 0) return event;
  let out: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(event)) {
    const masked = typeof value === "string"
      ? maskText(value, secrets)
      : Array.isArray(value)
      ? value.map((v) => typeof v === "string" ? maskText(v, secrets) : v)
      : value;
    if (
      typeof value === "string"
        ? masked !== value
        : masked !== value && JSON.stringify(masked) !== JSON.stringify(value)
    ) {
      out ??= { ...event } as Record<string, unknown>;
      out[key] = masked;
    }
  }
  return (out ?? event) as T;
}

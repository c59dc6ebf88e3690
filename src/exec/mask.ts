/**
 * Masking of secret values (`***`) in a stream of bytes, across chunk
 * boundaries, and in text. Values shorter than {@link MIN_SECRET_LENGTH}
 * are not masked: they would blank ordinary output (`1`, `on`) and guard
 * nothing.
 * @module
 */

import { isSecretVariable } from "./permissions_env.ts";

/** Shortest value masked. */
export const MIN_SECRET_LENGTH = 4;

/** What a secret value is replaced with. */
export const MASK = "***";

const MASK_BYTES = new TextEncoder().encode(MASK);

/** Bytes as text, one character per byte (windows-1252 maps each byte to one code point). */
const BYTES_AS_TEXT = new TextDecoder("latin1");

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
  /** The secrets' bytes as {@link BYTES_AS_TEXT} decodes them. */
  #needles: string[];
  #hold: number;
  #carry: Uint8Array = new Uint8Array(0);

  constructor(secrets: readonly string[]) {
    const encoder = new TextEncoder();
    this.#secrets = maskable(secrets).map((s) => encoder.encode(s));
    this.#needles = this.#secrets.map((s) => BYTES_AS_TEXT.decode(s));
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

  /**
   * Masks matches that start before `until` (the earliest first, the
   * longest of those starting at one place); bytes from `until` on, or
   * from the end of a match that runs past it, are the rest. Each secret is
   * searched with the engine's own string search, not byte by byte.
   */
  #scan(
    buffer: Uint8Array,
    until: number,
  ): { out: Uint8Array; rest: Uint8Array } {
    // One byte, one character (a single-byte decoding maps each byte to its
    // own code unit): string positions are byte positions.
    const haystack = BYTES_AS_TEXT.decode(buffer);
    const secrets = this.#needles;
    const next = secrets.map((s) => haystack.indexOf(s));
    const parts: Uint8Array[] = [];
    let from = 0;
    for (;;) {
      let best = -1, length = 0;
      for (let k = 0; k < secrets.length; k++) {
        if (next[k]! !== -1 && next[k]! < from) {
          next[k] = haystack.indexOf(secrets[k]!, from);
        }
        const at = next[k]!;
        if (at === -1 || at >= until) continue;
        if (best === -1 || at < best) {
          best = at;
          length = secrets[k]!.length;
        }
      }
      if (best === -1) break;
      parts.push(buffer.subarray(from, best), MASK_BYTES);
      from = best + length;
    }
    const end = Math.max(until, from);
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
 * The values of the secret variables of `env` (see `isSecretVariable`:
 * by name or by value), long enough to mask.
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
    Object.entries(env).filter(([name, value]) => isSecretVariable(name, value))
      .map(([, v]) => v),
  );
}

/** Values shorter than this are reported rather than masked (see {@link runSecrets}). */
export const SAFE_SECRET_LENGTH = 6;

/** Values so common in ordinary output that masking them would garble it. */
const COMMON_VALUES = new Set([
  "true",
  "false",
  "null",
  "undefined",
  "none",
  "empty",
  "test",
  "tests",
  "testing",
  "main",
  "master",
  "default",
  "admin",
  "password",
  "secret",
  "changeme",
  "example",
  "localhost",
  "production",
  "staging",
  "development",
  "enabled",
  "disabled",
]);

/** A secret variable whose value is not masked, and why (never the value). */
export interface UnmaskedSecret {
  /** The variable's name. */
  name: string;
  /** Why its value is not masked, e.g. `it is shorter than 6 characters`. */
  why: string;
}

/** The secrets of a run: the values to mask, and the variables left unmasked. */
export interface RunSecrets {
  /** Values to mask, longest first. */
  values: string[];
  /** Secret variables whose value is too short or too common to mask safely. */
  unmasked: UnmaskedSecret[];
}

/**
 * Every secret a run knows of, granted to a task or withheld (a task may
 * print a withheld value it found some other way): the values of the
 * secret variables of `env`, except those too short or too common to mask
 * without garbling ordinary output (shorter than {@link SAFE_SECRET_LENGTH},
 * a common word, a short number, or one of `names`, the plan's own task,
 * shard, command and gate names), which are reported instead.
 *
 * @param env The orchestrator's environment.
 * @param names Words the run itself prints (the plan's ids and names).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSecrets } from "./mask.ts";
 * const s = runSecrets({ GH_TOKEN: "ghp_abcdef123", API_KEY: "test", PATH: "/bin" }, ["build"]);
 * assert.deepEqual(s.values, ["ghp_abcdef123"]);
 * assert.deepEqual(s.unmasked.map((u) => u.name), ["API_KEY"]);
 * ```
 */
export function runSecrets(
  env: Readonly<Record<string, string>>,
  names: Iterable<string> = [],
): RunSecrets {
  const own = new Set(names);
  const values = new Set<string>();
  const unmasked: UnmaskedSecret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === "" || !isSecretVariable(name, value)) continue;
    const why = value.length < SAFE_SECRET_LENGTH
      ? `it is shorter than ${SAFE_SECRET_LENGTH} characters`
      : COMMON_VALUES.has(value.toLowerCase())
      ? "it is a common word"
      : /^\d{1,9}$/.test(value)
      ? "it is a short number"
      : own.has(value)
      ? "it is also the name of a task, shard, command or gate of the plan"
      : null;
    if (why === null) values.add(value);
    else unmasked.push({ name, why });
  }
  return { values: maskable([...values]), unmasked };
}

/**
 * The warning for a secret left unmasked: it names the variable, never the value.
 *
 * @example
 * ```ts
 * import { unmaskedWarning } from "./mask.ts";
 * unmaskedWarning({ name: "API_KEY", why: "it is a common word" });
 * // "warning: the value of secret variable API_KEY is not masked in output or the log: it is a common word"
 * ```
 */
export function unmaskedWarning(secret: UnmaskedSecret): string {
  return `warning: the value of secret variable ${secret.name} is not masked in output or the log: ${secret.why}`;
}

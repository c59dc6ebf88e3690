/**
 * Content hashes (sha-256, hex).
 * @module
 */

/**
 * Hex sha-256 of a string or bytes.
 *
 * @example
 * ```ts
 * import { sha256 } from "./hash.ts";
 * (await sha256("")).slice(0, 8); // "e3b0c442"
 * ```
 */
export async function sha256(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string"
    ? new TextEncoder().encode(data)
    : data;
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

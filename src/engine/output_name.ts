/**
 * File names for captured output. Readable, and unambiguous: task `A.B`
 * and shard `B` of task `A`, a command named `check1` and the first check,
 * ids that differ only in case (one file on macOS and Windows) never share
 * a file, because a short hash of the exact name parts ends every name.
 * @module
 */

import { fastHash } from "../plan/fast_hash.ts";

/** Whose output a file holds. */
export interface OutputOwner {
  /** Task id; null for the final build. */
  task: string | null;
  shard: string | null;
  /** The kind of step. */
  step: "command" | "check" | "precheck" | "build";
  /** Command name, or the check's 1-based position. */
  name: string;
  attempt: number;
}

const MAX_READABLE = 120;

/**
 * The output file name of one step attempt.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { outputFileName } from "./output_name.ts";
 * const a = outputFileName({ task: "A.B", shard: null, step: "command", name: "x", attempt: 1 });
 * const b = outputFileName({ task: "A", shard: "B", step: "command", name: "x", attempt: 1 });
 * assert.notEqual(a, b);
 * assert.match(a, /^A_B\.x\.1\.[0-9a-f]{8}\.log$/);
 * ```
 */
export function outputFileName(owner: OutputOwner): string {
  const label = owner.step === "command" || owner.step === "build"
    ? owner.name
    : `${owner.step}${owner.name}`;
  const readable = [owner.task ?? "build", owner.shard, label, owner.attempt]
    .filter((p) => p !== null)
    .map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, "_"))
    .join(".")
    .slice(0, MAX_READABLE);
  const tag = fastHash(
    JSON.stringify([
      owner.task,
      owner.shard,
      owner.step,
      owner.name,
      owner.attempt,
    ]),
  ).slice(0, 8);
  return `${readable}.${tag}.log`;
}

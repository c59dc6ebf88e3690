/**
 * Why a run (or its dry run) will not start: an expected refusal, as one
 * sentence, that the CLI reports once as bad usage (exit 2). Nothing is
 * recorded before it.
 * @module
 */

/**
 * A run that could not start: bad usage (an unknown `--task`, nothing to
 * resume) or a held lock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunRefused, UnknownTarget } from "./refused.ts";
 * assert.ok(new UnknownTarget('Unknown task "Z"') instanceof RunRefused);
 * ```
 */
export class RunRefused extends Error {
  override name = "RunRefused";
}

/** `--task` names no task or shard: a refusal like any other. */
export class UnknownTarget extends RunRefused {
  override name = "UnknownTarget";
}

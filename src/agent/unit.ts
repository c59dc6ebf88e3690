/**
 * An agent unit: one agent's work, the whole task's or one shard's, in a
 * worktree of its own, and how it ended.
 * @module
 */

import type { FailureReason, PatchSummary } from "../events/types.ts";
import type { Shard } from "../plan/ir.ts";
import type { ValidationGroup } from "../engine/steps.ts";
import type { Worktree } from "./worktree.ts";

/** One agent's work: the whole task's, or one shard's. */
export interface AgentUnit {
  command: string;
  /** Its folder under the run's artifacts (brief, patches, feedback). */
  dir: string;
  shard: Shard | null;
  worktree: Worktree;
  validation: ValidationGroup[];
}

export type UnitResult =
  | { ok: true; patch: PatchSummary; file: string; attempt: number }
  | { ok: false; reason: FailureReason; detail: string };

/**
 * What a successful load returns: the IR with where it came from. Its own
 * file so the loader and the checker both use it without importing each
 * other.
 * @module
 */

import type { Plan } from "./ir.ts";

/** A plan that passed every check, with where it came from. */
export interface CheckedPlan {
  plan: Plan;
  /** The plan file as given (for messages). */
  file: string;
  /** Absolute project root: the plan's folder joined with `project.root`. */
  root: string;
}

/** A checked plan and its hash, as a run records it. */
export interface LoadedPlan extends CheckedPlan {
  /** sha-256 of the IR's canonical JSON. */
  hash: string;
}

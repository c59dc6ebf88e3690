/**
 * What the engine tells the terminal. Reporters are consumers of the event
 * union, like the JSONL log and TASKS.md.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunEvent } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";

/** A consumer of a run's events for people. */
export interface Reporter {
  /** Called once before the first event, with the state folded so far (non-empty on resume). */
  start(plan: Plan, state: RunState, logPath: string): void;
  /** Called after each event is written and folded into `state`. */
  onEvent(event: RunEvent, state: RunState): void;
  /** Called once at the end (also on interrupt). */
  close(state: RunState): void;
}

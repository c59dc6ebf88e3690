/**
 * What the run lends its agent steps: one budget for all of them, the
 * brief renderer, and how many shard agents may work at once.
 * @module
 */

import { AgentBudget } from "./budget.ts";
import { type BriefRenderer, plainBrief } from "./brief_files.ts";

/** What the run lends its agent steps (one budget for all of them). */
export interface AgentServices {
  budget: AgentBudget;
  brief: BriefRenderer;
  /** How many agents of one task's shards may work at once (the run's concurrency). */
  concurrency: number;
  /** The plan's own files (absolute: the plan, includes, TS modules), which no patch may touch. */
  planFiles: Promise<readonly string[]>;
}

/** The services of a run without caps, with the plain brief, one agent at a time. */
export function defaultAgentServices(): AgentServices {
  return {
    budget: new AgentBudget(),
    brief: plainBrief,
    concurrency: 1,
    planFiles: Promise.resolve([]),
  };
}

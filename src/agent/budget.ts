/**
 * Caps on agents across a whole run (`orchestrator.agent.run_max_*`):
 * attempts, time and reported cost, counted from the run's log so a resumed
 * run keeps what was spent before it.
 * @module
 */

import type { AgentLimits } from "../plan/ir.ts";
import type { RunState } from "../events/fold.ts";

/** What the run's agents have used so far. */
export interface AgentUsage {
  attempts: number;
  time_ms: number;
  cost_usd: number;
}

/**
 * The run's agent budget: asked before each attempt, told after it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AgentBudget } from "./budget.ts";
 * const budget = new AgentBudget({ max_attempts: 1 });
 * assert.equal(budget.exhausted(), null);
 * budget.record(1000, null);
 * assert.equal(budget.exhausted(), "the run's agents used their 1 attempt (run_max_attempts)");
 * ```
 */
export class AgentBudget {
  readonly used: AgentUsage;

  constructor(
    readonly limits: AgentLimits = {},
    used: AgentUsage = { attempts: 0, time_ms: 0, cost_usd: 0 },
  ) {
    this.used = { ...used };
  }

  /** The budget of a run so far, from its folded state. */
  static of(limits: AgentLimits | undefined, state: RunState): AgentBudget {
    return new AgentBudget(limits, state.agent_usage);
  }

  /** Why no further attempt may start, or null. */
  exhausted(): string | null {
    const { limits, used } = this;
    if (
      limits.max_attempts !== undefined && used.attempts >= limits.max_attempts
    ) {
      const n = limits.max_attempts;
      return `the run's agents used their ${n} attempt${
        n === 1 ? "" : "s"
      } (run_max_attempts)`;
    }
    if (
      limits.max_time_ms !== undefined && used.time_ms >= limits.max_time_ms
    ) {
      return `the run's agents used their time (run_max_time)`;
    }
    if (
      limits.max_cost_usd !== undefined && used.cost_usd >= limits.max_cost_usd
    ) {
      return `the run's agents reported $${
        used.cost_usd.toFixed(2)
      } of $${limits.max_cost_usd} (run_max_cost_usd)`;
    }
    return null;
  }

  /** Counts one finished attempt. */
  record(durationMs: number, costUsd: number | null): void {
    this.used.attempts++;
    this.used.time_ms += durationMs;
    this.used.cost_usd += costUsd ?? 0;
  }
}

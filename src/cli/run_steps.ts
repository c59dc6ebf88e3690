/**
 * The feature steps of `run` and `resume`: the agent folder's handlers of
 * `agent` and `apply_patch`, plugged into the engine's step record here,
 * where both folders are visible (the engine imports no feature folder).
 * @module
 */

import { AgentBudget } from "../agent/budget.ts";
import { indexedBrief } from "../agent/brief_files.ts";
import type { AgentServices } from "../agent/services.ts";
import type { RunFeatures } from "../engine/run.ts";
import type { FeatureSteps } from "../engine/steps/handler.ts";

/**
 * The agent handlers of one run: one budget for all its agents, the brief
 * of the plan's index, the run's concurrency for shard agents. The agent
 * modules (git, patches, globs) load only when a task has an agent.
 *
 * @example
 * ```ts ignore
 * await executeRun({ ...options, features: agentFeatures });
 * ```
 */
export function agentFeatures(run: RunFeatures): FeatureSteps {
  let planFiles: Promise<readonly string[]> | null = null;
  const services: AgentServices = {
    budget: AgentBudget.of(run.plan.orchestrator.agent_limits, run.state),
    brief: indexedBrief(
      run.root,
      run.plan,
      () => ({ run: run.runId, state: run.state }),
    ),
    concurrency: run.concurrency,
    // Read when the first agent or patch step starts, before it runs: a
    // run without agents never parses the plan files again.
    get planFiles() {
      return planFiles ??= import("../plan/plan_files.ts").then((m) =>
        m.planFiles(run.planFile)
      );
    },
  };
  let loaded: Promise<FeatureSteps> | null = null;
  const handlers = () => {
    if (loaded === null) void services.planFiles.catch(() => {});
    return loaded ??= import("../agent/step_handlers.ts").then((m) =>
      m.agentStepHandlers(services)
    );
  };
  return {
    agent: async (step, input) => (await handlers()).agent(step, input),
    apply_patch: async (step, input) =>
      (await handlers()).apply_patch(step, input),
  };
}

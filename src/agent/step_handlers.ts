/**
 * The agent folder's step handlers: `agent` (see `agent_step.ts`) and
 * `apply_patch` (see `apply_step.ts`), as the engine's step record takes
 * them. The CLI plugs them into a run; the engine imports nothing of
 * agent/.
 * @module
 */

import type { FeatureSteps } from "../engine/steps/handler.ts";
import { runAgentStep } from "./agent_step.ts";
import { runApplyStep } from "./apply_step.ts";
import type { AgentServices } from "./services.ts";

/**
 * The handlers of the agent kinds, lending every agent step `services`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agentStepHandlers } from "./step_handlers.ts";
 * import { defaultAgentServices } from "./services.ts";
 * const handlers = agentStepHandlers(defaultAgentServices());
 * assert.deepEqual(Object.keys(handlers).sort(), ["agent", "apply_patch"]);
 * ```
 */
export function agentStepHandlers(services: AgentServices): FeatureSteps {
  return {
    agent: async (step, input) => {
      const r = await runAgentStep({
        task: input.task,
        agent: step.agent,
        workspace: input.workspace,
        ctx: input.ctx,
        signal: input.signal,
        taskHash: input.taskHash,
        reuse: input.reusePatch,
        services,
        validation: step.validation,
        shards: step.shards,
        validate: input.validate,
      });
      return r.ok
        ? { ok: true, patch: { summary: r.patch, reused: r.reused } }
        : r;
    },
    apply_patch: async (step, input) => {
      if (input.patch === null) {
        throw new Error("Internal error: apply_patch without an agent step");
      }
      return await runApplyStep({
        taskId: input.task.id,
        root: input.workspace.root,
        patch: input.patch.summary,
        gated: step.gated,
        approved: input.patch.reused && input.approvedGates.has(step.kind),
        planFiles: await services.planFiles,
        emit: input.ctx.emit,
      });
    },
  };
}

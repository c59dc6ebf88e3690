/**
 * The record of step handlers: the engine's own kinds (command, check,
 * precheck) and the feature kinds the CLI plugs in (agent, apply_patch).
 * Typed `{ [K in StepKind]: StepHandler<K> }`, so a kind without a handler
 * does not compile.
 * @module
 */

import { checkStep } from "./check.ts";
import { commandStep } from "./command.ts";
import type { Failed, FeatureSteps, StepHandlers } from "./handler.ts";
import { precheckStep } from "./precheck.ts";

/**
 * Every kind's handler: the engine's, with `features` for the kinds of the
 * feature folders.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_FEATURES, stepHandlers } from "./record.ts";
 * const handlers = stepHandlers(NO_FEATURES);
 * assert.deepEqual(Object.keys(handlers).sort(), ["agent", "apply_patch", "check", "command", "precheck"]);
 * ```
 */
export function stepHandlers(features: FeatureSteps): StepHandlers {
  return {
    command: commandStep,
    check: checkStep,
    precheck: precheckStep,
    agent: features.agent,
    apply_patch: features.apply_patch,
  };
}

const NO_AGENT: Failed = {
  ok: false,
  reason: "agent_failed",
  detail: "this run was started without agent support",
};

/**
 * The feature kinds of a run that has none plugged in (an engine used on
 * its own, as some tests do): an agent task fails, saying why.
 */
export const NO_FEATURES: FeatureSteps = Object.freeze({
  agent: () => Promise.resolve(NO_AGENT),
  apply_patch: () => Promise.resolve(NO_AGENT),
});

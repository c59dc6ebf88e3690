/**
 * The `precheck` step: whether every acceptance check of the task holds
 * already (then the task is skipped). A `Manual:` check never does; the
 * checks record nothing.
 * @module
 */

import type { PrecheckStep } from "../steps.ts";
import { evaluateCheckStep } from "./check.ts";
import type { Done, Failed, StepInput } from "./handler.ts";

/**
 * Done when every check holds, else the first that does not.
 *
 * @example
 * ```ts ignore
 * const holds = (await precheckStep(precheckStepOf(task), input)).ok === true;
 * ```
 */
export async function precheckStep(
  step: PrecheckStep,
  input: StepInput,
): Promise<Done | Failed> {
  const manual = step.checks.find((s) => s.check.kind === "manual");
  if (manual !== undefined) {
    return {
      ok: false,
      reason: "acceptance_failed",
      detail: "a Manual: check needs a person",
    };
  }
  for (const check of step.checks) {
    if (input.signal.aborted) {
      return { ok: false, reason: "acceptance_failed", detail: "stopped" };
    }
    const failure = await evaluateCheckStep(check, input, "precheck");
    if (failure !== null) {
      return { ok: false, reason: "acceptance_failed", detail: failure };
    }
  }
  return { ok: true };
}

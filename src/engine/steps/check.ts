/**
 * The `check` step: evaluates one acceptance check in the task's
 * workspace and records `acceptance_passed` / `acceptance_failed`. A
 * failed check is a soft failure: the group's remaining checks still run.
 * @module
 */

import { checkLabel, describeCheck } from "../../plan/check.ts";
import { evaluateCheck } from "../acceptance.ts";
import type { CheckStep } from "../steps.ts";
import type { Done, Failed, StepInput } from "./handler.ts";
import { outputPaths } from "./output.ts";

/**
 * Evaluates the step's check (not once the task is being stopped).
 *
 * @example
 * ```ts ignore
 * const r = await checkStep(step, input); // { ok: false, soft: true, ... } when it failed
 * ```
 */
export async function checkStep(
  step: CheckStep,
  input: StepInput,
): Promise<Done | Failed> {
  if (input.signal.aborted) {
    return { ok: false, reason: "acceptance_failed", detail: "stopped" };
  }
  const failure = await evaluateCheckStep(step, input, "check");
  return failure === null ? { ok: true } : {
    ok: false,
    reason: "acceptance_failed",
    detail: failure,
    soft: true,
  };
}

/**
 * Evaluates one check; emits its event (not for a pre-check, which records
 * nothing) and returns null when it passed, else a description.
 */
export async function evaluateCheckStep(
  step: CheckStep,
  input: StepInput,
  as: "check" | "precheck",
): Promise<string | null> {
  const { task, shard, ctx, signal, workspace } = input;
  const check = step.check;
  const emit = as === "check" ? ctx.emit : () => {};
  const base = {
    task: task.id,
    shard: shard?.id ?? null,
    check: checkLabel(check),
    detail: describeCheck(check),
  };
  if (check.kind === "manual") {
    if (input.approvedGates.has("manual")) {
      emit({ type: "acceptance_passed", ...base, output: null });
      return null;
    }
    emit({
      type: "acceptance_failed",
      ...base,
      reason: "not approved",
      output: null,
    });
    return base.detail;
  }
  const output = outputPaths(ctx, {
    task: task.id,
    shard: shard?.id ?? null,
    step: as,
    name: String(step.index),
    attempt: 1,
  });
  const outcome = await evaluateCheck(check, {
    workspace,
    searchPaths: step.searchPaths,
    output,
    signal,
    ownProcessGroup: task.constraints.timebox_ms !== undefined,
  });
  if (outcome.passed) {
    emit({ type: "acceptance_passed", ...base, output: outcome.output });
    return null;
  }
  emit({
    type: "acceptance_failed",
    ...base,
    reason: outcome.reason,
    output: outcome.output,
  });
  return `${base.detail} (${outcome.reason})`;
}

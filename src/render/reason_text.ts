/**
 * Reasons in words: the engine and the log carry reasons as literal kinds
 * (why a task is skipped, waits or is blocked, why an approval is stale);
 * this is the one place that turns them into sentences for people.
 * @module
 */

import type { DryRunWhy } from "../engine/dry_run.ts";
import type { GateStatus, StaleWhy } from "../engine/decide.ts";
import type { SkipReason } from "../events/types.ts";

/** Each skip reason in words (a new reason fails to compile until worded). */
const SKIP_TEXT: Record<SkipReason, string> = {
  "outside the selection": "outside the selection",
  "up to date": "up to date",
  "acceptance already holds": "acceptance already holds",
};

/**
 * A `skipped` event's reason in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skipText } from "./reason_text.ts";
 * assert.equal(skipText("up to date"), "up to date");
 * ```
 */
export function skipText(reason: SkipReason): string {
  return SKIP_TEXT[reason] ?? reason; // An unknown value of an old log: as written.
}

/**
 * A task blocked by the failure of `by`, in words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockedText } from "./reason_text.ts";
 * assert.equal(blockedText("BUILD"), "blocked by BUILD");
 * ```
 */
export function blockedText(by: string): string {
  return `blocked by ${by}`;
}

const STALE_TEXT: Record<StaleWhy, string> = {
  definition_changed:
    "approved for an earlier definition of the task, which has changed since",
  other_patch: "approved for another patch than the one that waits",
};

/**
 * A gate that is not granted, with the command that grants it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { gateHint } from "./reason_text.ts";
 * assert.equal(
 *   gateHint({ gate: "deploy", status: "missing" }, "DEP-1"),
 *   "deploy: orchestrate approve deploy --task DEP-1",
 * );
 * ```
 */
export function gateHint(gate: GateStatus, taskId: string): string {
  const command = `orchestrate approve ${gate.gate} --task ${taskId}`;
  return gate.status === "stale"
    ? `${gate.gate} (${STALE_TEXT[gate.why]}): ${command}`
    : `${gate.gate}: ${command}`;
}

/**
 * Why a task of a dry run is skipped, waits or may not run, in words; null
 * when it simply runs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dryRunReasonText } from "./reason_text.ts";
 * assert.equal(
 *   dryRunReasonText({ kind: "behind_gates", task: "DEP", gates: ["deploy"] }),
 *   "waits for DEP (gate deploy)",
 * );
 * assert.equal(dryRunReasonText(null), null);
 * ```
 */
export function dryRunReasonText(why: DryRunWhy | null): string | null {
  if (why === null) return null;
  switch (why.kind) {
    case "outside_selection":
      return skipText("outside the selection");
    case "done_earlier":
      return "done earlier in this run (completed or skipped before)";
    case "up_to_date":
      return "up to date (fingerprint matches; acceptance is re-checked when run)";
    case "unless_accepted":
      return "runs unless its acceptance already holds (checked when run)";
    case "unless_up_to_date_after_dependencies":
      return "runs unless it is up to date once its dependencies have run (checked when run)";
    case "unless_up_to_date_or_accepted":
      return "runs unless it is up to date once its dependencies have run, or its acceptance already holds (checked when run)";
    case "gates":
      return `stops at gate ${
        why.gates.map((g) => gateHint(g, why.task)).join("; ")
      }`;
    case "behind_gates":
      return `waits for ${why.task} (gate ${why.gates.join(", ")})`;
    case "blocked":
      return blockedText(why.by);
  }
}

/**
 * Steps: what a task does, compiled from the IR into a flat list that the
 * task runner walks. A shard is a group of steps of its own; a new kind of
 * work (an agent, applying a patch) is a new step kind, not new control flow.
 * @module
 */

import type { Check } from "../plan/check.ts";
import type { Command, Shard, Task } from "../plan/ir.ts";

/** Runs a command of the plan, with its retry policy. */
export interface CommandStep {
  kind: "command";
  command: Command;
}

/** Evaluates an acceptance check. */
export interface CheckStep {
  kind: "check";
  check: Check;
  /** 1-based position among its group's checks (for output names). */
  index: number;
  /** Where Contains / Not contains / Matches look when the check names no file. */
  searchPaths: readonly string[];
}

/** One step of a task. */
export type Step = CommandStep | CheckStep;

/** The steps of the task itself (shard null) or of one of its shards. */
export interface StepGroup {
  shard: Shard | null;
  steps: Step[];
}

/**
 * The task's work in order: each shard (its commands, then its checks),
 * then the task's own commands and checks. Within a group a failed command
 * ends the group; a failed check lets the remaining checks run (so one run
 * reports every failing check) but no later command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileSteps } from "./steps.ts";
 * const paths = { preferred: [], forbidden: [] };
 * const groups = compileSteps({
 *   id: "T", title: "t", description: "", type: "chore", paths,
 *   commands: [{ name: "test", run: "true" }],
 *   acceptance: [{ kind: "file_exists", path: "x" }],
 *   dependencies: [], shards: [], constraints: { forbidden_paths: [] },
 *   approvals: [], gates: [], inputs: [], outputs: [], skip_when_accepted: false,
 * });
 * assert.deepEqual(groups[0]!.steps.map((s) => s.kind), ["command", "check"]);
 * ```
 */
export function compileSteps(task: Task): StepGroup[] {
  const groups: StepGroup[] = task.shards.map((shard) => ({
    shard,
    steps: groupSteps(
      shard.commands,
      shard.acceptance,
      shard.paths.preferred.length > 0
        ? shard.paths.preferred
        : task.paths.preferred,
    ),
  }));
  groups.push({
    shard: null,
    steps: groupSteps(task.commands, task.acceptance, task.paths.preferred),
  });
  return groups;
}

/** The checks of a task alone, as its pre-check evaluates them. */
export function acceptanceSteps(task: Task): CheckStep[] {
  return groupSteps([], task.acceptance, task.paths.preferred) as CheckStep[];
}

function groupSteps(
  commands: readonly Command[],
  checks: readonly Check[],
  searchPaths: readonly string[],
): Step[] {
  return [
    ...commands.map((command): Step => ({ kind: "command", command })),
    ...checks.map((check, i): Step => ({
      kind: "check",
      check,
      index: i + 1,
      searchPaths,
    })),
  ];
}

/**
 * Steps: what a task does, compiled from the IR into a flat list that the
 * task runner walks. A shard is a group of steps of its own; a new kind of
 * work (an agent, applying a patch) is a new step kind, not new control flow.
 * @module
 */

import type { Check } from "../plan/check.ts";
import type { Agent, Command, Shard, Task } from "../plan/ir.ts";

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

/**
 * Runs the task's agent in a git worktree until its patch passes
 * `validation` there (the task's commands and checks), or its attempts run out.
 */
export interface AgentStep {
  kind: "agent";
  agent: Agent;
  /** What judges each attempt (or, with shards, their combined change), run inside the worktree. */
  validation: ValidationGroup[];
  /**
   * With shards, each has an agent of its own judged by its own group
   * first (empty: one agent does the whole task).
   */
  shards: { shard: Shard; validation: ValidationGroup[] }[];
}

/** Applies the agent's validated patch to the project, behind the `apply_patch` gate when required. */
export interface ApplyPatchStep {
  kind: "apply_patch";
  gated: boolean;
}

/**
 * The task's acceptance checks evaluated before it starts: when they all
 * hold (and none is `Manual:`), the task is skipped. Records nothing.
 */
export interface PrecheckStep {
  kind: "precheck";
  checks: CheckStep[];
}

/**
 * Every step kind by its name. `engine/steps/` holds a handler for each
 * key, in a record typed from this map: a new kind added here does not
 * compile until it has a handler.
 */
export interface StepKinds {
  command: CommandStep;
  check: CheckStep;
  precheck: PrecheckStep;
  agent: AgentStep;
  apply_patch: ApplyPatchStep;
}

/** The name of a step kind. */
export type StepKind = keyof StepKinds;

/** One step of a task. */
export type Step = StepKinds[StepKind];

/** The steps a validation runs: commands and checks, nothing that could pause or start an agent. */
export type ValidationStep = CommandStep | CheckStep;

/** The steps of the task itself (shard null) or of one of its shards. */
export interface StepGroup<S extends Step = Step> {
  shard: Shard | null;
  steps: S[];
}

/** A group of an agent's validation (see {@link AgentStep}). */
export type ValidationGroup = StepGroup<ValidationStep>;

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
  if (task.agent !== undefined) return agentSteps(task, task.agent);
  return plainSteps(task);
}

/**
 * An agent task: the agent (judged in its worktree by the task's usual
 * steps), then applying its patch, then every acceptance check again in
 * the project.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compileSteps } from "./steps.ts";
 * const paths = { preferred: [], forbidden: [] };
 * const [group] = compileSteps({
 *   id: "T", title: "t", description: "", type: "chore", paths,
 *   commands: [{ name: "test", run: "true" }],
 *   acceptance: [{ kind: "file_exists", path: "x" }],
 *   dependencies: [], shards: [], constraints: { forbidden_paths: [] },
 *   approvals: [], gates: ["apply_patch"], inputs: [], outputs: [], skip_when_accepted: false,
 *   agent: { command: "./agent.sh", preset: null, attempts: 2 },
 * });
 * assert.deepEqual(group!.steps.map((s) => s.kind), ["agent", "apply_patch", "check"]);
 * ```
 */
function agentSteps(task: Task, agent: Agent): StepGroup[] {
  const checks = [
    ...task.shards.flatMap((shard) =>
      checkSteps(
        shard.acceptance,
        shard.paths.preferred.length > 0
          ? shard.paths.preferred
          : task.paths.preferred,
      )
    ),
    ...checkSteps(task.acceptance, task.paths.preferred),
  ];
  // Numbered through, so no two share an output file.
  const numbered = checks.map((c, i) => ({ ...c, index: i + 1 }));
  const groups = plainSteps(task);
  const shards = groups.filter((g) => g.shard !== null);
  return [{
    shard: null,
    steps: [
      {
        kind: "agent",
        agent,
        // Shards judged apart: their combined change by the task's commands
        // and every acceptance check (a later shard may redo an earlier one's
        // command's work, so shard commands are not run again).
        validation: shards.length === 0 ? groups : [{
          shard: null,
          steps: [
            ...task.commands.map((command): ValidationStep => ({
              kind: "command",
              command,
            })),
            ...numbered,
          ],
        }],
        shards: shards.map((g) => ({ shard: g.shard!, validation: [g] })),
      },
      { kind: "apply_patch", gated: task.gates.includes("apply_patch") },
      ...numbered,
    ],
  }];
}

function plainSteps(task: Task): ValidationGroup[] {
  const groups: ValidationGroup[] = task.shards.map((shard) => ({
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

/**
 * The task's pre-check: its own acceptance checks (not its shards').
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { precheckStep } from "./steps.ts";
 * const paths = { preferred: [], forbidden: [] };
 * const step = precheckStep({
 *   id: "T", title: "t", description: "", type: "chore", paths,
 *   commands: [], acceptance: [{ kind: "file_exists", path: "x" }],
 *   dependencies: [], shards: [], constraints: { forbidden_paths: [] },
 *   approvals: [], gates: [], inputs: [], outputs: [], skip_when_accepted: true,
 * });
 * assert.deepEqual(step.checks.map((c) => c.check.kind), ["file_exists"]);
 * ```
 */
export function precheckStep(task: Task): PrecheckStep {
  return {
    kind: "precheck",
    checks: checkSteps(task.acceptance, task.paths.preferred),
  };
}

function groupSteps(
  commands: readonly Command[],
  checks: readonly Check[],
  searchPaths: readonly string[],
): ValidationStep[] {
  return [
    ...commands.map((command): CommandStep => ({ kind: "command", command })),
    ...checkSteps(checks, searchPaths),
  ];
}

function checkSteps(
  checks: readonly Check[],
  searchPaths: readonly string[],
): CheckStep[] {
  return [
    ...checks.map((check, i): CheckStep => ({
      kind: "check",
      check,
      index: i + 1,
      searchPaths,
    })),
  ];
}

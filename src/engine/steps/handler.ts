/**
 * What a step handler is: a function of one step kind that gets the task's
 * workspace and what the run lends it, and returns a typed result. The
 * handlers of all kinds form one record keyed by kind ({@link StepHandlers}):
 * a kind added to `StepKinds` does not compile until it is handled.
 * Feature folders (the agent folder) implement {@link FeatureSteps} and are plugged
 * in by the CLI; the engine imports none of them.
 * @module
 */

import type { PatchState } from "../../events/fold.ts";
import type {
  FailureReason,
  NewEvent,
  PatchSummary,
} from "../../events/types.ts";
import type { Shard, Task } from "../../plan/ir.ts";
import type { StepKind, StepKinds, ValidationGroup } from "../steps.ts";
import type { TaskWorkspace } from "../workspace.ts";
import type { AuditBoard } from "../write_audit.ts";

/** What running a task needs from the run. */
export interface TaskContext {
  runId: string;
  /** Absolute folder for this run's artifacts. */
  artifacts: string;
  /** The same folder relative to the project root (for events). */
  artifactsRelative: string;
  emit: (event: NewEvent) => void;
  /** Aborted on interrupt. */
  interrupt: AbortSignal;
  /** Waits (injectable so tests need not sleep). */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The handlers of the feature steps (default: {@link NO_FEATURES}, a run without agents). */
  features?: FeatureSteps;
  /** The tasks running at once, for the write audit's attribution. */
  audits?: AuditBoard;
  /** `run --stream`: each command's output as it arrives, with whose it is. */
  output?: OutputTap;
}

/** Receives commands' output live (masked), named by task, shard and command. */
export type OutputTap = (
  owner: { task: string; shard: string | null; command: string },
) => (bytes: Uint8Array) => void;

/** A step that went through. */
export interface Done {
  ok: true;
}

/** A step that failed. */
export interface Failed {
  ok: false;
  reason: FailureReason;
  detail: string;
  /**
   * The group goes on with its next steps (a failed check: the remaining
   * checks still run, so one run reports every failing check).
   */
  soft?: true;
}

/** A step that stopped at a gate inside the task, showing this patch. */
export interface Paused {
  ok: "paused";
  gate: string;
  patch: PatchSummary;
}

/** A patch an agent step validated, for the `apply_patch` step. */
export interface ValidatedPatch {
  summary: PatchSummary;
  /** It was validated at an earlier start of this run (so an approval given since binds to it). */
  reused: boolean;
}

/** What each kind's handler returns. */
export interface StepResults {
  command: Done | Failed;
  check: Done | Failed;
  precheck: Done | Failed;
  agent: (Done & { patch: ValidatedPatch }) | Failed;
  apply_patch: Done | Failed | Paused;
}

/** What any step returns. */
export type StepResult = StepResults[StepKind];

/** The outcome of a validation: its commands and checks passed, or what failed. */
export type Validation = Done | Failed;

/**
 * Runs an agent's validation groups (commands and checks only) in the
 * given workspace (a worktree), with their events and output under `ctx`.
 */
export type Validate = (
  groups: readonly ValidationGroup[],
  workspace: TaskWorkspace,
  ctx: TaskContext,
) => Promise<Validation>;

/** Everything a handler gets besides its step. */
export interface StepInput {
  task: Task;
  /** The shard whose group the step belongs to (null: the task's own). */
  shard: Shard | null;
  /** Where and how the step's processes run (the shard's, for a shard's step). */
  workspace: TaskWorkspace;
  ctx: TaskContext;
  /** Aborted by the timebox or an interrupt. */
  signal: AbortSignal;
  /** Gates approved for this task (a `Manual:` check passes when "manual" is among them). */
  approvedGates: ReadonlySet<string>;
  /** The task's definition hash (an agent's patch is bound to it). */
  taskHash: string;
  /** A validated patch of this task from an earlier start in this run. */
  reusePatch: PatchState | null;
  /** The patch an earlier agent step of this task validated (for `apply_patch`). */
  patch: ValidatedPatch | null;
  /** Runs an agent's validation (see {@link Validate}). */
  validate: Validate;
}

/** The handler of one step kind. */
export type StepHandler<K extends StepKind> = (
  step: StepKinds[K],
  input: StepInput,
) => Promise<StepResults[K]>;

/** One handler per step kind. */
export type StepHandlers = { [K in StepKind]: StepHandler<K> };

/** The kinds a feature folder handles (the agent's): plugged in from outside the engine. */
export type FeatureKind = "agent" | "apply_patch";

/** The handlers of the feature kinds. */
export type FeatureSteps = Pick<StepHandlers, FeatureKind>;

/**
 * Runs `step` with its kind's handler.
 *
 * @example
 * ```ts ignore
 * const r = await runStep(handlers, step.kind, step, input);
 * ```
 */
export function runStep<K extends StepKind>(
  handlers: StepHandlers,
  kind: K,
  step: StepKinds[K],
  input: StepInput,
): Promise<StepResults[K]> {
  return handlers[kind](step, input);
}

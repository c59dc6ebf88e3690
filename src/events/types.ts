/**
 * The one union of everything that can happen in a run. The JSONL log, the
 * fold, TASKS.md and the terminal view are all consumers of it.
 * @module
 */

/**
 * Task and shard states. `interrupted`: stopped by Ctrl-C, or running when
 * its run's process died; `resume` runs it again.
 */
export type TaskStateName =
  | "pending"
  | "in_progress"
  | "blocked"
  | "failed"
  | "interrupted"
  | "completed"
  | "skipped";

/** Why a task failed. */
export type FailureReason =
  | "command_failed"
  | "acceptance_failed"
  | "timeout"
  | "interrupted"
  /** Its permissions or the run's `--allow-*` flags refused a program or access. */
  | "permission_denied"
  /** The write audit found a change the task's policy does not allow. */
  | "write_denied"
  | "error"
  /** An agent task used its attempts without a patch that passed its checks. */
  | "agent_failed"
  /** A validated patch could not be applied to the project (conflict, changed file). */
  | "patch_failed";

/** Fields every event carries. */
export interface EventBase {
  /** ISO 8601 UTC time. */
  ts: string;
  /** The run this event belongs to. */
  run: string;
  /** Task id, or null for run-wide events. */
  task: string | null;
  /** Shard id, or null. */
  shard: string | null;
}

/** CI identifiers recorded with a run (GitHub Actions, GitLab, Buildkite, ...). */
export type CiInfo = Record<string, string>;

/** The run started: what it runs and with what. */
export interface RunStartedEvent extends EventBase {
  type: "run_started";
  plan_file: string;
  plan_hash: string;
  /** Per task: hash of its definition and its dependencies' definitions. */
  task_hashes: Record<string, string>;
  tool_version: string;
  deno_version: string;
  /** `--task` target, or null for the whole plan. */
  selection: string | null;
  selected: string[];
  concurrency: number;
  strategy: "conservative" | "keep_going";
  force: boolean;
  ci: CiInfo;
  /**
   * Per selected task, the tasks it depends on (for the report's critical
   * path). Absent in logs written before it was recorded.
   */
  dependencies?: Record<string, string[]>;
  /**
   * How the run takes dependencies it left out of its selection: `only`
   * (`run --task X --only`: each must have completed elsewhere, else X is
   * blocked) or `widen` (a watch re-run: one that did not complete joins
   * the run). Absent when it leaves none out, and in logs written before it
   * was recorded (a resume then tells them apart by the selection's shape).
   */
  partial?: "only" | "widen";
}

/** The plan was loaded and validated. */
export interface PlanValidatedEvent extends EventBase {
  type: "plan_validated";
  plan_hash: string;
  tasks: number;
}

/** On resume, the plan differs from the one the run started with. */
export interface PlanUpdatedEvent extends EventBase {
  type: "plan_updated";
  previous_hash: string;
  plan_hash: string;
  task_hashes: Record<string, string>;
  /** Tasks whose definition (or a dependency's) changed: they run again. */
  changed: string[];
  added: string[];
  removed: string[];
}

/** `resume` continues this run. */
export interface ResumedEvent extends EventBase {
  type: "resumed";
  /** Tasks that will run again (in progress at a crash, failed, blocked, changed). */
  rerun: string[];
}

/** A task started. */
export interface TaskStartedEvent extends EventBase {
  type: "task_started";
}

/** A task completed: every shard, command and check passed. */
export interface TaskCompletedEvent extends EventBase {
  type: "task_completed";
  duration_ms: number;
  /** Up-to-date fingerprint; null when the task declares no inputs. */
  fingerprint: string | null;
}

/** A task failed. */
export interface TaskFailedEvent extends EventBase {
  type: "task_failed";
  duration_ms: number;
  reason: FailureReason;
  detail: string;
}

/**
 * The `reason` of `task_blocked`: the value every log has held (it names
 * the failed task, as `by` does). Nothing compares or shows it: a block is
 * worded from `by` (see `render/reason_text.ts`).
 */
export type BlockedReason =
  | `dependency ${string} failed`
  /** `run --only`: a dependency completed in no run it can read. */
  | `dependency ${string} did not complete in ${string}`;

/**
 * The `reason` of `task_blocked` for a block by the failure of `by`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockedReason } from "./types.ts";
 * assert.equal(blockedReason("BUILD"), "dependency BUILD failed");
 * ```
 */
export function blockedReason(by: string): BlockedReason {
  return `dependency ${by} failed`;
}

/** A task will not run because a dependency failed or is blocked. */
export interface TaskBlockedEvent extends EventBase {
  type: "task_blocked";
  reason: BlockedReason;
  /** The failed task at the root of the block. */
  by: string;
}

/**
 * Why a task was skipped: literal values (the log's, unchanged since the
 * first version), worded for people by `render/reason_text.ts`.
 * - `outside the selection`: a `--task` run left it out;
 * - `up to date`: its fingerprint matched and its acceptance held;
 * - `acceptance already holds`: `skip_when_accepted`, and it did.
 */
export type SkipReason =
  | "outside the selection"
  | "up to date"
  | "acceptance already holds";

/** The `skipped` reason of tasks a `--task` selection leaves out. */
export const OUTSIDE_SELECTION = "outside the selection" satisfies SkipReason;

/** A task was skipped (up to date, acceptance already holds, outside the selection). */
export interface SkippedEvent extends EventBase {
  type: "skipped";
  reason: SkipReason;
  fingerprint: string | null;
}

/** A shard started. */
export interface ShardStartedEvent extends EventBase {
  type: "shard_started";
}

/** A shard completed. */
export interface ShardCompletedEvent extends EventBase {
  type: "shard_completed";
  duration_ms: number;
}

/** A shard failed (its task fails with it). */
export interface ShardFailedEvent extends EventBase {
  type: "shard_failed";
  duration_ms: number;
  reason: FailureReason;
  detail: string;
}

/** One attempt of one command finished. */
export interface CommandRunEvent extends EventBase {
  type: "command_run";
  /** The command's name in the plan (`lint`, `test`, `release`, ...). */
  name: string;
  cmd: string;
  /** Exit code; null when killed by a signal. */
  status: number | null;
  signal: string | null;
  duration_ms: number;
  /** Captured stdout+stderr, relative to the project root; null when the command printed nothing. */
  output: string | null;
  attempt: number;
  attempts: number;
  timed_out: boolean;
  /** Bytes the command printed. */
  output_bytes?: number;
  /** Bytes dropped from the start of the output file (it keeps the last 8 MiB). */
  dropped_bytes?: number;
  /** The run stopped it (Ctrl-C, or the run halting): not a failure of its own. */
  stopped?: boolean;
  /** Processes it left running (a `keep_running` task only): pid and program name. */
  left_running?: { pid: number; command: string }[];
}

/** A failed attempt will be retried after a delay. */
export interface RetryScheduledEvent extends EventBase {
  type: "retry_scheduled";
  name: string;
  attempt: number;
  delay_ms: number;
}

/** An acceptance check passed. */
export interface AcceptancePassedEvent extends EventBase {
  type: "acceptance_passed";
  /** Kind label, e.g. `Tests pass`. */
  check: string;
  /** The whole check, e.g. `Tests pass: cargo test`. */
  detail: string;
  output: string | null;
}

/** An acceptance check failed. */
export interface AcceptanceFailedEvent extends EventBase {
  type: "acceptance_failed";
  check: string;
  detail: string;
  /** What the check found, for people (a message, not a kind: nothing compares it). */
  reason: string;
  output: string | null;
}

/** A task is ready but waits for people to approve its gates. */
export interface AwaitingApprovalEvent extends EventBase {
  type: "awaiting_approval";
  /** Gates not yet approved, e.g. `deploy`, `manual`. */
  gates: string[];
  /** Gates approved before, but for an earlier definition of the task (asked again). */
  stale?: string[];
  /** At `apply_patch`: the patch that waits (its path and diffstat). */
  patch?: PatchSummary;
}

/** `orchestrate approve` granted a gate, for one task or (task null) for all. */
export interface ApprovalGrantedEvent extends EventBase {
  type: "approval_granted";
  gate: string;
  /** Who approved (the user name from the environment). */
  by: string;
  /** The plan the approver saw. */
  plan_hash: string;
  /**
   * Definition hash of each task the approval covers (see
   * `definitionHashes`): a task whose definition changed since must be
   * approved again. Absent in logs written before approvals recorded it.
   */
  task_hashes?: Record<string, string>;
  /** What the approver said (`approve --note`). */
  note?: string;
  /**
   * HMAC of the approval under the approver's key, kept outside the project
   * (see `approval_seal.ts`); an approval without a valid one is refused.
   */
  mac?: string;
}

/**
 * An approval granted in another run (a job of a distributed run, see
 * `orchestrate merge`), carried into the merged run for the record: who
 * approved which gate, where. It grants nothing: only a sealed
 * `approval_granted` of the run itself does.
 */
export interface ApprovalRecordedEvent extends EventBase {
  type: "approval_recorded";
  gate: string;
  /** Who approved, as the granting run recorded it. */
  by: string;
  /** The run the approval was granted in (the job's own run). */
  granted_in: string;
  /** Definition hash of each task the approval covered. */
  task_hashes?: Record<string, string>;
  /** What the approver said. */
  note?: string;
}

/** What an agent's patch changes: the numbers a diffstat shows. */
export interface PatchSummary {
  /** The patch file, relative to the project root. */
  patch: string;
  /** SHA-256 of the patch file's bytes (`sha256:<hex>`). */
  hash: string;
  /** Paths it changes, sorted. */
  files: string[];
  /** Lines added and removed. */
  added: number;
  removed: number;
  /**
   * What its changes are beyond edits, one line each (`rename a -> b`,
   * `mode 100644 -> 100755 x`, `symlink l -> t`, `binary x`, `delete x`);
   * absent when every change is an edit.
   */
  changes?: string[];
}

/** One attempt of a task's agent started in its git worktree. */
export interface AgentStartedEvent extends EventBase {
  type: "agent_started";
  attempt: number;
  attempts: number;
  /** The command line run (a preset's, or the plan's). */
  cmd: string;
  preset: string | null;
  /** The worktree, absolute. */
  worktree: string;
  /** The Markdown brief, relative to the project root. */
  brief: string;
  /** The feedback file given to this attempt; null on the first. */
  feedback: string | null;
}

/** The agent of one attempt exited (what it reported, where a preset reads it). */
export interface AgentFinishedEvent extends EventBase {
  type: "agent_finished";
  attempt: number;
  status: number | null;
  signal: string | null;
  duration_ms: number;
  timed_out: boolean;
  /** Its output, relative to the project root; null when it printed nothing. */
  output: string | null;
  /** As reported by the agent (presets only); null when not reported. */
  session_id: string | null;
  turns: number | null;
  cost_usd: number | null;
  /** The agent said it failed (claude's is_error, codex's turn.failed). */
  reported_error: string | null;
}

/** The change an attempt left in the worktree, captured as a patch. */
export interface PatchProposedEvent extends EventBase, PatchSummary {
  type: "patch_proposed";
  attempt: number;
}

/** Why an agent's attempt did not give a patch to keep. */
export type AttemptFailure =
  | "agent_failed"
  | "no_change"
  | "forbidden_path"
  | "checks_failed"
  | "limit";

/** An attempt failed; the next one (if any) gets `feedback`. */
export interface AgentAttemptFailedEvent extends EventBase {
  type: "agent_attempt_failed";
  attempt: number;
  reason: AttemptFailure;
  detail: string;
  /** The feedback file written for the next attempt, relative; null when none follows. */
  feedback: string | null;
}

/** A patch passed the task's commands and checks in the worktree: it awaits `apply_patch`. */
export interface PatchValidatedEvent extends EventBase, PatchSummary {
  type: "patch_validated";
  attempt: number;
  /** The task's definition hash it was made for (a changed task needs a new patch). */
  task_hash: string;
}

/**
 * The apply step is about to apply this patch (its bytes read and hashed):
 * recorded first, so a resume after a crash reconciles with the working
 * tree instead of applying twice.
 */
export interface PatchApplyingEvent extends EventBase, PatchSummary {
  type: "patch_applying";
}

/** A validated patch was applied to the project with git. */
export interface PatchAppliedEvent extends EventBase, PatchSummary {
  type: "patch_applied";
}

/** The final release build or install step started (task null). */
export interface BuildStartedEvent extends EventBase {
  type: "build_started";
  steps: string[];
}

/** The run was interrupted by a signal. */
export interface InterruptedEvent extends EventBase {
  type: "interrupted";
  signal: string;
  /** Tasks that were running and were stopped. */
  stopped: string[];
}

/**
 * How a run ended: `success` when every selected task completed or was
 * skipped; `failed` when a task failed or is blocked (or a fault outside
 * any task stopped it); `paused` at a gate; `interrupted` by a signal;
 * `error` when a bug of orchestrate stopped it (exit 70).
 */
export type RunOutcome =
  | "success"
  | "failed"
  | "paused"
  | "interrupted"
  | "error";

/** The run ended. */
export interface CompletedEvent extends EventBase {
  type: "completed";
  outcome: RunOutcome;
  duration_ms: number;
  /** Tasks per state (`interrupted` is absent from logs written before it existed). */
  counts: Partial<Record<TaskStateName, number>>;
}

/** Every event of the log. */
export type RunEvent =
  | RunStartedEvent
  | PlanValidatedEvent
  | PlanUpdatedEvent
  | ResumedEvent
  | TaskStartedEvent
  | TaskCompletedEvent
  | TaskFailedEvent
  | TaskBlockedEvent
  | SkippedEvent
  | ShardStartedEvent
  | ShardCompletedEvent
  | ShardFailedEvent
  | CommandRunEvent
  | RetryScheduledEvent
  | AcceptancePassedEvent
  | AcceptanceFailedEvent
  | AwaitingApprovalEvent
  | ApprovalGrantedEvent
  | ApprovalRecordedEvent
  | AgentStartedEvent
  | AgentFinishedEvent
  | PatchProposedEvent
  | AgentAttemptFailedEvent
  | PatchValidatedEvent
  | PatchApplyingEvent
  | PatchAppliedEvent
  | BuildStartedEvent
  | InterruptedEvent
  | CompletedEvent;

/** Event type names. */
export type RunEventType = RunEvent["type"];

/** An event before the log stamps it with `ts` and `run`. */
export type NewEvent = RunEvent extends infer E
  ? E extends RunEvent ? Omit<E, "ts" | "run"> : never
  : never;

/** For exhaustive switches: a new event type that is not handled fails to compile. */
export function unreachable(value: never): never {
  throw new Error(`Internal error: unhandled ${JSON.stringify(value)}`);
}

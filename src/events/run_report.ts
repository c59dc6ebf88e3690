/**
 * The run report: everything `orchestrate report` says about one run,
 * derived from its log (and approvals journal) alone — never from the
 * plan, which may have changed since. Pure: the CLI reads the events, this
 * shapes them, `render/report_md.ts` writes Markdown.
 * @module
 */

import type { RunState, TaskState } from "./fold.ts";
import type {
  ApprovalGrantedEvent,
  ApprovalRecordedEvent,
  CiInfo,
  CommandRunEvent,
  PatchSummary,
  RunEvent,
  TaskStateName,
} from "./types.ts";

/** One command as it ran (output relative to the project root; null when it printed nothing). */
export type ReportedCommand = Pick<
  CommandRunEvent,
  | "name"
  | "cmd"
  | "status"
  | "signal"
  | "duration_ms"
  | "output"
  | "attempt"
  | "attempts"
  | "timed_out"
  | "shard"
>;

/** One acceptance check's result. */
export interface ReportedCheck {
  check: string;
  passed: boolean;
  detail: string;
  /** Why it failed (failed checks only). */
  reason: string | null;
  output: string | null;
  shard: string | null;
}

/** An approval: who, when, for what, bound to which definitions. */
export interface ReportedApproval {
  gate: string;
  /** The task it covers, or null for every task. */
  task: string | null;
  by: string;
  at: string;
  note: string | null;
  /** Per task, the definition hash that was approved. */
  task_hashes: Record<string, string>;
  /**
   * For an approval carried from a job of a distributed run (`merge`):
   * the run it was granted in. Absent for the run's own approvals.
   */
  granted_in?: string;
}

/** One attempt of a task's agent: what it ran, what it reported, what came of it. */
export interface ReportedAgentAttempt {
  /** The shard its agent worked on, or null for the whole task. */
  shard: string | null;
  attempt: number;
  cmd: string;
  preset: string | null;
  status: number | null;
  duration_ms: number | null;
  output: string | null;
  session_id: string | null;
  turns: number | null;
  cost_usd: number | null;
  reported_error: string | null;
  /** The change it left, when it left one. */
  patch: PatchSummary | null;
  /** Why the attempt failed (null: it gave a validated patch, or has not ended). */
  failure: { reason: string; detail: string } | null;
  /** The feedback file this attempt was given (from the second on). */
  feedback: string | null;
}

/** A patch applied to the project, with its diff when the CLI could read it. */
export interface ReportedPatch extends PatchSummary {
  at: string;
  /** The patch text (set by the CLI from the run's folder); null when unreadable. */
  diff: string | null;
}

/** One task in the report. */
export interface ReportedTask {
  id: string;
  state: TaskStateName;
  /** Time spent running it, over every session of the run. */
  duration_ms: number;
  /** Why it failed, is blocked or was skipped. */
  reason: string | null;
  detail: string | null;
  dependencies: string[];
  commands: ReportedCommand[];
  checks: ReportedCheck[];
  approvals: ReportedApproval[];
  /** The gates it waited at, last time it waited. */
  awaited: string[];
  /** The events behind its failure (its last attempt), when it failed. */
  failure_events: RunEvent[];
  agent_attempts: ReportedAgentAttempt[];
  patches_applied: ReportedPatch[];
}

/** The critical path: the chain of tasks that decided how long the run took. */
export interface CriticalPath {
  tasks: string[];
  /** Sum of the chain's task durations. */
  duration_ms: number;
}

/** A whole run, as `report` shows it. */
export interface RunReport {
  run: string;
  /**
   * For a merge shown with `--from` (not recorded): the folder its
   * fragments came from. The run has no log of its own then.
   */
  merged_from?: string;
  plan_file: string | null;
  plan_hash: string | null;
  tool_version: string | null;
  outcome: RunState["outcome"];
  started_at: string | null;
  ended_at: string | null;
  /** From the first event to the last. */
  wall_ms: number;
  /** Time the orchestrator was running (sum over its sessions). */
  active_ms: number;
  /** `run` plus each `resume`. */
  sessions: number;
  counts: Partial<Record<TaskStateName, number>>;
  /** CI identifiers of each session (GitHub Actions run id, ...). */
  ci: CiInfo[];
  critical_path: CriticalPath | null;
  tasks: ReportedTask[];
  /** Damaged lines of the log, as warnings. */
  warnings: string[];
  /**
   * The tasks this run left out of its selection, with their latest result
   * in an earlier run of the plan (the project's state; see `project_state.ts`).
   */
  earlier?: { id: string; state: TaskStateName; run: string }[];
}

/**
 * Shapes a run's folded state, its events and its journal approvals into
 * a report. Deterministic for a given log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "./fold.ts";
 * import { buildRunReport } from "./run_report.ts";
 * const report = buildRunReport("r1", emptyState(), [], [], []);
 * assert.equal(report.tasks.length, 0);
 * assert.equal(report.critical_path, null);
 * ```
 */
export function buildRunReport(
  run: string,
  state: RunState,
  events: readonly RunEvent[],
  journal: readonly ApprovalGrantedEvent[],
  warnings: readonly string[],
): RunReport {
  const tasks = new Map<string, ReportedTask>();
  for (const t of state.tasks.values()) tasks.set(t.id, reportedTask(t));
  const task = (id: string): ReportedTask => {
    let t = tasks.get(id);
    if (t === undefined) {
      t = reportedTask({ id, state: "pending", reason: null, detail: null });
      tasks.set(id, t);
    }
    return t;
  };
  const approvals: ReportedApproval[] = [];
  const ci: CiInfo[] = [];
  const ends = new Map<string, number>();
  /** Events of each task's current attempt, for the failure view. */
  const attempt = new Map<string, RunEvent[]>();
  let toolVersion: string | null = null;
  let activeMs = 0;
  let sessions = 0;
  let knowsDependencies = false;

  for (const e of events) {
    if (e.task !== null && e.type !== "approval_granted") {
      if (e.type === "task_started") attempt.set(e.task, []);
      attempt.get(e.task)?.push(e);
    }
    switch (e.type) {
      case "run_started":
        sessions++;
        toolVersion = e.tool_version;
        if (Object.keys(e.ci).length > 0) ci.push(e.ci);
        if (e.dependencies !== undefined) knowsDependencies = true;
        for (const [id, deps] of Object.entries(e.dependencies ?? {})) {
          task(id).dependencies = [...deps];
        }
        break;
      case "resumed":
        sessions++;
        break;
      case "completed":
        activeMs += e.duration_ms;
        break;
      case "command_run":
        if (e.task === null) break;
        task(e.task).commands.push({
          name: e.name,
          cmd: e.cmd,
          status: e.status,
          signal: e.signal,
          duration_ms: e.duration_ms,
          output: e.output,
          attempt: e.attempt,
          attempts: e.attempts,
          timed_out: e.timed_out,
          shard: e.shard,
        });
        break;
      case "acceptance_passed":
      case "acceptance_failed":
        if (e.task === null) break;
        task(e.task).checks.push({
          check: e.check,
          passed: e.type === "acceptance_passed",
          detail: e.detail,
          reason: e.type === "acceptance_failed" ? e.reason : null,
          output: e.output,
          shard: e.shard,
        });
        break;
      case "awaiting_approval":
        if (e.task !== null) task(e.task).awaited = [...e.gates];
        break;
      case "task_completed":
      case "task_failed":
        if (e.task === null) break;
        task(e.task).duration_ms += e.duration_ms;
        ends.set(e.task, Date.parse(e.ts));
        if (e.type === "task_failed") {
          task(e.task).failure_events = attempt.get(e.task) ?? [e];
        }
        break;
      case "approval_granted":
      case "approval_recorded":
        approvals.push(reportedApproval(e));
        break;
      case "agent_started":
        if (e.task === null) break;
        task(e.task).agent_attempts.push({
          shard: e.shard,
          attempt: e.attempt,
          cmd: e.cmd,
          preset: e.preset,
          status: null,
          duration_ms: null,
          output: null,
          session_id: null,
          turns: null,
          cost_usd: null,
          reported_error: null,
          patch: null,
          failure: null,
          feedback: e.feedback,
        });
        break;
      case "agent_finished": {
        const a = e.task === null
          ? undefined
          // Shards' agents may work at once: their events interleave.
          : task(e.task).agent_attempts.findLast((a) => a.shard === e.shard);
        if (a === undefined) break;
        Object.assign(a, {
          status: e.status,
          duration_ms: e.duration_ms,
          output: e.output,
          session_id: e.session_id,
          turns: e.turns,
          cost_usd: e.cost_usd,
          reported_error: e.reported_error,
        });
        break;
      }
      case "patch_proposed": {
        const a = e.task === null
          ? undefined
          // Shards' agents may work at once: their events interleave.
          : task(e.task).agent_attempts.findLast((a) => a.shard === e.shard);
        if (a !== undefined) a.patch = patchSummary(e);
        break;
      }
      case "agent_attempt_failed": {
        const a = e.task === null
          ? undefined
          // Shards' agents may work at once: their events interleave.
          : task(e.task).agent_attempts.findLast((a) => a.shard === e.shard);
        if (a !== undefined) a.failure = { reason: e.reason, detail: e.detail };
        break;
      }
      case "patch_applied":
        if (e.task === null) break;
        task(e.task).patches_applied.push({
          ...patchSummary(e),
          at: e.ts,
          diff: null,
        });
        break;
    }
  }
  for (const e of journal) approvals.push(reportedApproval(e));
  for (const a of approvals) {
    if (a.task !== null) task(a.task).approvals.push(a);
    else {for (const id of Object.keys(a.task_hashes)) {
        task(id).approvals.push(a);
      }}
  }

  const first = events[0]?.ts ?? null;
  const last = events.at(-1)?.ts ?? null;
  const counts: Partial<Record<TaskStateName, number>> = {};
  for (const t of tasks.values()) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return {
    run,
    plan_file: state.plan_file,
    plan_hash: state.plan_hash,
    tool_version: toolVersion,
    outcome: state.outcome,
    started_at: state.started_at ?? first,
    ended_at: state.ended_at,
    wall_ms: first && last ? Date.parse(last) - Date.parse(first) : 0,
    active_ms: activeMs,
    sessions,
    counts,
    ci,
    critical_path: knowsDependencies ? criticalPath(tasks, ends) : null,
    tasks: [...tasks.values()],
    warnings: [...warnings],
  };
}

function reportedTask(
  t: Pick<TaskState, "id" | "state" | "reason" | "detail">,
): ReportedTask {
  return {
    id: t.id,
    state: t.state,
    duration_ms: 0,
    reason: t.reason,
    detail: t.detail,
    dependencies: [],
    commands: [],
    checks: [],
    approvals: [],
    awaited: [],
    failure_events: [],
    agent_attempts: [],
    patches_applied: [],
  };
}

function patchSummary(p: PatchSummary): PatchSummary {
  return {
    patch: p.patch,
    hash: p.hash,
    files: [...p.files],
    added: p.added,
    removed: p.removed,
  };
}

function reportedApproval(
  e: ApprovalGrantedEvent | ApprovalRecordedEvent,
): ReportedApproval {
  return {
    gate: e.gate,
    task: e.task,
    by: e.by,
    at: e.ts,
    note: e.note ?? null,
    task_hashes: { ...(e.task_hashes ?? {}) },
    ...(e.type === "approval_recorded" ? { granted_in: e.granted_in } : {}),
  };
}

/**
 * The chain that ended last: from the task that finished last, back
 * through the dependency that finished last, to a task with none. Null
 * when no task ran.
 */
function criticalPath(
  tasks: ReadonlyMap<string, ReportedTask>,
  ends: ReadonlyMap<string, number>,
): CriticalPath | null {
  if (ends.size === 0) return null;
  let id = [...ends].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  const chain: string[] = [];
  const seen = new Set<string>();
  for (;;) {
    chain.unshift(id);
    seen.add(id);
    const deps = (tasks.get(id)?.dependencies ?? []).filter((d) =>
      ends.has(d) && !seen.has(d)
    );
    if (deps.length === 0) break;
    id = deps.reduce((a, b) => (ends.get(b)! > ends.get(a)! ? b : a));
  }
  return {
    tasks: chain,
    duration_ms: chain.reduce(
      (n, t) => n + (tasks.get(t)?.duration_ms ?? 0),
      0,
    ),
  };
}

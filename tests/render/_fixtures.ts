/**
 * A small plan and a scripted run of it, shared by the render tests: one
 * task in each state, shards completed and failed.
 * @module
 */

import type { RunEvent } from "../../src/events/types.ts";
import type { Plan, Shard, Task } from "../../src/plan/ir.ts";

/** A run id as `newRunId` makes them. */
export const RUN = "20250922T110314.000Z";

/** The run's log, relative to the project root. */
export const LOG = `.codex/runs/${RUN}.jsonl`;

function shard(id: string, title: string): Shard {
  return {
    id,
    title,
    description: "",
    paths: { preferred: [], forbidden: [] },
    commands: [],
    acceptance: [],
  };
}

function task(
  id: string,
  title: string,
  dependencies: string[] = [],
  shards: Shard[] = [],
): Task {
  return {
    id,
    title,
    description: "",
    type: "chore",
    paths: { preferred: [], forbidden: [] },
    commands: [{ name: "test", run: "true" }],
    acceptance: [],
    dependencies,
    shards,
    constraints: { forbidden_paths: [] },
    approvals: [],
    gates: [],
    inputs: [],
    outputs: [],
    skip_when_accepted: false,
  };
}

/** Six tasks: completed, failed (with shards), blocked, skipped, running, pending. */
export const PLAN: Plan = {
  version: 1,
  project: { name: "demo", root: ".", build: [], final_build: [] },
  orchestrator: {
    strategy: "conservative",
    approvals: { required: [] },
  },
  tasks: [
    task("DOC-001", "Add orchestration PRD"),
    task("EXC-001", "Central exception handling", [], [
      shard("EXC-001A", "Define AppError enum"),
      shard("EXC-001B", "Map anyhow::Error to AppError"),
    ]),
    task("TEST-001", "Error tests", ["EXC-001"], [
      shard("TEST-001A", "Unit tests"),
    ]),
    task("REL-001", "Release notes"),
    task("LINT-001", "Lint *everything*"),
    task("PEND-001", "Later work", ["LINT-001"]),
  ],
};

type Fields<T extends RunEvent["type"]> = Omit<
  Extract<RunEvent, { type: T }>,
  "ts" | "run" | "type"
>;

/** Builds events one second apart, as the engine's log would stamp them. */
export class Script {
  events: RunEvent[] = [];
  #second = 14;

  /** Appends an event of `type` with its fields. */
  add<T extends RunEvent["type"]>(type: T, fields: Fields<T>): this {
    const ts = `2025-09-22T11:03:${
      String(this.#second++).padStart(2, "0")
    }.000Z`;
    this.events.push({ ts, run: RUN, type, ...fields } as unknown as RunEvent);
    return this;
  }
}

/** Fields of a `run_started` of the whole plan `selected`, with `extra` ones. */
export function runStartedFields(
  selected: string[],
  extra: Partial<Fields<"run_started">> = {},
): Fields<"run_started"> {
  return {
    task: null,
    shard: null,
    plan_file: "orchestrator.yml",
    plan_hash: "h",
    task_hashes: {},
    tool_version: "0.1.0",
    deno_version: "2.9.6",
    selection: null,
    selected,
    concurrency: 2,
    strategy: "conservative",
    force: false,
    ci: {},
    ...extra,
  };
}

/** The scripted run of {@link PLAN}, stopped while LINT-001 still runs. */
export function scriptedRun(s: Script = new Script()): RunEvent[] {
  const t = (task: string, shard: string | null = null) => ({ task, shard });
  s.add("run_started", runStartedFields(PLAN.tasks.map((x) => x.id)));
  s.add("task_started", t("DOC-001"));
  s.add("command_run", {
    ...t("DOC-001"),
    name: "test",
    cmd: "true",
    status: 0,
    signal: null,
    duration_ms: 1100,
    output: `.codex/runs/${RUN}/DOC-001.test.1.log`,
    attempt: 1,
    attempts: 1,
    timed_out: false,
  });
  s.add("task_completed", {
    ...t("DOC-001"),
    duration_ms: 1200,
    fingerprint: null,
  });
  s.add("task_started", t("EXC-001"));
  s.add("shard_started", t("EXC-001", "EXC-001A"));
  s.add("shard_completed", { ...t("EXC-001", "EXC-001A"), duration_ms: 850 });
  s.add("shard_started", t("EXC-001", "EXC-001B"));
  s.add("command_run", {
    ...t("EXC-001", "EXC-001B"),
    name: "test",
    cmd: "cargo test",
    status: 1,
    signal: null,
    duration_ms: 2100,
    output: `.codex/runs/${RUN}/EXC-001B.test.1.log`,
    attempt: 1,
    attempts: 2,
    timed_out: false,
  });
  s.add("retry_scheduled", {
    ...t("EXC-001", "EXC-001B"),
    name: "test",
    attempt: 2,
    delay_ms: 1000,
  });
  s.add("command_run", {
    ...t("EXC-001", "EXC-001B"),
    name: "test",
    cmd: "cargo test",
    status: 0,
    signal: null,
    duration_ms: 2000,
    output: `.codex/runs/${RUN}/EXC-001B.test.2.log`,
    attempt: 2,
    attempts: 2,
    timed_out: false,
  });
  s.add("acceptance_failed", {
    ...t("EXC-001", "EXC-001B"),
    check: "Contains",
    detail: "Contains: enum AppError",
    reason: "not found in src/error.rs",
    output: null,
  });
  s.add("shard_failed", {
    ...t("EXC-001", "EXC-001B"),
    duration_ms: 4300,
    reason: "acceptance_failed",
    detail: "Contains: enum AppError",
  });
  s.add("task_failed", {
    ...t("EXC-001"),
    duration_ms: 12_345,
    reason: "acceptance_failed",
    detail: "Contains: enum AppError",
  });
  s.add("task_blocked", {
    ...t("TEST-001"),
    reason: "dependency EXC-001 failed",
    by: "EXC-001",
  });
  s.add("skipped", { ...t("REL-001"), reason: "up to date", fingerprint: "f" });
  s.add("task_started", t("LINT-001"));
  return s.events;
}

/** The run of {@link scriptedRun}, finished: LINT-001 completes, PEND-001 never starts. */
export function finishedRun(): RunEvent[] {
  const s = new Script();
  scriptedRun(s);
  s.add("task_completed", {
    task: "LINT-001",
    shard: null,
    duration_ms: 245_000,
    fingerprint: null,
  });
  s.add("completed", {
    task: null,
    shard: null,
    outcome: "failed",
    duration_ms: 250_000,
    counts: {
      pending: 1,
      in_progress: 0,
      blocked: 1,
      failed: 1,
      completed: 2,
      skipped: 1,
    },
  });
  return s.events;
}

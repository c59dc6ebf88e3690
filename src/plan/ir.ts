/**
 * The intermediate representation: the one normalized shape every plan
 * format compiles into, and the only thing the engine executes. Types come
 * from the zod schema so they cannot drift from it.
 * @module
 */

import { z } from "zod";
import type { Check } from "./check.ts";
import {
  AGENT_PRESETS,
  CheckObjectSchema,
  STRATEGIES,
  TASK_TYPES,
} from "./schema.ts";

const RetryIR = z.strictObject({
  attempts: z.number().int().min(1),
  backoff_ms: z.number().int().min(0),
  max_backoff_ms: z.number().int().min(0),
});

const CommandIR = z.strictObject({
  name: z.string(),
  run: z.string(),
  retry: RetryIR.optional(),
  timeout_ms: z.number().int().optional(),
});

const PathsIR = z.strictObject({
  preferred: z.array(z.string()),
  forbidden: z.array(z.string()),
});

// Permissions (issue 9): as written, each category only when given.
const GrantIR = z.union([z.boolean(), z.array(z.string())]);
const PermissionsIR = z.strictObject({
  run: GrantIR.optional(),
  read: GrantIR.optional(),
  write: GrantIR.optional(),
  env: GrantIR.optional(),
  net: GrantIR.optional(),
});

const ShardIR = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  paths: PathsIR,
  commands: z.array(CommandIR),
  acceptance: z.array(CheckObjectSchema),
  permissions: PermissionsIR.optional(),
});

const AgentIR = z.strictObject({
  command: z.string().nullable(),
  preset: z.enum(AGENT_PRESETS).nullable(),
  attempts: z.number().int().min(1),
  timeout_ms: z.number().int().optional(),
  max_cost_usd: z.number().optional(),
});

const AgentLimitsIR = z.strictObject({
  max_attempts: z.number().int().optional(),
  max_time_ms: z.number().int().optional(),
  max_cost_usd: z.number().optional(),
});

const TaskIR = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  type: z.enum(TASK_TYPES),
  paths: PathsIR,
  commands: z.array(CommandIR),
  acceptance: z.array(CheckObjectSchema),
  dependencies: z.array(z.string()),
  shards: z.array(ShardIR),
  constraints: z.strictObject({
    style: z.string().optional(),
    language: z.string().optional(),
    forbidden_paths: z.array(z.string()),
    timebox_ms: z.number().int().optional(),
  }),
  approvals: z.array(z.string()),
  gates: z.array(z.string()),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
  retry: RetryIR.optional(),
  skip_when_accepted: z.boolean(),
  agent: AgentIR.optional(),
  permissions: PermissionsIR.optional(),
  keep_running: z.literal(true).optional(),
});

/** Schema of the IR; `plan compile` prints a value of this shape. */
export const PlanIRSchema = z.strictObject({
  version: z.literal(1),
  project: z.strictObject({
    name: z.string(),
    root: z.string(),
    language: z.string().optional(),
    build: z.array(CommandIR),
    final_build: z.array(CommandIR),
  }),
  orchestrator: z.strictObject({
    strategy: z.enum(STRATEGIES),
    approvals: z.strictObject({ required: z.array(z.string()) }),
    concurrency: z.number().int().optional(),
    failure_lines: z.number().int().optional(),
    agent_limits: AgentLimitsIR.optional(),
    permissions: PermissionsIR.optional(),
  }),
  tasks: z.array(TaskIR),
});

/** A retry policy of the IR: total attempts and exponential backoff. */
export interface Retry {
  /** Total attempts, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubles after each failure. */
  backoff_ms: number;
  /** Cap on the delay between attempts. */
  max_backoff_ms: number;
}

/** A named command of the IR. */
export interface Command {
  /** Its name in the plan (`lint`, `test`, `build`, ...). */
  name: string;
  /** The command line, run by `sh -c`. */
  run: string;
  /** Its own retry policy, over the task's. */
  retry?: Retry;
  /** Kill it after this long. */
  timeout_ms?: number;
}

/** Files to edit (preferred) and never to touch (forbidden). */
export interface Paths {
  /** Files and folders to edit or create. */
  preferred: string[];
  /** Files and folders never to touch. */
  forbidden: string[];
}

/** One permission category: `true` all, `false` none, or a list (see {@link Permissions}). */
export type Grant = boolean | string[];

/**
 * What a task's processes may do, named like Deno's `--allow-*` flags. A
 * category left out keeps the level above (orchestrator → task); a shard's
 * narrows its task's. Paths are relative to the project root.
 */
export interface Permissions {
  /** Executables: names looked up on PATH, or paths. */
  run?: Grant;
  /** Paths its processes may read. */
  read?: Grant;
  /** Paths its processes may write. */
  write?: Grant;
  /** Environment variable names (`PREFIX_*` allowed) besides PATH, HOME, locale. */
  env?: Grant;
  /** Network: hosts (`host` or `host:port`). */
  net?: Grant;
}

/** A shard of the IR: a sub-task run in order inside its task. */
export interface Shard {
  /** Unique across tasks and shards. */
  id: string;
  /** One line for people. */
  title: string;
  /** Longer text; empty when none. */
  description: string;
  /** Where its work happens. */
  paths: Paths;
  /** Its own commands, in order. */
  commands: Command[];
  /** Its own checks. */
  acceptance: Check[];
  /** Narrows its task's permissions for its own commands and checks. */
  permissions?: Permissions;
}

/**
 * A task's agent, resolved over `orchestrator.agent`: what runs (a command
 * line, or a preset's invocation) and its caps.
 */
export interface Agent {
  /** The command line; null when a preset builds it. */
  command: string | null;
  /** A known agent; null for a plain command (its output is not read). */
  preset: "codex" | "claude" | "aider" | null;
  /** Attempts, the first included (default 2). */
  attempts: number;
  /** Kill one attempt after this long. */
  timeout_ms?: number;
  /** No further attempt once the reported cost reaches this. */
  max_cost_usd?: number;
}

/** Caps on all agents of one run together. */
export interface AgentLimits {
  max_attempts?: number;
  max_time_ms?: number;
  max_cost_usd?: number;
}

/** A task of the IR. */
export interface Task {
  /** Unique across tasks and shards. */
  id: string;
  /** One line for people. */
  title: string;
  /** Longer text; empty when none. */
  description: string;
  /** What kind of work it is. */
  type: "code_change" | "docs" | "test" | "release" | "deploy" | "chore";
  /** Where its work happens. */
  paths: Paths;
  /** Its commands, in order (project build defaults already applied). */
  commands: Command[];
  /** Its acceptance checks. */
  acceptance: Check[];
  /** Ids of tasks that must complete first. */
  dependencies: string[];
  /** Its shards, run in order before its commands. */
  shards: Shard[];
  /** Guidance and limits. */
  constraints: {
    style?: string;
    language?: string;
    forbidden_paths: string[];
    timebox_ms?: number;
  };
  /** Human gates, as written. */
  approvals: string[];
  /**
   * Every gate the task must pass before it runs (derived in `normalize`):
   * its approvals, its type when the plan requires that gate, and `manual`
   * when it or a shard has a `Manual:` check.
   */
  gates: string[];
  /** Globs whose content feeds the up-to-date fingerprint. */
  inputs: string[];
  /** Globs the task produces. */
  outputs: string[];
  /** Retry policy for its commands. */
  retry?: Retry;
  /** Skip the task when its acceptance already holds. */
  skip_when_accepted: boolean;
  /** Present when an agent edits the task's code (in a git worktree). */
  agent?: Agent;
  /** What its processes may do, over the orchestrator's defaults. */
  permissions?: Permissions;
  /** Present (true) when its processes may outlive it: they are reported, not ended. */
  keep_running?: true;
}

/** A validated, normalized plan. Only `loadPlan` produces one. */
export interface Plan {
  /** Plan format version. */
  version: 1;
  /** Project metadata. */
  project: {
    name: string;
    root: string;
    language?: string;
    /** The build commands as written, in order. */
    build: Command[];
    /** Those of them that run once after the DAG (`release`, `install`), in order. */
    final_build: Command[];
  };
  /** Run-wide settings. */
  orchestrator: {
    strategy: "conservative" | "keep_going";
    approvals: { required: string[] };
    concurrency?: number;
    /** Lines of a failing command's output shown under its failure. */
    failure_lines?: number;
    /** Caps on the run's agents together (absent when none is set). */
    agent_limits?: AgentLimits;
    /** Default permissions of every task. */
    permissions?: Permissions;
  };
  /** Tasks in plan order. */
  tasks: Task[];
}

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time proof that the interfaces above and the zod schema agree. */
const _irMatchesSchema: Exact<z.infer<typeof PlanIRSchema>, Plan> = true;
void _irMatchesSchema;

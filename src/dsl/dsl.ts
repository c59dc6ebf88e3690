/**
 * The typed plan DSL for `orchestrator.ts`. Self-contained (no imports) so
 * `orchestrate init --ts` can copy it next to a plan and `deno check` works
 * offline; the orchestrator maps imports of it to its own built-in copy.
 *
 * @example
 * ```ts
 * import { definePlan, defineTask, fileExists, testsPass } from "./dsl.ts";
 * const lib = defineTask({ id: "LIB-001", title: "Library", acceptance: [testsPass("npm test")] });
 * const docs = defineTask({
 *   id: "DOC-001",
 *   title: "Docs",
 *   dependencies: [lib],
 *   acceptance: [fileExists("docs/index.md")],
 * });
 * const plan = definePlan({ version: 1, tasks: [lib, docs] });
 * plan.tasks[1]!.dependencies; // ["LIB-001"]
 * ```
 * @module
 */

/** An acceptance check in its structured form. */
export type CheckDefinition =
  | { kind: "tests_pass"; command: string }
  | { kind: "command"; command: string }
  | { kind: "file_exists"; path: string }
  | { kind: "contains"; text: string; file?: string }
  | { kind: "not_contains"; text: string; file?: string }
  | { kind: "matches"; pattern: string; flags?: string; file?: string }
  | { kind: "manual"; text: string };

/** A duration such as `"90s"`, `"10m"`, `"1h30m"`, `"500ms"`. */
export type Duration = `${number}${"ms" | "s" | "m" | "h"}${string}`;

/** A retry policy: total attempts, or attempts with exponential backoff. */
export type RetryDefinition = number | {
  attempts: number;
  backoff?: Duration;
  max_backoff?: Duration;
};

/** A command line, or one with its own retry policy and timeout. */
export type CommandDefinition = string | {
  run: string;
  retry?: RetryDefinition;
  timeout?: Duration;
};

/** Task types. */
export type TaskType =
  | "code_change"
  | "docs"
  | "test"
  | "release"
  | "deploy"
  | "chore";

/** Paths: a list of preferred paths, or preferred and forbidden ones. */
export type PathsDefinition = string[] | {
  preferred?: string[];
  forbidden?: string[];
};

/**
 * What a task's processes may do, named like Deno's `--allow-*` flags: each
 * category `true` (all), `false` (none) or a list. A category left out keeps
 * the orchestrator's default; a shard's narrows its task's.
 */
export interface Permissions {
  /** Executables: names found on PATH, or paths, e.g. `["git", "cargo"]`. */
  run?: boolean | string[];
  /** Paths (relative to the project root) its processes may read. */
  read?: boolean | string[];
  /** Paths (relative to the project root) its processes may write. */
  write?: boolean | string[];
  /** Variables passed on (besides PATH, HOME, locale, ORCHESTRATE_*); `CARGO_*` allowed. */
  env?: boolean | string[];
  /** Network: `false`, `true`, or hosts such as `"registry.npmjs.org:443"`. */
  net?: boolean | string[];
}

/** A shard: a sub-task run in order inside its task. */
export interface ShardDefinition {
  /** Unique across tasks and shards. */
  id: string;
  /** One line for people. */
  title: string;
  /** Longer text. */
  description?: string;
  /** Where its work happens. */
  paths?: PathsDefinition;
  /** Its own commands, run in declared order. */
  commands?: Record<string, CommandDefinition>;
  /** Its own checks. */
  acceptance?: (string | CheckDefinition)[];
  /** Narrows its task's permissions. */
  permissions?: Permissions;
}

/** A task as `defineTask` takes it; dependencies may be tasks or ids. */
export interface TaskDefinition {
  /** Unique across tasks and shards, e.g. `EXC-001`. */
  id: string;
  /** One line for people. */
  title: string;
  /** Longer text. */
  description?: string;
  /** What kind of work it is (default `chore`). */
  type?: TaskType;
  /** Where its work happens. */
  paths?: PathsDefinition;
  /** Omit to inherit `project.build` lint/test/build; `{}` for none. */
  commands?: Record<string, CommandDefinition>;
  /** Acceptance checks: strings such as `"Tests pass: npm test"` or helper calls. */
  acceptance?: (string | CheckDefinition)[];
  /** Tasks that must complete first: defined tasks or their ids. */
  dependencies?: (string | DefinedTask)[];
  /** Sub-tasks run in order before the task's commands. */
  shards?: ShardDefinition[];
  /** Guidance and limits; `timebox` fails the task when exceeded. */
  constraints?: {
    style?: string;
    language?: string;
    forbidden_paths?: string[];
    timebox?: Duration;
  };
  /** Human gates, e.g. `deploy`. */
  approvals?: string[];
  /** Globs whose content feeds the up-to-date fingerprint. */
  inputs?: string[];
  /** Globs the task produces. */
  outputs?: string[];
  /** Retry policy for the task's commands. */
  retry?: RetryDefinition;
  /** Skip the task when its acceptance checks already pass. */
  skip_when_accepted?: boolean;
  /** What its processes may do (default: the orchestrator's). */
  permissions?: Permissions;
}

/** A task after `defineTask`: dependencies are ids. */
export interface DefinedTask extends Omit<TaskDefinition, "dependencies"> {
  /** Ids of tasks that must complete first. */
  dependencies: string[];
}

/** A whole plan as `definePlan` takes it. */
export interface PlanDefinition {
  /** Plan format version: 1. */
  version: 1;
  /** Project metadata and build defaults (`lint`, `test`, `build`, `release`, `install`). */
  project?: {
    name?: string;
    root?: string;
    language?: string;
    build?: Record<string, CommandDefinition>;
  };
  /** Run-wide settings. */
  orchestrator?: {
    strategy?: "conservative" | "keep_going";
    approvals?: { required?: string[] };
    concurrency?: number;
    retry?: RetryDefinition;
    /** Default permissions of every task. */
    permissions?: Permissions;
  };
  /** The tasks, in plan order. */
  tasks: (TaskDefinition | DefinedTask)[];
}

/** A plan after `definePlan`: every dependency is an id. */
export interface DefinedPlan extends Omit<PlanDefinition, "tasks"> {
  /** The tasks, dependencies as ids. */
  tasks: DefinedTask[];
}

/**
 * Defines a task. Dependencies may be other defined tasks, so a typo in a
 * dependency is a type error rather than a validation error.
 *
 * @example
 * ```ts
 * import { defineTask } from "./dsl.ts";
 * const a = defineTask({ id: "A", title: "First" });
 * defineTask({ id: "B", title: "Second", dependencies: [a] }).dependencies; // ["A"]
 * ```
 */
export function defineTask(task: TaskDefinition): DefinedTask {
  const { dependencies, ...rest } = task;
  return {
    ...rest,
    dependencies: (dependencies ?? []).map((
      d,
    ) => (typeof d === "string" ? d : d.id)),
  };
}

/**
 * Defines a plan; the default export of `orchestrator.ts`.
 *
 * @example
 * ```ts
 * import { definePlan } from "./dsl.ts";
 * definePlan({ version: 1, tasks: [{ id: "A", title: "First" }] }).tasks[0]!.id; // "A"
 * ```
 */
export function definePlan(plan: PlanDefinition): DefinedPlan {
  return {
    ...plan,
    tasks: plan.tasks.map((t) => defineTask(t as TaskDefinition)),
  };
}

/**
 * Check: the command exits 0 (`Tests pass: <command>`).
 *
 * @example
 * ```ts
 * import { testsPass } from "./dsl.ts";
 * testsPass("cargo test"); // { kind: "tests_pass", command: "cargo test" }
 * ```
 */
export function testsPass(command: string): CheckDefinition {
  return { kind: "tests_pass", command };
}

/**
 * Check: the command exits 0 (`Command: <command>`).
 *
 * @example
 * ```ts
 * import { command } from "./dsl.ts";
 * command("test -d dist"); // { kind: "command", command: "test -d dist" }
 * ```
 */
export function command(command: string): CheckDefinition {
  return { kind: "command", command };
}

/**
 * Check: a file matching the path or glob exists (`File exists: <path>`).
 *
 * @example
 * ```ts
 * import { fileExists } from "./dsl.ts";
 * fileExists("src/error.rs"); // { kind: "file_exists", path: "src/error.rs" }
 * ```
 */
export function fileExists(path: string): CheckDefinition {
  return { kind: "file_exists", path };
}

/**
 * Check: the text occurs in `file`, or in the task's paths (`Contains: <text>`).
 *
 * @example
 * ```ts
 * import { contains } from "./dsl.ts";
 * contains("enum AppError"); // { kind: "contains", text: "enum AppError" }
 * ```
 */
export function contains(text: string, file?: string): CheckDefinition {
  return file === undefined
    ? { kind: "contains", text }
    : { kind: "contains", text, file };
}

/**
 * Check: the text occurs nowhere in `file` or the task's paths.
 *
 * @example
 * ```ts
 * import { notContains } from "./dsl.ts";
 * notContains("TODO"); // { kind: "not_contains", text: "TODO" }
 * ```
 */
export function notContains(text: string, file?: string): CheckDefinition {
  return file === undefined
    ? { kind: "not_contains", text }
    : { kind: "not_contains", text, file };
}

/**
 * Check: the regular expression matches in `file` or the task's paths.
 *
 * @example
 * ```ts
 * import { matches } from "./dsl.ts";
 * matches(/fn main/); // { kind: "matches", pattern: "fn main" }
 * ```
 */
export function matches(pattern: RegExp, file?: string): CheckDefinition {
  const check: CheckDefinition = { kind: "matches", pattern: pattern.source };
  if (pattern.flags) check.flags = pattern.flags;
  if (file !== undefined) check.file = file;
  return check;
}

/**
 * Check verified by a person: becomes an approval gate.
 *
 * @example
 * ```ts
 * import { manual } from "./dsl.ts";
 * manual("UI reviewed"); // { kind: "manual", text: "UI reviewed" }
 * ```
 */
export function manual(text: string): CheckDefinition {
  return { kind: "manual", text };
}

/**
 * The typed plan DSL for `orchestrator.ts`. Self-contained (no imports) so
 * `orchestrate init --ts` can copy it next to a plan and `deno check` works
 * offline; the orchestrator maps imports of it to its own built-in copy.
 *
 * The types reject, at `deno check` time, what `orchestrate plan validate`
 * would reject where TypeScript can say so: durations without a unit
 * ({@link Duration}), check strings with an unknown prefix
 * ({@link CheckString}), unknown task types, dependencies on ids no listed
 * task has, and gates the plan does not declare.
 *
 * @example
 * ```ts
 * import { definePlan, defineTask, fileExists, testsPass } from "orchestrate";
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

/**
 * An acceptance check in its structured form, as the check helpers
 * ({@link testsPass}, {@link fileExists}, ...) build it.
 *
 * @example
 * ```ts
 * import type { CheckDefinition } from "orchestrate";
 * const check: CheckDefinition = { kind: "contains", text: "mod error;", file: "src/lib.rs" };
 * ```
 */
export type CheckDefinition =
  | { kind: "tests_pass"; command: string }
  | { kind: "command"; command: string }
  | { kind: "file_exists"; path: string }
  | { kind: "contains"; text: string; file?: string }
  | { kind: "not_contains"; text: string; file?: string }
  | { kind: "matches"; pattern: string; flags?: string; file?: string }
  | { kind: "manual"; text: string };

/**
 * An acceptance check written as one line: a known prefix, a colon and a
 * space, then the argument. `Contains`, `Not contains` and `Matches` may name
 * a file with `in <path>` before the colon.
 *
 * @example
 * ```ts
 * import type { CheckString } from "orchestrate";
 * const checks: CheckString[] = [
 *   "Tests pass: npm test",
 *   "Command: test -d dist",
 *   "File exists: src/error.rs",
 *   "Contains in src/lib.rs: mod error;",
 *   "Not contains: TODO",
 *   "Matches: /fn \\w+/i",
 *   "Manual: the UI was reviewed",
 * ];
 * ```
 */
export type CheckString =
  | `Tests pass: ${string}`
  | `Command: ${string}`
  | `File exists: ${string}`
  | `Manual: ${string}`
  | `${"Contains" | "Not contains" | "Matches"}${
    | ""
    | ` in ${string}`}: ${string}`;

/**
 * One acceptance check: a {@link CheckString} such as `"Tests pass: npm test"`,
 * or a {@link CheckDefinition} from a helper such as `testsPass("npm test")`.
 */
export type AcceptanceCheck = CheckString | CheckDefinition;

/** The units of a {@link Duration}: milliseconds, seconds, minutes, hours. */
export type DurationUnit = "ms" | "s" | "m" | "h";

/**
 * A duration: a whole number and a unit, up to three such parts:
 * `"500ms"`, `"90s"`, `"10m"`, `"1h30m"`, `"2m05s"`, `"1h30m15s"`.
 * Rejected, as `plan validate` rejects them: `"10 minutes"`, `"1.5h"`,
 * `"-5s"`, `"10mins"`, `"90"`. A string built at run time (`` `${n}m` ``)
 * needs `as Duration`; `plan validate` still checks it.
 *
 * @example
 * ```ts
 * import type { Duration } from "orchestrate";
 * const timebox: Duration = "1h30m";
 * ```
 */
export type Duration =
  & (
    | `${bigint}${DurationUnit}`
    | `${bigint}${DurationUnit}${bigint | `0${bigint}`}${DurationUnit}`
    | `${bigint}${DurationUnit}${bigint | `0${bigint}`}${DurationUnit}${
      | bigint
      | `0${bigint}`}${DurationUnit}`
  )
  // `${bigint}` also matches "-5": the first part must start with a digit.
  & `${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}${string}`;

/**
 * A retry policy for transient failures: how many times a failed command
 * is retried (0 to 99; `2` means up to three attempts), or the total number
 * of attempts (the first included) with an exponential backoff.
 * Default: no retry.
 *
 * @example
 * ```ts
 * import type { RetryDefinition } from "orchestrate";
 * const twice: RetryDefinition = 2; // retried twice: at most 3 attempts
 * const patient: RetryDefinition = { attempts: 5, backoff: "2s", max_backoff: "1m" };
 * ```
 */
export type RetryDefinition = number | RetryPolicy;

/**
 * The object form of a {@link RetryDefinition}.
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from "orchestrate";
 * const policy: RetryPolicy = { attempts: 3, backoff: "500ms" };
 * ```
 */
export interface RetryPolicy {
  /** Total attempts, the first included: 1 to 100. Example: `3`. */
  attempts: number;
  /**
   * Delay before the second attempt; it doubles before each further one.
   * Default `"1s"`. Example: `"500ms"`.
   */
  backoff?: Duration;
  /** Cap on the delay between attempts. Default `"30s"`. Example: `"1m"`. */
  max_backoff?: Duration;
}

/**
 * A command: a shell command line, or one with its own retry policy and
 * timeout.
 *
 * @example
 * ```ts
 * import type { CommandDefinition } from "orchestrate";
 * const lint: CommandDefinition = "deno lint";
 * const e2e: CommandDefinition = { run: "npm run e2e", retry: 2, timeout: "10m" };
 * ```
 */
export type CommandDefinition = string | CommandPolicy;

/**
 * The object form of a {@link CommandDefinition}.
 *
 * @example
 * ```ts
 * import type { CommandPolicy } from "orchestrate";
 * const flaky: CommandPolicy = { run: "npm test", retry: { attempts: 3, backoff: "2s" } };
 * ```
 */
export interface CommandPolicy {
  /** The command line, run by the shell in the project root. Example: `"npm test"`. */
  run: string;
  /**
   * Retry policy of this command. Default: the task's `retry`, else the
   * plan's `orchestrator.retry`, else one attempt. Example: `2`.
   */
  retry?: RetryDefinition;
  /**
   * Kill the command (and what it started) after this long; longer than zero.
   * Default: no timeout. Example: `"10m"`.
   */
  timeout?: Duration;
}

/**
 * Named commands, run in the order written. A name is a letter, then
 * letters, digits, `_` or `-`.
 *
 * @example
 * ```ts
 * import type { Commands } from "orchestrate";
 * const commands: Commands = { lint: "deno lint", test: { run: "deno test", timeout: "5m" } };
 * ```
 */
export type Commands = Readonly<Record<string, CommandDefinition>>;

/** Task types, in the order of the PRD. Default `"chore"`. */
export type TaskType =
  | "code_change"
  | "docs"
  | "test"
  | "release"
  | "deploy"
  | "chore";

/** How a run reacts to a failed task (see {@link OrchestratorDefinition}). */
export type Strategy = "conservative" | "keep_going";

/**
/**
 * What a task's processes may do, named like Deno's `--allow-*` flags: each
 * category `true` (all), `false` (none) or a list. A category left out keeps
 * the orchestrator's default; a shard's narrows its task's.
 *
 * @example
 * ```ts
 * import type { Permissions } from "orchestrate";
 * const permissions: Permissions = { run: ["cargo"], write: ["target"], net: false };
 * ```
 */
export interface Permissions {
  /** Executables: names found on PATH, or paths. Default: any. Example: `["git", "cargo"]`. */
  run?: boolean | readonly string[];
  /** Paths (relative to the project root) its processes may read. Default: all. Example: `["src"]`. */
  read?: boolean | readonly string[];
  /**
   * Paths (relative to the project root) its processes may write. Default:
   * the project and tool caches in HOME. Example: `["target"]`.
   */
  write?: boolean | readonly string[];
  /**
   * Variables passed on (besides PATH, HOME, locale);
   * `CARGO_*` allowed. Default: all but secret-looking ones. Example: `["CARGO_HOME"]`.
   */
  env?: boolean | readonly string[];
  /** Network: `false`, `true`, or hosts. Default `true`. Example: `["registry.npmjs.org:443"]`. */
  net?: boolean | readonly string[];
}

/**
 * Where a task's work happens: a list of preferred paths, or preferred and
 * forbidden ones. Paths are relative to the project root; globs allowed.
 * `Contains:`-style checks without a file search the preferred paths.
 *
 * @example
 * ```ts
 * import type { PathsDefinition } from "orchestrate";
 * const short: PathsDefinition = ["src/error.rs"];
 * const full: PathsDefinition = { preferred: ["src/"], forbidden: ["vendor/"] };
 * ```
 */
export type PathsDefinition = readonly string[] | PathsPolicy;

/** The object form of a {@link PathsDefinition}. */
export interface PathsPolicy {
  /** Files and folders to edit or create. Default `[]`. Example: `["src/lib.rs"]`. */
  preferred?: readonly string[];
  /** Files and folders never to touch. Default `[]`. Example: `["vendor/"]`. */
  forbidden?: readonly string[];
}

/**
 * An agent that edits a task's code: a command line or a known agent, and
 * its caps.
 *
 * @example
 * ```ts
 * import type { AgentDefinition } from "orchestrate";
 * const agent: AgentDefinition = { preset: "claude", attempts: 3, timeout: "20m" };
 * ```
 */
export interface AgentDefinition {
  /**
   * Any command line, run in the task's git worktree with the brief on
   * stdin. Default: the plan's `orchestrator.agent`. Example: `"./agent.sh"`.
   */
  command?: string;
  /** A known agent's headless invocation. Default: none. Example: `"codex"`. */
  preset?: "codex" | "claude" | "aider";
  /** Attempts, the first included. Default `2`. Example: `3`. */
  attempts?: number;
  /** Kill one attempt after this long. Default: no limit. Example: `"20m"`. */
  timeout?: Duration;
  /**
   * No further attempt once the agent reported this much cost (USD).
   * Default: no cap. Example: `2.5`.
   */
  max_cost_usd?: number;
}

/**
 * Run-wide agent defaults, and caps on all agents of a run together.
 *
 * @example
 * ```ts
 * import type { AgentDefaultsDefinition } from "orchestrate";
 * const agent: AgentDefaultsDefinition = { preset: "codex", run_max_cost_usd: 10 };
 * ```
 */
export interface AgentDefaultsDefinition extends AgentDefinition {
  /** Agent attempts across the whole run. Default: no cap. Example: `10`. */
  run_max_attempts?: number;
  /** Agent time across the whole run. Default: no cap. Example: `"2h"`. */
  run_max_time?: Duration;
  /** Reported agent cost across the whole run (USD). Default: no cap. Example: `10`. */
  run_max_cost_usd?: number;
}

/**
 * Guidance and limits for whoever does a task's work.
 *
 * @example
 * ```ts
 * import type { ConstraintsDefinition } from "orchestrate";
 * const constraints: ConstraintsDefinition = { language: "Rust 2021", timebox: "30m" };
 * ```
 */
export interface ConstraintsDefinition {
  /** Style guidance, free text. Default: none. Example: `"thiserror enums, no unwrap"`. */
  style?: string;
  /** Language or toolchain to use, free text. Default: none. Example: `"Rust 2021"`. */
  language?: string;
  /**
   * Paths the task must not change, relative to the project root. Default
   * `[]`. Example: `["Cargo.lock"]`.
   */
  forbidden_paths?: readonly string[];
  /**
   * Fail the task (reason `timeout`) when it runs longer than this; longer
   * than zero. Default: no limit. Example: `"30m"`.
   */
  timebox?: Duration;
}

/**
 * A shard: a sub-task run, in order, inside its task before the task's own
 * commands.
 *
 * @example
 * ```ts
 * import type { ShardDefinition } from "orchestrate";
 * const shard: ShardDefinition = {
 *   id: "EXC-001A",
 *   title: "Error enum",
 *   commands: { build: "cargo build" },
 *   acceptance: ["Contains in src/error.rs: enum AppError"],
 * };
 * ```
 */
export interface ShardDefinition<Id extends string = string> {
  /** Unique across tasks and shards: a letter, then letters, digits, `_`, `-` or `.`. Example: `"EXC-001A"`. */
  id: Id;
  /** One line for people. Example: `"Error enum"`. */
  title: string;
  /** Longer text for people. Default `""`. Example: `"Replace panics with AppError."`. */
  description?: string;
  /** Where its work happens. Default: the task's paths. Example: `["src/error.rs"]`. */
  paths?: PathsDefinition;
  /** Its own commands, run in the order written. Default: none. Example: `{ build: "cargo build" }`. */
  commands?: Commands;
  /** Its own checks. Default: none. Example: `["File exists: src/error.rs"]`. */
  acceptance?: readonly AcceptanceCheck[];
  /**
   * Narrows its task's permissions. Default: the task's. Example:
   * `{ write: ["docs"] }`.
   */
  permissions?: Permissions;
}

/**
 * A task as {@link defineTask} takes it. The type parameters are inferred:
 * `Id` is the task's id, `Dep` the ids it depends on and `Gate` its gates,
 * so {@link definePlan} can check them against the plan.
 *
 * @example
 * ```ts
 * import type { TaskDefinition } from "orchestrate";
 * const task: TaskDefinition = {
 *   id: "EXC-001",
 *   title: "Typed errors",
 *   type: "code_change",
 *   acceptance: ["Tests pass: cargo test"],
 * };
 * ```
 */
export interface TaskDefinition<
  Id extends string = string,
  Dep extends string = string,
  Gate extends string = string,
> {
  /**
   * Unique across tasks and shards: a letter, then letters, digits, `_`,
   * `-` or `.`. Example: `"EXC-001"`.
   */
  id: Id;
  /** One line for people. Example: `"Typed errors"`. */
  title: string;
  /** Longer text for people. Default `""`. Example: `"Replace panics with AppError."`. */
  description?: string;
  /**
   * What kind of work it is. Default `"chore"`. A `deploy` or `release`
   * task also waits at the gate of its type when the plan lists that gate in
   * `orchestrator.approvals.required`. Example: `"code_change"`.
   */
  type?: TaskType;
  /** Where its work happens. Default `[]`. Example: `{ preferred: ["src/"] }`. */
  paths?: PathsDefinition;
  /**
   * Commands run in the order written. Default: the project's `build`
   * commands `lint`, `test` and `build`; `{}` runs none.
   * Example: `{ test: "cargo test" }`.
   */
  commands?: Commands;
  /**
   * What must hold once the commands ran. Default: none.
   * Example: `["Tests pass: cargo test", fileExists("src/error.rs")]`.
   */
  acceptance?: readonly AcceptanceCheck[];
  /**
   * Tasks that must complete first: tasks from {@link defineTask}, or ids.
   * Default `[]`. Example: `[core, "DOC-001"]`.
   */
  dependencies?: readonly (Dep | DefinedTask<Dep>)[];
  /**
   * Sub-tasks run in order before the task's commands. Default `[]`.
   * Example: `[{ id: "EXC-001A", title: "Error enum" }]`.
   */
  shards?: readonly ShardDefinition[];
  /** Guidance and limits. Default: none. Example: `{ timebox: "30m" }`. */
  constraints?: ConstraintsDefinition;
  /**
   * Gates a person opens (`orchestrate approve <gate>`) before the task
   * runs. Default `[]`. Example: `["deploy"]`.
   */
  approvals?: readonly Gate[];
  /**
   * Globs whose content feeds the task's fingerprint: an unchanged
   * fingerprint makes a later run skip the task. Default `[]`.
   * Example: `["src/**"]`.
   */
  inputs?: readonly string[];
  /** Globs of the files the task produces. Default `[]`. Example: `["dist/**"]`. */
  outputs?: readonly string[];
  /**
   * Retry policy of the task's commands. Default: the plan's
   * `orchestrator.retry`, else one attempt. Example: `{ attempts: 2, backoff: "5s" }`.
   */
  retry?: RetryDefinition;
  /**
   * Skip the task when its acceptance checks already pass before it runs.
   * Default `false`. Example: `true`.
   */
  skip_when_accepted?: boolean;
  /**
   * Its commands may leave processes running after the task ends (a
   * service started for later tasks); the run reports what each command
   * left. Default `false`: every process a command starts ends with it.
   * Example: `true`.
   */
  keep_running?: boolean;
  /**
   * Let an agent edit the code: `true` (the plan's `orchestrator.agent`
   * defaults) or its own settings. Default: no agent. Example:
   * `{ preset: "claude", attempts: 3 }`.
   */
  agent?: true | AgentDefinition;
  /**
   * What its processes may do. Default: the orchestrator's `permissions`.
   * Example: `{ run: ["cargo"], net: false }`.
   */
  permissions?: Permissions;
}

/**
 * A task after {@link defineTask}: its id keeps its literal type and its
 * dependencies are ids.
 *
 * @example
 * ```ts
 * import { type DefinedTask, defineTask } from "orchestrate";
 * const task: DefinedTask<"A"> = defineTask({ id: "A", title: "First" });
 * ```
 */
export interface DefinedTask<
  Id extends string = string,
  Dep extends string = string,
  Gate extends string = string,
> extends Omit<TaskDefinition<Id, Dep, Gate>, "dependencies"> {
  /** Ids of the tasks that must complete first. */
  dependencies: Dep[];
}

/** A task in a plan's `tasks`: defined with {@link defineTask} or written inline. */
export type PlanTask =
  | TaskDefinition<string, string, string>
  | DefinedTask<string, string, string>;

/**
 * The ids of a list of tasks, for typing dependency lists of your own.
 *
 * @example
 * ```ts
 * import { defineTask, type TaskIds } from "orchestrate";
 * const tasks = [defineTask({ id: "A", title: "a" }), defineTask({ id: "B", title: "b" })] as const;
 * const first: TaskIds<typeof tasks> = "A";
 * ```
 */
export type TaskIds<
  Tasks extends
    | readonly { id: string }[]
    | { readonly tasks: readonly { id: string }[] },
> = Tasks extends readonly { id: string }[] ? Tasks[number]["id"]
  : Tasks extends
    { readonly tasks: readonly (infer T extends { id: string })[] } ? T["id"]
  : never;

/**
 * Project metadata and build defaults.
 *
 * @example
 * ```ts
 * import type { ProjectDefinition } from "orchestrate";
 * const project: ProjectDefinition = { name: "api", build: { lint: "cargo clippy", test: "cargo test" } };
 * ```
 */
export interface ProjectDefinition {
  /** Name shown in TASKS.md and reports. Default: the project folder's name. Example: `"api"`. */
  name?: string;
  /**
   * The project root, relative to the plan file: commands run and paths
   * resolve there. Default `"."`. Example: `"services/api"`.
   */
  root?: string;
  /** Main language, for people. Default: none. Example: `"rust"`. */
  language?: string;
  /**
   * Build commands: `lint`, `test` and `build` run in each task that omits
   * `commands`; `release` and `install` run once, after every task is done.
   * Default: none. Example: `{ test: "cargo test", release: "cargo build --release" }`.
   */
  build?: Commands;
}

/**
 * The gates a plan declares.
 *
 * @example
 * ```ts
 * import type { ApprovalsDefinition } from "orchestrate";
 * const approvals: ApprovalsDefinition = { required: ["deploy", "review"] };
 * ```
 */
export interface ApprovalsDefinition<Gate extends string = string> {
  /**
   * Gates of the plan. `deploy` and `release` here make every task of that
   * type wait for `orchestrate approve <type>`. Once declared, the tasks'
   * `approvals` must name only these gates (checked by `deno check`).
   * Default `[]`. Example: `["deploy"]`.
   */
  required?: readonly Gate[];
}

/**
 * Run-wide settings.
 *
 * @example
 * ```ts
 * import type { OrchestratorDefinition } from "orchestrate";
 * const orchestrator: OrchestratorDefinition = { strategy: "keep_going", concurrency: 4, retry: 2 };
 * ```
 */
export interface OrchestratorDefinition<Gate extends string = string> {
  /**
   * After a failure: `conservative` starts no further task; `keep_going`
   * keeps running the tasks that do not depend on it. Default
   * `"conservative"`. Example: `"keep_going"`.
   */
  strategy?: Strategy;
  /** The plan's gates. Default: none. Example: `{ required: ["deploy"] }`. */
  approvals?: ApprovalsDefinition<Gate>;
  /**
   * Most tasks running at once (whole number, at least 1); `run
   * --concurrency N` overrides it. Default: the number of CPU cores. Example: `2`.
   */
  concurrency?: number;
  /**
   * Lines of a failing command's output shown under its failure on the
   * terminal and in `status` (whole number, 0 for none); `run
   * --failure-lines N` overrides it. Default: `20`. Example: `50`.
   */
  failure_lines?: number;
  /** Retry policy of every task without its own `retry`. Default: one attempt. Example: `2`. */
  retry?: RetryDefinition;
  /**
   * Agent defaults for tasks with `agent: true`, and caps on all agents of a
   * run together. Default: none. Example: `{ preset: "claude", run_max_cost_usd: 5 }`.
   */
  agent?: AgentDefaultsDefinition;
  /**
   * Default permissions of every task's processes. Default: see the README's
   * security model. Example: `{ net: false }`.
   */
  permissions?: Permissions;
}

/**
 * A whole plan as {@link definePlan} takes it.
 *
 * @example
 * ```ts
 * import type { PlanDefinition } from "orchestrate";
 * const plan: PlanDefinition = { version: 1, tasks: [{ id: "A", title: "First" }] };
 * ```
 */
export interface PlanDefinition<
  Tasks extends readonly PlanTask[] = readonly PlanTask[],
  Gate extends string = string,
  Orchestrator = OrchestratorDefinition<Gate>,
> {
  /** Plan format version: always `1`. Example: `1`. */
  version: 1;
  /** Project metadata and build defaults. Default: none. Example: `{ name: "api" }`. */
  project?: ProjectDefinition;
  /** Run-wide settings. Default: none. Example: `{ strategy: "keep_going" }`. */
  orchestrator?: Orchestrator;
  /**
   * The tasks, in plan order. Every task another one depends on must be
   * listed. Example: `[core, docs]`.
   */
  tasks: Tasks;
}

/**
 * A plan after {@link definePlan}: every dependency is an id, and the
 * tasks' ids keep their literal types (`TaskIds<typeof plan>`).
 *
 * @example
 * ```ts
 * import { type DefinedPlan, definePlan } from "orchestrate";
 * const plan: DefinedPlan<"A"> = definePlan({ version: 1, tasks: [{ id: "A", title: "a" }] });
 * ```
 */
export interface DefinedPlan<Id extends string = string>
  extends Omit<PlanDefinition, "tasks"> {
  /** The tasks, dependencies as ids. */
  tasks: DefinedTask<Id>[];
}

/**
 * A dependency a plan accepts: the id of one of its tasks, or the task.
 * Type errors name it when a dependency is not a task of the plan.
 */
export type DependencyOn<Id extends string> = Id | { readonly id: Id };

/** Marks a key a task does not have (a misspelt field); its value must be absent. */
export type UnknownTaskField = never;

/**
 * What `deno check` shows for a dependency on an id no listed task has:
 * the expected type of the failing task's `dependencies` reads
 * `unknown dependency "PKG-utlis"`.
 */
export type UnknownDependency<Id extends string> = `unknown dependency "${Id}"`;

/**
 * What `deno check` shows for a task gate that
 * `orchestrator.approvals.required` does not list.
 */
export type UndeclaredGate<Gate extends string> =
  `gate "${Gate}" is not in orchestrator.approvals.required`;

/**
 * `string` when `S` has a non-literal member (plain `string`,
 * `` `GEN-${number}` ``), else `never`: such ids and gates are left to
 * `plan validate`.
 */
export type UncheckedString<S> = S extends unknown
  ? (Record<never, never> extends Record<S & string, 1> ? string : never)
  : never;

/** The literal members of `S` (what `deno check` can check). */
export type LiteralString<S> = S extends unknown
  ? (Record<never, never> extends Record<S & string, 1> ? never : S)
  : never;

/** The ids a task depends on (of every member, for a union of tasks). */
export type DependencyIds<T> = T extends
  { dependencies?: readonly (infer D)[] | undefined }
  ? D extends { id: infer I } ? I : D
  : never;

/** The gates a task waits at (of every member, for a union of tasks). */
export type GateNames<T> = T extends
  { approvals?: readonly (infer G)[] | undefined } ? G
  : never;

/** `T`'s literal dependencies that no id in `Ids` matches. */
export type BadDependencies<T, Ids extends string> = Extract<
  Exclude<
    LiteralString<DependencyIds<T>>,
    Ids
  >,
  string
>;

/** `T`'s literal gates that `Gate` does not list (none while `Gate` is `string`). */
export type BadGates<T, Gate extends string> = string extends Gate ? never
  : Extract<Exclude<LiteralString<GateNames<T>>, Gate>, string>;

/**
 * A listed task as the plan accepts it: dependencies on listed ids, gates
 * the plan declares, no unknown fields. A task that breaks a rule gets, for
 * the list at fault, an expected type that names the mistake
 * ({@link UnknownDependency}, {@link UndeclaredGate}). Plain `string`
 * dependencies and gates are left to `plan validate`.
 */
export type CheckedTask<T, Ids extends string, Gate extends string> = T extends
  unknown ?
    & T
    & ([BadDependencies<T, Ids>] extends [never] ? unknown
      : {
        dependencies?: readonly UnknownDependency<BadDependencies<T, Ids>>[];
      })
    & ([BadGates<T, Gate>] extends [never] ? unknown
      : { approvals?: readonly UndeclaredGate<BadGates<T, Gate>>[] })
    & { [F in Exclude<keyof T, keyof PlanTask>]: UnknownTaskField }
  : never;

/** The ids of the tasks of a list of any shape (tuple, array, spreads). */
export type ListedIds<Tasks extends readonly PlanTask[]> = Tasks[number]["id"];

/**
 * The plan's tasks as {@link definePlan} checks them, position by position:
 * each one a {@link CheckedTask} against the ids of the whole list.
 */
export type CheckedTasks<
  Tasks extends readonly PlanTask[],
  Gate extends string,
  // The ids are a parameter of their own: a mapped type over a tuple with a
  // spread (`[a, ...generated]`) maps each part as if it were the whole list.
  Ids extends string = ListedIds<Tasks>,
> = { [K in keyof Tasks]: CheckedTask<Tasks[K], Ids, Gate> };

/**
 * The mistakes of a list's tasks, each as one line: what `deno check`
 * shows for a list whose length TypeScript does not know.
 */
export type PlanMistakes<
  Tasks extends readonly PlanTask[],
  Gate extends string,
> = Tasks[number] extends infer T ? T extends unknown ?
      | UnknownDependency<BadDependencies<T, ListedIds<Tasks>>>
      | UndeclaredGate<BadGates<T, Gate>>
      | UnknownField<Extract<Exclude<keyof T, keyof PlanTask>, string>>
      | NotWhole<FractionsOf<T>>
  : never
  : never;

/** The counts ({@link CountKey}) under `T` written as fractional literals. */
export type FractionsOf<T, Count extends boolean = false> = T extends number
  ? (Count extends false ? never
    : number extends T ? never
    : `${T}` extends `${bigint}` ? never
    : T)
  : T extends string | boolean | null | undefined ? never
  : T extends readonly unknown[] ? FractionsOf<T[number], Count>
  : {
    [K in keyof T]-?: FractionsOf<T[K], K extends CountKey ? true : Count>;
  }[keyof T];

/** What `deno check` shows for a key a task does not have. */
export type UnknownField<Key extends string> = `unknown task field "${Key}"`;

/** The mistakes of a plan, each as the name of a property it lacks. */
export type Missing<Mistakes extends string> = { readonly [M in Mistakes]: M };

/**
 * What {@link definePlan} adds to its parameter's type: nothing when every
 * task passes {@link CheckedTask} (an array literal checked against an
 * intersection is no longer read as a tuple). Else, for a list written out
 * task by task, the checked tasks, which make the failing ones type errors
 * where they are written. A list with spreads (`[...generated, a, ...more]`)
 * or held in a variable has no position TypeScript can blame: the error
 * names the mistake instead, as a property the list (for an array) or the
 * plan (for a tuple with a spread) lacks: `Property '"unknown dependency
 * \"PKG-utlis\""' is missing`. So is a count an inline task writes as a
 * fraction (`retry: 2.5`).
 */
export type PlanCheck<Tasks extends readonly PlanTask[], Gate extends string> =
  [PlanMistakes<Tasks, Gate>] extends [never] ? unknown
    : number extends Tasks["length"] ? (
        Tasks[number][] extends Tasks
          ? { tasks: Missing<PlanMistakes<Tasks, Gate>> }
          : Missing<PlanMistakes<Tasks, Gate>>
      )
    // A fractional count cannot be a type error at its task (its literal
    // type and the message would make the task `never`): named at the plan.
    : [FractionsOf<Tasks[number]>] extends [never]
      ? { tasks: CheckedTasks<Tasks, Gate> }
    : Missing<PlanMistakes<Tasks, Gate>>;

/** The ids of a task's dependencies (`string` when it has none). */
export type TaskDependencyIds<T> = [DependencyIds<T>] extends [never] ? string
  : Extract<DependencyIds<T>, string>;

/** A task's gates (`string` when it has none). */
export type TaskGates<T> = [GateNames<T>] extends [never] ? string
  : Extract<GateNames<T>, string>;

/** The keys whose numbers count something: whole numbers only. */
export type CountKey =
  | "retry"
  | "attempts"
  | "concurrency"
  | "failure_lines"
  | "run_max_attempts";

/** What `deno check` shows for a count written with a fractional part. */
export type NotWhole<N extends number> = `expected a whole number, not ${N}`;

/**
 * `T` with every count ({@link CountKey}) written as a fractional literal
 * (`2.5`) replaced by {@link NotWhole}; plain `number` passes.
 */
export type WholeCounts<T, Count extends boolean = false> = T extends number
  ? (Count extends false ? T
    : number extends T ? T
    : `${T}` extends `${bigint}` ? T
    : NotWhole<T>)
  : T extends string | boolean | null | undefined ? T
  : T extends readonly unknown[] ? { [I in keyof T]: WholeCounts<T[I], Count> }
  : { [K in keyof T]: WholeCounts<T[K], K extends CountKey ? true : Count> };

/** Whether a count under `T` is written as a fractional literal. */
export type HasFraction<T> = T extends WholeCounts<T> ? false : true;

/**
 * What {@link defineTask} adds to its parameter's type: nothing, unless a
 * count is fractional (then {@link WholeCounts} names it where it is
 * written).
 */
export type TaskCheck<T> = CountsCheck<T, PlanTask>;

/**
 * `T` (an object as written, inferred whole) as its parameter checks it: a
 * fractional count is named where it is written ({@link WholeCounts}); a
 * key `Known` lacks is left out, so the compiler's own "did you mean"
 * names it.
 */
export type CountsCheck<T, Known> = HasFraction<T> extends true ? WholeCounts<T>
  : [Exclude<keyof T, keyof Known>] extends [never] ? T
  : Omit<T, Exclude<keyof T, keyof Known>> & Known;

/**
 * The gates `orchestrator.approvals.required` lists; `string` (any gate)
 * when it lists none.
 */
export type DeclaredGates<Orchestrator> = Orchestrator extends
  { approvals?: { required?: readonly (infer G)[] } }
  ? ([G] extends [never] ? string : Extract<G, string>)
  : string;

/** Defined tasks and the tasks they were given as dependencies. */
const taskDependencies = new WeakMap<object, readonly { id: string }[]>();

/**
 * Defines a task. Its id keeps its literal type, and dependencies may be
 * other defined tasks, so a typo in a dependency is a type error rather
 * than a validation error.
 *
 * @example
 * ```ts
 * import { defineTask } from "orchestrate";
 * const a = defineTask({ id: "A", title: "First" });
 * defineTask({ id: "B", title: "Second", dependencies: [a] }).dependencies; // ["A"]
 * ```
 */
export function defineTask<
  const T extends TaskDefinition<string, string, string>,
>(
  task: TaskCheck<T>,
): DefinedTask<T["id"], TaskDependencyIds<T>, TaskGates<T>> {
  // The checks are types only: the value is the task as written.
  const { dependencies, ...rest } = task as TaskDefinition;
  const tasks = (dependencies ?? []).filter((d) => typeof d !== "string");
  const out = {
    ...rest,
    dependencies: (dependencies ?? []).map((
      d,
    ) => (typeof d === "string" ? d : d.id)),
  };
  if (tasks.length > 0) taskDependencies.set(out, tasks);
  return out as DefinedTask<T["id"], TaskDependencyIds<T>, TaskGates<T>>;
}

/**
 * Defines a shard, with the checks {@link defineTask} makes: its id keeps
 * its literal type, a misspelt field and a fractional retry count are type
 * errors where they are written.
 *
 * @example
 * ```ts
 * import { defineShard, defineTask } from "orchestrate";
 * const errors = defineShard({ id: "EXC-001A", title: "Error enum", commands: { build: "cargo build" } });
 * defineTask({ id: "EXC-001", title: "Typed errors", shards: [errors] }).shards![0]!.id; // "EXC-001A"
 * ```
 */
export function defineShard<const T extends ShardDefinition>(
  shard: CountsCheck<T, ShardDefinition>,
): ShardDefinition<T["id"]> {
  return { ...(shard as ShardDefinition) } as ShardDefinition<T["id"]>;
}

/**
 * Defines a plan; the default export of `orchestrator.ts`. `deno check`
 * rejects a dependency on an id that no listed task has (plain `string`
 * ids are left to `plan validate`) and, once `orchestrator.approvals.required`
 * is given, a task gate it does not name.
 *
 * @throws {Error} When a task depends on a task object that is not listed
 * in `tasks` ("defined but not listed").
 *
 * @example
 * ```ts
 * import { definePlan } from "orchestrate";
 * definePlan({ version: 1, tasks: [{ id: "A", title: "First" }] }).tasks[0]!.id; // "A"
 * ```
 */
export function definePlan<
  const Tasks extends readonly PlanTask[],
  const Orchestrator extends OrchestratorDefinition = OrchestratorDefinition,
>(
  plan:
    & PlanDefinition<
      Tasks,
      DeclaredGates<Orchestrator>,
      CountsCheck<Orchestrator, OrchestratorDefinition>
    >
    & NoInfer<PlanCheck<Tasks, DeclaredGates<Orchestrator>>>,
): DefinedPlan<ListedIds<Tasks>> {
  const listed = new Set(plan.tasks.map((t) => t.id));
  const unlisted: string[] = [];
  for (const task of plan.tasks) {
    const objects = taskDependencies.get(task) ??
      (task.dependencies ?? []).filter((d) => typeof d !== "string");
    for (const dep of objects) {
      if (!listed.has(dep.id)) {
        unlisted.push(
          `Task "${dep.id}" is defined but not listed (a dependency of "${task.id}")`,
        );
      }
    }
  }
  if (unlisted.length > 0) {
    throw new Error(
      `${
        unlisted.join("; ")
      }: add it to the tasks of definePlan({ tasks: [...] })`,
    );
  }
  const { tasks, ...rest } = plan;
  return {
    ...rest,
    tasks: tasks.map((t) => defineTask(t as TaskDefinition)),
  } as DefinedPlan<ListedIds<Tasks>>;
}
/**
 * Check: the command exits 0 (`Tests pass: <command>`).
 *
 * @example
 * ```ts
 * import { testsPass } from "orchestrate";
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
 * import { command } from "orchestrate";
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
 * import { fileExists } from "orchestrate";
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
 * import { contains } from "orchestrate";
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
 * import { notContains } from "orchestrate";
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
 * import { matches } from "orchestrate";
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
 * import { manual } from "orchestrate";
 * manual("UI reviewed"); // { kind: "manual", text: "UI reviewed" }
 * ```
 */
export function manual(text: string): CheckDefinition {
  return { kind: "manual", text };
}

/**
 * What a plan's function form receives: the `--param KEY=VALUE` values of
 * the command line (a name given twice keeps its last value; absent names
 * are `undefined`). The way to vary a plan (CI or local, a target) without
 * reading the environment, which a plan may not.
 *
 * @example
 * ```ts
 * import { definePlan, type PlanParams } from "orchestrate";
 * // orchestrate run --param mode=ci
 * export default (params: PlanParams) =>
 *   definePlan({
 *     version: 1,
 *     tasks: [{ id: "TEST", title: "Test", commands: { test: params.mode === "ci" ? "make ci" : "make test" } }],
 *   });
 * ```
 */
export type PlanParams = Readonly<Record<string, string | undefined>>;

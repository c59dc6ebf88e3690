/**
 * The zod schema of a plan file as people write it (YAML, JSON or the TS
 * DSL). `normalize.ts` turns a value accepted here into the IR (`ir.ts`).
 * `schema/orchestrator.schema.json` is generated from {@link PlanFileSchema}.
 * @module
 */

import { z } from "zod";
import { expecting } from "./expected.ts";
import { formatDuration, MAX_DURATION_MS } from "./duration.ts";
import {
  checkStringProblem,
  ENV_NAME_PATTERN,
  HOST_PATTERN,
  ID_PATTERN,
  isCheckString,
  isDuration,
  isMatchesPattern,
  isNonZeroDuration,
  isRelPath,
  isRunEntry,
  isTimerDuration,
  matchesProblem,
  pathProblem,
  REGEX_FLAGS,
  runEntryProblem,
  STRATEGIES,
  TASK_TYPES,
} from "./rules.ts";

export { ID_PATTERN, pathProblem, STRATEGIES, TASK_TYPES };

// Every refinement passes a named function of rules.ts: the generated
// validator (plan_guard.ts, `deno task schema`) calls the same functions.

const Id = z.string().regex(ID_PATTERN, {
  message:
    "Invalid id: use a letter, then letters, digits, '_', '-' or '.' (e.g. EXC-001)",
});

const DURATION_HINT = 'use a number with a unit, e.g. "90s", "10m", "1h30m"';

const Duration = z.string({
  error: ({ input }) =>
    typeof input === "number"
      ? `Invalid duration ${input}: add a unit, e.g. "${input}s" or "${input}m"`
      : undefined,
}).refine(isDuration, {
  error: ({ input }) =>
    `Invalid duration ${JSON.stringify(input)}: ${DURATION_HINT}`,
  abort: true,
}).refine(isTimerDuration, {
  error: ({ input }) =>
    `Invalid duration ${JSON.stringify(input)}: at most ${
      formatDuration(MAX_DURATION_MS)
    }, the longest a timer can wait`,
  abort: true,
});

/** A limit (timeout, timebox): a duration, and not zero. */
const Limit = Duration.refine(isNonZeroDuration, {
  error: ({ input }) =>
    `Invalid limit ${
      JSON.stringify(input)
    }: a timeout must be longer than zero`,
});

const NonEmpty = z.string().min(1, { message: "Must not be empty" });

// `refine` with a message computed on failure: `superRefine` allocates a
// closure per value checked, which 10,000-task plans pay ~100k times.
const RelPath = NonEmpty.refine(isRelPath, {
  error: ({ input }) => pathProblem(input as string),
});

const RetryObject = z.strictObject({
  attempts: z.number().int().min(1).max(100).describe(
    "Total attempts, the first included",
  ),
  backoff: Duration.optional().describe(
    "Delay before the second attempt; doubles each time (default 1s)",
  ),
  max_backoff: Duration.optional().describe(
    "Cap on the delay between attempts (default 30s)",
  ),
});

/**
 * A retry policy: how many times to retry a failed command (0: never), or
 * total attempts with backoff.
 */
export const RetrySchema = expecting(
  z.union([z.number().int().min(0).max(99), RetryObject])
    .describe(
      "Retry policy for transient failures: retries after the first attempt (0: none), or {attempts, backoff, max_backoff} (attempts: the first included)",
    ),
  "a whole number of retries or a mapping with attempts",
);

/** One command: a shell string, or a string with its own retry and timeout. */
export const CommandSchema = expecting(
  z.union([
    NonEmpty,
    z.strictObject({
      run: NonEmpty.describe("The command line"),
      retry: RetrySchema.optional(),
      timeout: Limit.optional().describe("Kill the command after this long"),
    }),
  ]),
  "a command line or a mapping with run",
);

const Commands = expecting(
  z.record(
    z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, {
      message:
        "a command name is a letter, then letters, digits, '_' or '-' (e.g. lint)",
    }),
    CommandSchema,
  ),
  "a mapping of command names to commands",
)
  .describe("Named commands run in declared order (lint, test, build, ...)");

const CheckString = z.string().refine(isCheckString, {
  error: ({ input }) => checkStringProblem(input as string),
});

const InFile = RelPath.optional().describe(
  "File to search; default: the task's paths",
);

/** The object form of an acceptance check (the IR form). */
export const CheckObjectSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("tests_pass").describe("The command exits 0"),
    command: NonEmpty.describe("Command line, e.g. npm test"),
  }),
  z.strictObject({
    kind: z.literal("command").describe("The command exits 0"),
    command: NonEmpty.describe("Command line, e.g. test -d dist"),
  }),
  z.strictObject({
    kind: z.literal("file_exists").describe(
      "A file matching the path exists",
    ),
    path: RelPath.describe("Path or glob, e.g. src/error.rs"),
  }),
  z.strictObject({
    kind: z.literal("contains").describe("The text occurs in the file(s)"),
    text: NonEmpty.describe("Text to find"),
    file: InFile,
  }),
  z.strictObject({
    kind: z.literal("not_contains").describe(
      "The text occurs in none of the file(s)",
    ),
    text: NonEmpty.describe("Text that must not occur"),
    file: InFile,
  }),
  z.strictObject({
    kind: z.literal("matches").describe(
      "The regular expression matches in the file(s)",
    ),
    pattern: NonEmpty.describe("Regular expression source, without slashes"),
    flags: z.string().regex(REGEX_FLAGS, {
      error: ({ input }) =>
        `Invalid regular expression flags ${
          JSON.stringify(input)
        }: use d, g, i, m, s, u, v, y`,
    }).optional().describe("Regular expression flags, e.g. i"),
    file: InFile,
  }).refine(isMatchesPattern, {
    path: ["pattern"],
    error: ({ input }) =>
      matchesProblem(input as { pattern: string; flags?: string }),
  }),
  z.strictObject({
    kind: z.literal("manual").describe(
      "A person verifies it: becomes the manual gate",
    ),
    text: NonEmpty.describe("What the person checks"),
  }),
]);

/** An acceptance check: `"Tests pass: cmd"`-style string or object. */
export const CheckSchema = expecting(
  z.union([CheckString, CheckObjectSchema])
    .describe(
      'e.g. "Tests pass: cargo test", "File exists: src/a.rs", "Contains: enum AppError"',
    ),
  'a check such as "Tests pass: npm test", or a mapping with kind',
);

const Checks = expecting(z.array(CheckSchema), "a list of checks");
const PathList = expecting(z.array(RelPath), "a list of paths");
const Globs = expecting(z.array(RelPath), "a list of file globs");
const GateNames = expecting(z.array(NonEmpty), "a list of gate names");

const Paths = expecting(
  z.union([
    PathList,
    z.strictObject({
      preferred: PathList.optional().describe(
        "Files and folders to edit or create",
      ),
      forbidden: PathList.optional().describe(
        "Files and folders never to touch",
      ),
    }),
  ]),
  "a list of paths or a mapping with preferred and forbidden",
);

const Constraints = z.strictObject({
  style: z.string().optional().describe("Style guidance, free text"),
  language: z.string().optional().describe(
    "Language or toolchain to use, free text",
  ),
  forbidden_paths: PathList.optional().describe(
    "Paths the task must not change",
  ),
  timebox: Limit.optional().describe(
    "Fail the task with reason timeout after this long",
  ),
});

// --- agent (issue 10): who edits the code of a task, and the caps on it ---

/** The agents orchestrate knows how to drive headless (see src/agent/presets.ts). */
export const AGENT_PRESETS = ["codex", "claude", "aider"] as const;

const AgentFields = {
  command: NonEmpty.optional().describe(
    "Any command line run in the task's git worktree; the brief arrives on stdin",
  ),
  preset: z.enum(AGENT_PRESETS).optional().describe(
    "A known agent's headless invocation: codex, claude or aider",
  ),
  attempts: z.number().int().min(1).max(20).optional().describe(
    "Attempts, the first included; each retry gets the failures as feedback (default 2)",
  ),
  timeout: Limit.optional().describe(
    "Kill one attempt of the agent after this long",
  ),
  max_cost_usd: z.number().positive().optional().describe(
    "No further attempt once the agent reported this much cost for the task",
  ),
};

/** A task's agent settings (over `orchestrator.agent`). */
export const AgentSchema = expecting(
  z.union([
    z.literal(true),
    z.strictObject(AgentFields),
  ]).describe(
    "Let an agent edit this task's code in a git worktree: true, or {command|preset, attempts, timeout}",
  ),
  "true or a mapping with command or preset",
);

/** Run-wide agent defaults and caps (`orchestrator.agent`). */
export const AgentDefaultsSchema = expecting(
  z.strictObject({
    ...AgentFields,
    run_max_attempts: z.number().int().min(1).optional().describe(
      "Agent attempts allowed across the whole run",
    ),
    run_max_time: Limit.optional().describe(
      "Agent time allowed across the whole run",
    ),
    run_max_cost_usd: z.number().positive().optional().describe(
      "Reported agent cost allowed across the whole run",
    ),
  }),
  "a mapping with command or preset",
);
// --- permissions (issue 9): what a task's processes may do, shaped like Deno's --allow-* flags.

/** One `permissions` category: `true` (all), `false` (none) or a list. */
const grant = <T extends z.ZodType>(item: T, what: string) =>
  expecting(
    z.union([z.boolean(), z.array(item)]),
    `true, false or a list of ${what}`,
  );

const RunEntry = NonEmpty.refine(isRunEntry, {
  error: ({ input }) => runEntryProblem(input as string),
});
const EnvName = z.string().regex(ENV_NAME_PATTERN, {
  error: ({ input }) =>
    `Invalid variable name ${
      JSON.stringify(input)
    }: letters, digits and '_', optionally ending in '*' (e.g. CARGO_*)`,
});
const Host = z.string().regex(
  HOST_PATTERN,
  {
    error: ({ input }) =>
      `Invalid host ${
        JSON.stringify(input)
      }: use host or host:port (e.g. registry.npmjs.org:443)`,
  },
);

/** Permissions of a task's processes (orchestrator: defaults; task: over them; shard: narrows its task). */
export const PermissionsSchema = expecting(
  z.strictObject({
    run: grant(RunEntry, "executables").optional().describe(
      "Executables its commands may start: names found on PATH, or paths",
    ),
    read: grant(RelPath, "paths").optional().describe(
      "Paths its processes may read (relative to the project root)",
    ),
    write: grant(RelPath, "paths").optional().describe(
      "Paths its processes may write (relative to the project root)",
    ),
    env: grant(EnvName, "variable names").optional().describe(
      "Environment variables its processes get (besides PATH, HOME, locale; orchestrate adds its own ORCHESTRATE_RUN_ID, ...)",
    ),
    net: grant(Host, "hosts").optional().describe(
      "Network access: true, false, or a list of host[:port]",
    ),
  }),
  "a mapping with run, read, write, env or net",
).describe("What the processes may do, named like Deno's --allow-* flags");

// --- end permissions

/** A shard: a sub-task run in order inside its task. */
export const ShardSchema = expecting(
  z.strictObject({
    id: Id.describe("Unique across tasks and shards, e.g. EXC-001A"),
    title: NonEmpty.describe("One line for people"),
    description: z.string().optional().describe("Longer text for people"),
    paths: Paths.optional().describe(
      "Where its work happens (default: the task's paths)",
    ),
    commands: Commands.optional(),
    acceptance: Checks.optional().describe("The shard's acceptance checks"),
    permissions: PermissionsSchema.optional().describe(
      "What the shard's processes may do, narrowing its task's permissions",
    ),
  }),
  "a mapping with id and title",
);

/** A task of the plan. */
export const TaskSchema = expecting(
  z.strictObject({
    id: Id.describe("Unique across tasks and shards, e.g. EXC-001"),
    title: NonEmpty.describe("One line for people"),
    description: z.string().optional().describe("Longer text for people"),
    type: z.enum(TASK_TYPES).optional().describe(
      "What kind of work it is (default chore)",
    ),
    paths: Paths.optional().describe(
      "Where its work happens: a list, or {preferred, forbidden}",
    ),
    commands: Commands.optional()
      .describe("Omit to inherit project.build lint/test/build; {} for none"),
    acceptance: Checks.optional().describe(
      "What must hold once the commands ran",
    ),
    dependencies: expecting(z.array(Id), "a list of task ids").optional()
      .describe("Ids of the tasks that must complete first"),
    shards: expecting(z.array(ShardSchema), "a list of shards").optional()
      .describe("Sub-tasks run in order before the task's commands"),
    constraints: Constraints.optional().describe(
      "Guidance (style, language, forbidden_paths) and the timebox",
    ),
    approvals: GateNames.optional().describe("Human gates for this task"),
    inputs: Globs.optional().describe(
      "Globs whose content feeds the up-to-date fingerprint",
    ),
    outputs: Globs.optional().describe("Globs the task produces"),
    retry: RetrySchema.optional(),
    skip_when_accepted: z.boolean().optional()
      .describe(
        "Skip the task when its acceptance checks already pass before it runs",
      ),
    agent: AgentSchema.optional(),
    permissions: PermissionsSchema.optional().describe(
      "What the task's processes may do, over the orchestrator's defaults",
    ),
    keep_running: z.boolean().optional().describe(
      "Its commands may leave processes running after it ends (a service); the run reports them (default false: they end with each command)",
    ),
  }),
  "a mapping with id and title",
);

const Tasks = expecting(z.array(TaskSchema), "a list of tasks");

/** The plan format version: 1, with messages for the likely mistakes. */
const Version = z.literal(1, {
  error: ({ input }) =>
    typeof input === "string" && input.trim() === "1"
      ? `Invalid version ${
        JSON.stringify(input)
      }: write version: 1 (a number, not a string)`
      : `Unsupported plan version ${
        JSON.stringify(input)
      }: this orchestrate reads version 1`,
});

/** The whole plan file. */
export const PlanFileSchema = z.strictObject({
  $schema: z.string().optional().describe(
    "The JSON Schema of this file, for editors",
  ),
  version: Version.describe("Plan format version: 1"),
  project: z.strictObject({
    name: NonEmpty.optional().describe(
      "Name in TASKS.md and reports (default: the project folder's name)",
    ),
    root: RelPath.optional().describe(
      "Project root, relative to the plan file (default .)",
    ),
    language: z.string().optional().describe("Main language, for people"),
    build: Commands.optional()
      .describe(
        "Defaults: lint/test/build for tasks without commands; release/install after the run",
      ),
  }).optional().describe("Project metadata and build defaults"),
  orchestrator: z.strictObject({
    strategy: z.enum(STRATEGIES).optional().describe(
      "After a failure: conservative starts no further task; keep_going runs what does not depend on it (default conservative)",
    ),
    approvals: z.strictObject({
      required: GateNames.optional().describe(
        "Gates of the plan; deploy and release make tasks of that type wait for approval",
      ),
    })
      .optional().describe("The plan's gates"),
    concurrency: z.number().int().min(1).optional().describe(
      "Most tasks running at once (default: the number of CPU cores)",
    ),
    failure_lines: z.number().int().min(0).max(10_000).optional().describe(
      "Lines of a failing command's output shown under its failure on the terminal and in status (0: none; default 20)",
    ),
    retry: RetrySchema.optional(),
    agent: AgentDefaultsSchema.optional().describe(
      "Defaults for tasks with agent: true, and caps on all agents of a run together",
    ),

    permissions: PermissionsSchema.optional().describe(
      "Default permissions of every task's processes",
    ),
  }).optional().describe("Run-wide settings"),
  include: Globs.optional().describe(
    "Globs of further YAML/JSON files holding `tasks:`",
  ),
  tasks: Tasks.optional().describe("The tasks, in plan order"),
});

/** A file pulled in by `include:`: more tasks (and, optionally, the version). */
export const IncludeFileSchema = z.strictObject({
  $schema: z.string().optional().describe(
    "The JSON Schema of this file, for editors",
  ),
  version: Version.optional().describe("Plan format version: 1"),
  tasks: Tasks.describe("More tasks, added after the plan's own"),
});

/** A plan as written, after schema validation. */
export type PlanFile = z.infer<typeof PlanFileSchema>;
/** A file named by `include:`, after schema validation. */
export type IncludeFile = z.infer<typeof IncludeFileSchema>;
/** A task as written. */
export type TaskInput = z.infer<typeof TaskSchema>;
/** A shard as written. */
export type ShardInput = z.infer<typeof ShardSchema>;
/** A command as written. */
export type CommandInput = z.infer<typeof CommandSchema>;
/** A retry policy as written. */
export type RetryInput = z.infer<typeof RetrySchema>;
/** A task's agent as written. */
export type AgentInput = z.infer<typeof AgentSchema>;
/** The run-wide agent defaults as written. */
export type AgentDefaultsInput = z.infer<typeof AgentDefaultsSchema>;
/** Permissions as written. */
export type PermissionsInput = z.infer<typeof PermissionsSchema>;
/** A check as written. */
export type CheckInput = z.infer<typeof CheckSchema>;

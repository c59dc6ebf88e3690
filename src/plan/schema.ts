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

/** A retry policy: a number of attempts, or attempts with backoff. */
export const RetrySchema = expecting(
  z.union([z.number().int().min(1).max(100), RetryObject])
    .describe(
      "Retry policy for transient failures: attempts, or {attempts, backoff, max_backoff}",
    ),
  "a whole number of attempts or a mapping with attempts",
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
  z.strictObject({ kind: z.literal("tests_pass"), command: NonEmpty }),
  z.strictObject({ kind: z.literal("command"), command: NonEmpty }),
  z.strictObject({ kind: z.literal("file_exists"), path: RelPath }),
  z.strictObject({ kind: z.literal("contains"), text: NonEmpty, file: InFile }),
  z.strictObject({
    kind: z.literal("not_contains"),
    text: NonEmpty,
    file: InFile,
  }),
  z.strictObject({
    kind: z.literal("matches"),
    pattern: NonEmpty,
    flags: z.string().regex(REGEX_FLAGS, {
      error: ({ input }) =>
        `Invalid regular expression flags ${
          JSON.stringify(input)
        }: use d, g, i, m, s, u, v, y`,
    }).optional(),
    file: InFile,
  }).refine(isMatchesPattern, {
    path: ["pattern"],
    error: ({ input }) =>
      matchesProblem(input as { pattern: string; flags?: string }),
  }),
  z.strictObject({ kind: z.literal("manual"), text: NonEmpty }),
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
  style: z.string().optional(),
  language: z.string().optional(),
  forbidden_paths: PathList.optional(),
  timebox: Limit.optional().describe(
    "Fail the task with reason timeout after this long",
  ),
});

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
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, {
  error: ({ input }) =>
    `Invalid variable name ${
      JSON.stringify(input)
    }: letters, digits and '_', optionally ending in '*' (e.g. CARGO_*)`,
});
const Host = z.string().regex(
  /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9*][A-Za-z0-9.-]*)(:[0-9]{1,5})?$/,
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
      "Environment variables its processes get (besides PATH, HOME, locale, ORCHESTRATE_*)",
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
    id: Id,
    title: NonEmpty,
    description: z.string().optional(),
    paths: Paths.optional(),
    commands: Commands.optional(),
    acceptance: Checks.optional(),
    permissions: PermissionsSchema.optional(),
  }),
  "a mapping with id and title",
);

/** A task of the plan. */
export const TaskSchema = expecting(
  z.strictObject({
    id: Id,
    title: NonEmpty,
    description: z.string().optional(),
    type: z.enum(TASK_TYPES).optional(),
    paths: Paths.optional(),
    commands: Commands.optional()
      .describe("Omit to inherit project.build lint/test/build; {} for none"),
    acceptance: Checks.optional(),
    dependencies: expecting(z.array(Id), "a list of task ids").optional(),
    shards: expecting(z.array(ShardSchema), "a list of shards").optional(),
    constraints: Constraints.optional(),
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
    permissions: PermissionsSchema.optional(),
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
  $schema: z.string().optional(),
  version: Version,
  project: z.strictObject({
    name: NonEmpty.optional(),
    root: RelPath.optional(),
    language: z.string().optional(),
    build: Commands.optional()
      .describe(
        "Defaults: lint/test/build for tasks without commands; release/install after the run",
      ),
  }).optional(),
  orchestrator: z.strictObject({
    strategy: z.enum(STRATEGIES).optional(),
    approvals: z.strictObject({ required: GateNames.optional() })
      .optional(),
    concurrency: z.number().int().min(1).optional(),
    retry: RetrySchema.optional(),
    permissions: PermissionsSchema.optional(),
  }).optional(),
  include: Globs.optional().describe(
    "Globs of further YAML/JSON files holding `tasks:`",
  ),
  tasks: Tasks.optional(),
});

/** A file pulled in by `include:`: more tasks (and, optionally, the version). */
export const IncludeFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: Version.optional(),
  tasks: Tasks,
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
/** Permissions as written. */
export type PermissionsInput = z.infer<typeof PermissionsSchema>;
/** A check as written. */
export type CheckInput = z.infer<typeof CheckSchema>;

/**
 * Plan as written -> IR. Pure; runs only on input the schema accepted.
 * @module
 */

import { type Check, parseCheck } from "./check.ts";
import { parseDuration } from "./duration.ts";
import type {
  Agent,
  AgentLimits,
  Command,
  Permissions,
  Plan,
  Retry,
  Shard,
  Task,
} from "./ir.ts";
import type {
  AgentDefaultsInput,
  AgentInput,
  CheckInput,
  CommandInput,
  PermissionsInput,
  PlanFile,
  RetryInput,
  ShardInput,
  TaskInput,
} from "./schema.ts";

/** Build commands that run after the DAG rather than inside tasks. */
export const FINAL_BUILD_STEPS = ["release", "install"] as const;

/** Task types whose name is also a gate when `orchestrator.approvals.required` lists it. */
export const TYPE_GATES: ReadonlySet<Task["type"]> = new Set([
  "deploy",
  "release",
]);

const DEFAULT_BACKOFF_MS = 1000;
const DEFAULT_MAX_BACKOFF_MS = 30_000;

/**
 * Normalizes a schema-valid plan file and the tasks of its includes into the IR.
 *
 * Rule for commands: a task that omits `commands` inherits the project's
 * `build` commands except `release` and `install` (which run once, after
 * the DAG, as `project.final_build`); a task that writes `commands: {}`
 * runs none. Each task's `gates` are derived here, once (see
 * {@link gatesOf}).
 *
 * @example
 * ```ts
 * import { normalizePlan } from "./normalize.ts";
 * const ir = normalizePlan({ version: 1, tasks: [{ id: "A", title: "a" }] }, [], "demo");
 * ir.tasks[0]!.type; // "chore"
 * ```
 */
export function normalizePlan(
  file: PlanFile,
  included: TaskInput[],
  defaultName: string,
): Plan {
  const build = commandList(file.project?.build);
  const isFinal = (c: Command) =>
    (FINAL_BUILD_STEPS as readonly string[]).includes(c.name);
  const inherited = build.filter((c) => !isFinal(c));
  const planRetry = file.orchestrator?.retry;
  const required = file.orchestrator?.approvals?.required ?? [];
  const agentDefaults = file.orchestrator?.agent;
  const tasks = [...(file.tasks ?? []), ...included].map((t) =>
    normalizeTask(t, inherited, planRetry, required, agentDefaults)
  );
  const plan: Plan = {
    version: 1,
    project: {
      name: file.project?.name ?? defaultName,
      root: file.project?.root ?? ".",
      build,
      final_build: build.filter(isFinal).map((c) => ({ ...c })),
    },
    orchestrator: {
      strategy: file.orchestrator?.strategy ?? "conservative",
      approvals: { required: [...required] },
    },
    tasks,
  };
  if (file.project?.language !== undefined) {
    plan.project.language = file.project.language;
  }
  if (file.orchestrator?.concurrency !== undefined) {
    plan.orchestrator.concurrency = file.orchestrator.concurrency;
  }
  if (file.orchestrator?.failure_lines !== undefined) {
    plan.orchestrator.failure_lines = file.orchestrator.failure_lines;
  }
  const limits = agentLimits(agentDefaults);
  if (limits !== null) plan.orchestrator.agent_limits = limits;
  if (file.orchestrator?.permissions !== undefined) {
    plan.orchestrator.permissions = normalizePermissions(
      file.orchestrator.permissions,
    );
  }
  return plan;
}

function normalizeTask(
  t: TaskInput,
  inherited: Command[],
  planRetry: RetryInput | undefined,
  required: readonly string[],
  agentDefaults: AgentDefaultsInput | undefined,
): Task {
  const task: Task = {
    id: t.id,
    title: t.title,
    description: t.description ?? "",
    type: t.type ?? "chore",
    paths: normalizePaths(t.paths),
    commands: t.commands === undefined
      ? inherited.map((c) => ({ ...c }))
      : commandList(t.commands),
    acceptance: (t.acceptance ?? []).map(normalizeCheck),
    dependencies: [...(t.dependencies ?? [])],
    shards: (t.shards ?? []).map(normalizeShard),
    constraints: {
      forbidden_paths: [...(t.constraints?.forbidden_paths ?? [])],
    },
    approvals: [...(t.approvals ?? [])],
    gates: [],
    inputs: [...(t.inputs ?? [])],
    outputs: [...(t.outputs ?? [])],
    skip_when_accepted: t.skip_when_accepted ?? false,
  };
  const c = t.constraints;
  if (c?.style !== undefined) task.constraints.style = c.style;
  if (c?.language !== undefined) task.constraints.language = c.language;
  if (c?.timebox !== undefined) {
    task.constraints.timebox_ms = parseDuration(c.timebox)!;
  }
  const retry = t.retry ?? planRetry;
  if (retry !== undefined) task.retry = normalizeRetry(retry);
  if (t.agent !== undefined) {
    task.agent = normalizeAgent(t.agent, agentDefaults);
  }
  if (t.permissions !== undefined) {
    task.permissions = normalizePermissions(t.permissions);
  }
  if (t.keep_running === true) task.keep_running = true;
  task.gates = gatesOf(task, required);
  return task;
}

/**
 * The gates a task must pass before it runs: its own `approvals`, its type
 * when the plan requires that gate (`deploy`, `release`), and `manual` when
 * it or one of its shards has a `Manual:` check.
 *
 * @example
 * ```ts
 * import { gatesOf } from "./normalize.ts";
 * import { normalizePlan } from "./normalize.ts";
 * const [task] = normalizePlan(
 *   { version: 1, tasks: [{ id: "D", title: "d", type: "deploy", acceptance: ["Manual: smoke test"] }] },
 *   [],
 *   "demo",
 * ).tasks;
 * gatesOf(task!, ["deploy"]); // ["deploy", "manual"]
 * ```
 */
export function gatesOf(
  task: Omit<Task, "gates">,
  required: readonly string[],
): string[] {
  const gates = new Set(task.approvals);
  if (TYPE_GATES.has(task.type) && required.includes(task.type)) {
    gates.add(task.type);
  }
  const manual = [task.acceptance, ...task.shards.map((s) => s.acceptance)]
    .some((checks) => checks.some((c) => c.kind === "manual"));
  if (manual) gates.add("manual");
  if (task.agent !== undefined && required.includes(APPLY_PATCH)) {
    gates.add(APPLY_PATCH);
  }
  return [...gates];
}

/** The gate between an agent's validated patch and the project. */
export const APPLY_PATCH = "apply_patch";

const DEFAULT_AGENT_ATTEMPTS = 2;

/**
 * A task's agent over the plan's defaults: the command or preset comes
 * whole from the task when it names either, else from the defaults; the
 * caps one by one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { normalizeAgent } from "./normalize.ts";
 * assert.deepEqual(normalizeAgent(true, { preset: "claude", timeout: "10m" }), {
 *   command: null, preset: "claude", attempts: 2, timeout_ms: 600000,
 * });
 * ```
 */
export function normalizeAgent(
  agent: AgentInput,
  defaults: AgentDefaultsInput | undefined,
): Agent {
  const own = agent === true ? {} : agent;
  const source = own.command !== undefined || own.preset !== undefined
    ? own
    : defaults ?? {};
  const out: Agent = {
    command: source.command ?? null,
    preset: source.preset ?? null,
    attempts: own.attempts ?? defaults?.attempts ?? DEFAULT_AGENT_ATTEMPTS,
  };
  const timeout = own.timeout ?? defaults?.timeout;
  if (timeout !== undefined) out.timeout_ms = parseDuration(timeout)!;
  const cost = own.max_cost_usd ?? defaults?.max_cost_usd;
  if (cost !== undefined) out.max_cost_usd = cost;
  return out;
}

function agentLimits(d: AgentDefaultsInput | undefined): AgentLimits | null {
  if (d === undefined) return null;
  const limits: AgentLimits = {};
  if (d.run_max_attempts !== undefined) {
    limits.max_attempts = d.run_max_attempts;
  }
  if (d.run_max_time !== undefined) {
    limits.max_time_ms = parseDuration(d.run_max_time)!;
  }
  if (d.run_max_cost_usd !== undefined) {
    limits.max_cost_usd = d.run_max_cost_usd;
  }
  return Object.keys(limits).length > 0 ? limits : null;
}

function normalizeShard(s: ShardInput): Shard {
  const shard: Shard = {
    id: s.id,
    title: s.title,
    description: s.description ?? "",
    paths: normalizePaths(s.paths),
    commands: commandList(s.commands),
    acceptance: (s.acceptance ?? []).map(normalizeCheck),
  };
  if (s.permissions !== undefined) {
    shard.permissions = normalizePermissions(s.permissions);
  }
  return shard;
}

/** Copies the categories given, in a fixed key order (YAML and the DSL give identical IR). */
function normalizePermissions(p: PermissionsInput): Permissions {
  const out: Permissions = {};
  for (const key of ["run", "read", "write", "env", "net"] as const) {
    const grant = p[key];
    if (grant !== undefined) {
      out[key] = typeof grant === "boolean" ? grant : [...grant];
    }
  }
  return out;
}

function normalizePaths(paths: TaskInput["paths"]): Task["paths"] {
  if (paths === undefined) return { preferred: [], forbidden: [] };
  if (Array.isArray(paths)) return { preferred: [...paths], forbidden: [] };
  return {
    preferred: [...(paths.preferred ?? [])],
    forbidden: [...(paths.forbidden ?? [])],
  };
}

function commandList(
  commands: Record<string, CommandInput> | undefined,
): Command[] {
  return Object.entries(commands ?? {}).map(([name, c]) => {
    if (typeof c === "string") return { name, run: c };
    const command: Command = { name, run: c.run };
    if (c.retry !== undefined) command.retry = normalizeRetry(c.retry);
    if (c.timeout !== undefined) command.timeout_ms = parseDuration(c.timeout)!;
    return command;
  });
}

function normalizeRetry(retry: RetryInput): Retry {
  if (typeof retry === "number") {
    // `retry: N` retries N times: N + 1 attempts.
    return {
      attempts: retry + 1,
      backoff_ms: DEFAULT_BACKOFF_MS,
      max_backoff_ms: DEFAULT_MAX_BACKOFF_MS,
    };
  }
  return {
    attempts: retry.attempts,
    backoff_ms: retry.backoff === undefined
      ? DEFAULT_BACKOFF_MS
      : parseDuration(retry.backoff)!,
    max_backoff_ms: retry.max_backoff === undefined
      ? DEFAULT_MAX_BACKOFF_MS
      : parseDuration(retry.max_backoff)!,
  };
}

function normalizeCheck(check: CheckInput): Check {
  if (typeof check !== "string") {
    // Rebuild with a fixed key order (kind, command, path, text, pattern,
    // flags, file) so YAML objects and DSL helpers give identical IR.
    switch (check.kind) {
      case "tests_pass":
      case "command":
        return { kind: check.kind, command: check.command };
      case "file_exists":
        return { kind: check.kind, path: check.path };
      case "manual":
        return { kind: check.kind, text: check.text };
      case "contains":
      case "not_contains":
        return check.file === undefined
          ? { kind: check.kind, text: check.text }
          : { kind: check.kind, text: check.text, file: check.file };
      case "matches": {
        const out: Check = { kind: check.kind, pattern: check.pattern };
        if (check.flags !== undefined) out.flags = check.flags;
        if (check.file !== undefined) out.file = check.file;
        return out;
      }
    }
  }
  const parsed = parseCheck(check);
  if (!parsed.ok) {
    throw new Error(`Internal error: unvalidated check "${check}"`);
  }
  return normalizeCheck(parsed.check);
}

/**
 * `orchestrate run` and `orchestrate resume`.
 * @module
 */

import { print, printError } from "../output/stdio.ts";
import { defineCommand, type Invocation } from "./command.ts";
import { EXIT_CODE, UsageError } from "./errors.ts";
import type { ExitCode } from "../exit_code.ts";
import { FILE_OPTION, loadPlanOrThrow } from "./plan_source.ts";
import { VERSION } from "../version.ts";
import { SANDBOX_MODES, type SandboxMode } from "../exec/sandbox/modes.ts";
import type { LoadedPlan } from "../plan/load.ts";
import type { TaskState } from "../events/fold.ts";

/**
 * The run-wide restriction, named like Deno's flags: every task of the run
 * gets at most what these allow (the plan's permissions ∩ the flags). A
 * flag left out restricts nothing; `none` allows nothing.
 */
const ALLOW_OPTIONS = {
  "allow-run": {
    type: "string",
    value: "PROGRAMS",
    description: "Programs tasks may start, e.g. git,cargo (none: no program)",
  },
  "allow-read": {
    type: "string",
    value: "PATHS",
    description: "Paths tasks may read (relative to the project root)",
  },
  "allow-write": {
    type: "string",
    value: "PATHS",
    description: "Paths tasks may write, e.g. src,target",
  },
  "allow-env": {
    type: "string",
    value: "NAMES",
    description:
      "Variables tasks get besides PATH, HOME, locale, e.g. HOME,CARGO_*",
  },
  "allow-net": {
    type: "string",
    value: "HOSTS",
    description: "Hosts tasks may reach: none, or host[:port],...",
  },
} as const;

const RUN_OPTIONS = {
  file: FILE_OPTION,
  task: {
    type: "string",
    short: "t",
    value: "ID",
    description: "Run this task (or shard's task) and its dependencies",
  },
  all: { type: "boolean", description: "Run the whole plan (the default)" },
  only: {
    type: "boolean",
    description:
      "With --task: run that task alone; its dependencies must have completed (in this project's runs or under --needs-from)",
  },
  "needs-from": {
    type: "string",
    value: "DIR",
    description:
      "With --only: run logs of other machines (any *.jsonl below DIR) where dependencies completed",
  },
  watch: {
    type: "boolean",
    description:
      "After the run, watch the plan's files, inputs and paths, and run again on a change (Ctrl-C ends)",
  },
  run: {
    type: "string",
    value: "ID",
    description:
      "With --resume: continue this run (default: the latest, or the newest that waits at a gate when the latest completed)",
  },
  resume: {
    type: "boolean",
    description: "Continue the latest run (same as `orchestrate resume`)",
  },
  "dry-run": {
    type: "boolean",
    description: "Print what would run and why; execute and record nothing",
  },
  json: {
    type: "boolean",
    description: "With --dry-run: print the plan of the run as JSON",
  },
  "no-build": {
    type: "boolean",
    description: "Skip the final release build and install",
  },
  concurrency: {
    type: "integer",
    min: 1,
    short: "j",
    value: "N",
    description: "Run at most N commands at once (default: CPUs)",
  },
  force: {
    type: "boolean",
    description: "Run every task, even those up to date",
  },
  stream: {
    type: "boolean",
    description:
      "Show every command's output live, each line behind its task's id (plain view)",
  },
  "failure-lines": {
    type: "integer",
    min: 0,
    value: "N",
    description:
      "Show the last N lines of a failing command's output (default: the plan's failure_lines, else 20; 0: none)",
  },
  sandbox: {
    type: "string",
    value: "MODE",
    description:
      "Confine commands: auto (default; audit only where no sandbox runs), bwrap, runtime (fail where they cannot run), off",
  },
  ...ALLOW_OPTIONS,
} as const;

type RunOptions = typeof RUN_OPTIONS;

/** The parsed flags of `run` and `resume`. */
type RunOptionValues = Invocation<RunOptions>["options"];

/** The `run` command. */
export const runCommand = defineCommand({
  name: "run",
  summary: "Run the plan's tasks in dependency order",
  options: RUN_OPTIONS,
  run: (invocation) =>
    runOrResume(invocation, invocation.options.resume === true),
});

/** The `resume` command. */
export const resumeCommand = defineCommand({
  name: "resume",
  summary:
    "Continue the latest run: failed, blocked, interrupted and changed tasks run again",
  options: {
    file: FILE_OPTION,
    run: RUN_OPTIONS.run,
    "dry-run": RUN_OPTIONS["dry-run"],
    json: RUN_OPTIONS.json,
    "no-build": RUN_OPTIONS["no-build"],
    "needs-from": RUN_OPTIONS["needs-from"],
    concurrency: RUN_OPTIONS.concurrency,
    force: RUN_OPTIONS.force,
    "failure-lines": RUN_OPTIONS["failure-lines"],
    stream: RUN_OPTIONS.stream,
    sandbox: RUN_OPTIONS.sandbox,
    ...ALLOW_OPTIONS,
  },
  run: (invocation) => runOrResume(invocation, true),
});

/**
 * The task `--task` names, or a usage error with the nearest id. A shard
 * id names its task (the engine resolves it, and refuses a shard id that
 * several tasks share).
 */

/**
 * `run` / `resume`: what the engine refuses (an unknown `--task`, nothing to
 * resume, a held lock) is bad usage, said once, here (exit 2).
 */
async function runOrResume(
  invocation: Invocation<RunOptions>,
  resume: boolean,
): Promise<ExitCode> {
  const { RunRefused } = await import("../engine/refused.ts");
  try {
    return await startRun(invocation, resume);
  } catch (e) {
    if (e instanceof RunRefused) throw new UsageError(e.message);
    throw e;
  }
}

async function startRun(
  { options }: Invocation<RunOptions>,
  resume: boolean,
): Promise<ExitCode> {
  if (options.task !== undefined && options.all) {
    throw new UsageError("--task and --all exclude each other");
  }
  if (options.run !== undefined && !resume) {
    throw new UsageError("--run names the run to resume: use it with resume");
  }
  if (options.task !== undefined && resume) {
    throw new UsageError("--task cannot be combined with resume");
  }
  if (options.watch && (resume || options["dry-run"])) {
    throw new UsageError(
      "--watch goes with a plain run, not a resume or a dry run",
    );
  }
  if (options.only && (options.task === undefined || resume)) {
    throw new UsageError(
      "--only goes with --task (a resume of an --only run stays so)",
    );
  }
  if (options.only && (options["dry-run"] || options.watch)) {
    throw new UsageError(
      "--only goes with a plain run, not --dry-run or --watch",
    );
  }
  const needsFrom = options["needs-from"];
  if (needsFrom !== undefined) {
    if (!options.only && !resume) {
      throw new UsageError("--needs-from goes with --only");
    }
    const info = await Deno.stat(needsFrom).catch(() => null);
    if (!info?.isDirectory) {
      throw new UsageError(`--needs-from ${needsFrom}: no such folder`);
    }
  }
  if (options.json && !options["dry-run"]) {
    throw new UsageError("--json needs --dry-run (see `status --json`)");
  }
  const concurrency = options.concurrency;
  const sandboxMode = options.sandbox ?? "auto";
  if (!(SANDBOX_MODES as readonly string[]).includes(sandboxMode)) {
    throw new UsageError(
      `--sandbox must be one of ${
        SANDBOX_MODES.join(", ")
      }, not "${sandboxMode}"`,
    );
  }
  // The run's modules load while the plan does (module loading waits on
  // the disk much of its time); a dry run needs none of them.
  if (!options["dry-run"]) void runModules().catch(() => {});
  const loaded = await loadPlanOrThrow(options.file);
  const target = options.task;
  if (target !== undefined) {
    // Before anything runs or is recorded: the engine's own rule, with its "did you mean".
    const { resolveTarget } = await import("../engine/selection.ts");
    resolveTarget(loaded.plan, target);
  }
  const force = options.force === true;

  if (options["dry-run"]) {
    const { dryRun } = await import("../engine/dry_run.ts");
    const report = await dryRun({
      loaded,
      target,
      resume,
      ...(typeof options.run === "string" ? { run: options.run } : {}),
      force,
      warn: printError,
    });
    const { renderDryRun, wordedDryRun } = await import(
      "../render/dry_run.ts"
    );
    print(
      options.json
        ? JSON.stringify(wordedDryRun(report), null, 2)
        : renderDryRun(report),
    );
    return EXIT_CODE.ok;
  }

  const allow = await runFlags(options);
  if (options.watch) {
    const { watchRuns } = await import("./watch_runs.ts");
    return await watchRuns(
      loaded,
      options.file,
      target,
      (plan: LoadedPlan, affected: string[] | null) =>
        runOnce(options, plan, {
          target,
          resume,
          force,
          concurrency,
          allow,
          sandboxMode,
          affected,
        }),
    );
  }
  return await runOnce(options, loaded, {
    target,
    resume,
    force,
    concurrency,
    allow,
    sandboxMode,
  });
}

/** The modules of a run, loading side by side (each import waited for alone costs a turn of module loading). */
let running: ReturnType<typeof loadRunModules> | undefined;
const runModules = () => running ??= loadRunModules();
function loadRunModules() {
  return Promise.all([
    import("../engine/run.ts"),
    import("./run_observers.ts"),
    import("./plan_cache_observer.ts"),
    import("../render/output_tail.ts"),
    import("./run_runner.ts"),
    import("./interrupts.ts"),
    import("../events/lock.ts"),
    import("../exec/helper_process.ts"),
  ]);
}

/** One run (or resume) of `loaded`, with its sandbox, interrupts and views. */
async function runOnce(
  options: RunOptionValues,
  loaded: LoadedPlan,
  how: {
    target: string | undefined;
    resume: boolean;
    force: boolean;
    concurrency: number | undefined;
    allow: Awaited<ReturnType<typeof runFlags>>;
    sandboxMode: string;
    /** `--watch` after a change: what it affects (see `watch_runs.ts`). */
    affected?: string[] | null;
  },
): Promise<ExitCode> {
  const { target, resume, force, concurrency, allow, sandboxMode } = how;
  const [
    [
      { executeRun },
      { runObservers },
      { planCacheObserver },
      { FAILURE_LINES },
      { runRunner },
      { handleInterrupts },
      { LOCK_FILE },
      { helperProcesses },
    ],
    earlier,
  ] = await Promise.all([
    runModules(),
    earlierForDashboard(
      loaded.root,
      loaded.plan,
      resume,
      target !== undefined || (how.affected ?? null) !== null,
    ),
  ]);
  // Only agent tasks have agent and apply_patch steps (a resume's own IR may
  // still hold one the plan file dropped).
  const features =
    resume || loaded.plan.tasks.some((t) => t.agent !== undefined)
      ? (await import("./run_steps.ts")).agentFeatures
      : undefined;
  // Made when the first command starts: a no-op re-run loads no sandbox.
  const planCache = planCacheObserver();
  const runner = runRunner(sandboxMode as SandboxMode, loaded.file, printError);
  // The second Ctrl-C kills the runner's commands and orchestrate's own helpers alike.
  const interrupts = handleInterrupts(
    {
      run: (request) => runner.run(request),
      killAll: (signal) => {
        runner.killAll(signal);
        helperProcesses.killAll(signal);
      },
    },
    loaded.root,
    LOCK_FILE,
  );
  try {
    const view = runObservers(loaded.root, {
      failureLines: options["failure-lines"] ??
        loaded.plan.orchestrator.failure_lines ?? FAILURE_LINES,
      earlier,
      stream: options.stream === true,
    });
    return await executeRun({
      loaded,
      target,
      resume,
      ...(typeof options.run === "string" ? { run: options.run } : {}),
      force,
      noBuild: options["no-build"] === true,
      only: options.only === true,
      ...(how.affected ? { affected: how.affected } : {}),
      ...(options["needs-from"] !== undefined
        ? { needsFrom: options["needs-from"] }
        : {}),
      concurrency,
      allow,
      runner,
      ...view,
      observers: [...view.observers, planCache],
      interrupt: interrupts.signal,
      toolVersion: VERSION,
      warn: printError,
      ...(features ? { features } : {}),
    });
  } finally {
    interrupts.dispose();
    await runner.close();
    // The first run here made `.codex/`: its plan is cached from now on.
    await planCache.written();
  }
}

/**
 * The `--allow-*` flags as run flags; with `--allow-net=none` this process
 * gives up its own network access too (orchestrate needs none).
 */
async function runFlags(
  options: Partial<Record<keyof typeof ALLOW_OPTIONS, string | boolean>>,
) {
  const { parseAllowList, CATEGORIES } = await import(
    "../exec/permissions.ts"
  );
  const { ENV_NAME_PATTERN, HOST_PATTERN, pathProblem } = await import(
    "../plan/rules.ts"
  );
  // Entries are checked as the plan's permissions are: a typo is an error, not a silent no-op.
  const problem: Record<string, (entry: string) => string | undefined> = {
    read: pathProblem,
    write: pathProblem,
    env: (e) =>
      ENV_NAME_PATTERN.test(e) ? undefined : `Invalid variable name "${e}"`,
    net: (e) =>
      HOST_PATTERN.test(e)
        ? undefined
        : `Invalid host "${e}": use host or host:port`,
  };
  const flags: Record<string, string[]> = {};
  for (const c of CATEGORIES) {
    const value = options[`allow-${c}`];
    if (typeof value !== "string") continue;
    flags[c] = parseAllowList(value);
    for (const entry of flags[c]!) {
      const why = problem[c]?.(entry);
      if (why !== undefined) throw new UsageError(`--allow-${c}: ${why}`);
    }
  }
  if (flags.net?.length === 0) Deno.permissions.revokeSync({ name: "net" });
  return flags;
}

/**
 * Each task's latest result in the project's earlier runs, for TASKS.md to
 * show the tasks this run leaves out (a resume continues the latest run,
 * whose own results it shows). A fresh run of the whole plan leaves out
 * none: nothing to read; `--task` and a watch re-run of what a change
 * affects (`part`) leave out the rest.
 */
async function earlierForDashboard(
  root: string,
  plan: { tasks: readonly { id: string }[] },
  resume: boolean,
  part: boolean,
): Promise<Map<string, TaskState>> {
  if (!resume && !part) return new Map();
  const [{ RunStore }, { earlierResults }] = await Promise.all([
    import("../events/store.ts"),
    import("../events/project_state.ts"),
  ]);
  const store = new RunStore(root);
  return await earlierResults(store, new Set(plan.tasks.map((t) => t.id)), {
    exclude: resume ? await store.latest() : null,
    planFile: null,
  });
}

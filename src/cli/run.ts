/**
 * `orchestrate run` and `orchestrate resume`.
 * @module
 */

import type { CommandSpec, Invocation, OptionSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION, loadPlanOrReport } from "./plan_source.ts";
import { runObservers } from "./run_observers.ts";

const RUN_OPTIONS: Record<string, OptionSpec> = {
  file: FILE_OPTION,
  task: {
    type: "string",
    short: "t",
    value: "ID",
    description: "Run this task (or shard's task) and its dependencies",
  },
  all: { type: "boolean", description: "Run the whole plan (the default)" },
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
    type: "string",
    short: "j",
    value: "N",
    description: "Run at most N commands at once (default: CPUs)",
  },
  force: {
    type: "boolean",
    description: "Run every task, even those up to date",
  },
};

/** The `run` command. */
export const runCommand: CommandSpec = {
  name: "run",
  summary: "Run the plan's tasks in dependency order",
  options: RUN_OPTIONS,
  run: (invocation) =>
    runOrResume(invocation, invocation.options.resume === true),
};

/** The `resume` command. */
export const resumeCommand: CommandSpec = {
  name: "resume",
  summary:
    "Continue the latest run: failed, blocked, interrupted and changed tasks run again",
  options: {
    file: FILE_OPTION,
    "dry-run": RUN_OPTIONS["dry-run"]!,
    json: RUN_OPTIONS.json!,
    "no-build": RUN_OPTIONS["no-build"]!,
    concurrency: RUN_OPTIONS.concurrency!,
    force: RUN_OPTIONS.force!,
  },
  run: (invocation) => runOrResume(invocation, true),
};

function parseConcurrency(
  value: string | boolean | undefined,
): number | undefined {
  if (value === undefined || typeof value === "boolean") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `--concurrency must be a whole number >= 1, got "${value}"`,
      "",
    );
  }
  return n;
}

async function runOrResume(
  { options }: Invocation,
  resume: boolean,
): Promise<number> {
  if (options.task !== undefined && options.all) {
    throw new UsageError("--task and --all exclude each other", "");
  }
  if (options.task !== undefined && resume) {
    throw new UsageError("--task cannot be combined with resume", "");
  }
  if (options.json && !options["dry-run"]) {
    throw new UsageError("--json needs --dry-run (see `status --json`)", "");
  }
  const concurrency = parseConcurrency(options.concurrency);
  const loaded = await loadPlanOrReport(options.file);
  if (typeof loaded === "number") return loaded;
  const target = typeof options.task === "string" ? options.task : undefined;
  const force = options.force === true;

  if (options["dry-run"]) {
    const { dryRun } = await import("../engine/dry_run.ts");
    const { RunRefused } = await import("../engine/run.ts");
    try {
      const report = await dryRun({ loaded, target, resume, force });
      const { renderDryRun } = await import("../render/dry_run.ts");
      console.log(
        options.json ? JSON.stringify(report, null, 2) : renderDryRun(report),
      );
      return 0;
    } catch (e) {
      if (e instanceof RunRefused) throw new UsageError(e.message, "");
      throw e;
    }
  }

  const { executeRun, RunRefused, EXIT } = await import("../engine/run.ts");
  const { DenoRunner } = await import("../exec/deno_runner.ts");
  const { VERSION } = await import("./app.ts");
  const runner = new DenoRunner();
  const { handleInterrupts } = await import("./interrupts.ts");
  const { LOCK_FILE } = await import("../engine/lock.ts");
  const interrupts = handleInterrupts(runner, loaded.root, LOCK_FILE);
  try {
    return await executeRun({
      loaded,
      target,
      resume,
      force,
      noBuild: options["no-build"] === true,
      concurrency,
      runner,
      observers: runObservers(loaded.root),
      interrupt: interrupts.signal,
      toolVersion: VERSION,
      warn: (m) => console.error(m),
    });
  } catch (e) {
    if (e instanceof RunRefused) {
      console.error(`error: ${e.message}`);
      return EXIT.invalid;
    }
    throw e;
  } finally {
    interrupts.dispose();
  }
}

/**
 * `run --watch`: run, then watch the plan's files, inputs and paths; on a
 * change, run again (tasks whose inputs did not change are skipped as up to
 * date, so what a change affects runs, and what depends on it). A run that
 * stops at a gate says so and watching goes on; a plan that no longer
 * validates shows its errors and watching goes on until it does. Ctrl-C
 * while a run is going stops it as always (recorded, exit 130); between
 * runs it ends the watch at once, with nothing to record.
 * @module
 */

import { print, printError } from "../output/stdio.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { EXIT_CODE, type ExitCode } from "../exit_code.ts";
import { CliError } from "./errors.ts";
import { loadPlanOrThrow } from "./plan_source.ts";
import { nextChange, watchTargets } from "./watch.ts";

/**
 * Runs `run(loaded)`, then again after each change, until Ctrl-C.
 *
 * @param loaded The plan as first loaded.
 * @param file `--file`, to load the plan again when it changes.
 * @param run One run of a plan; its exit code.
 * @returns 130 when the watch ends by Ctrl-C (or a run was interrupted).
 */
export async function watchRuns(
  loaded: LoadedPlan,
  file: string | boolean | undefined,
  run: (plan: LoadedPlan) => Promise<ExitCode>,
): Promise<ExitCode> {
  const { planFiles } = await import("../plan/plan_files.ts");
  let plan = loaded;
  let runNext = true;
  for (;;) {
    if (runNext) {
      const code = await run(plan);
      if (code === EXIT_CODE.interrupted) return code;
      if (code === EXIT_CODE.paused) {
        print(
          "watch: the run waits at a gate: approve it, then `orchestrate resume` (watching goes on)",
        );
      }
    }
    const targets = watchTargets(
      plan.plan,
      plan.root,
      await planFiles(plan.file),
    );
    print(`watch: watching ${targets.description} (Ctrl-C to stop)`);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    const signals = ["SIGINT", "SIGTERM"] as const;
    for (const s of signals) Deno.addSignalListener(s, onSignal);
    let changed: string[] | null;
    try {
      changed = await nextChange(targets, plan.root, stop.signal);
    } finally {
      for (const s of signals) Deno.removeSignalListener(s, onSignal);
    }
    if (changed === null) {
      print("watch: stopped");
      return EXIT_CODE.interrupted;
    }
    print(`watch: changed ${changed.join(", ")}`);
    if (changed.some((path) => targets.isPlan(path))) {
      try {
        plan = await loadPlanOrThrow(file);
      } catch (e) {
        if (!(e instanceof CliError)) throw e;
        printError(e.text());
        printError("watch: the plan is invalid: fix it; watching goes on");
        runNext = false;
        continue;
      }
    }
    runNext = true;
  }
}

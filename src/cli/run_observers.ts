/**
 * The observers of a run started from the CLI: the terminal view and TASKS.md.
 * @module
 */

import type { RunObserver } from "../engine/run.ts";
import type { TaskState } from "../events/fold.ts";
import { createReporter } from "../output/progress.ts";
import { tasksMdReporter } from "../output/tasks_md_reporter.ts";
import { terminalOptions } from "../output/terminal.ts";

/**
 * Observers for a run in `root`: progress on stdout (with the last
 * `failureLines` lines of a failing command's output under its failure),
 * TASKS.md at the root.
 */
export function runObservers(
  root: string,
  failureLines: number,
  earlier: ReadonlyMap<string, TaskState> = new Map(),
): RunObserver[] {
  return [
    createReporter({
      ...terminalOptions(),
      failureOutput: { root, cwd: Deno.cwd(), lines: failureLines },
    }),
    tasksMdReporter(root, { earlier }),
  ];
}

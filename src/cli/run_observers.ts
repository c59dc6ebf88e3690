/**
 * The observers of a run started from the CLI: the terminal view and TASKS.md.
 * @module
 */

import type { RunObserver } from "../engine/run.ts";
import { createReporter } from "../output/progress.ts";
import { tasksMdReporter } from "../output/tasks_md_reporter.ts";
import { terminalOptions } from "../output/terminal.ts";

/** Observers for a run in `root`: progress on stdout, TASKS.md at the root. */
export function runObservers(root: string): RunObserver[] {
  return [createReporter(terminalOptions()), tasksMdReporter(root)];
}

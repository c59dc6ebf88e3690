/**
 * The observers of a run started from the CLI: the terminal view and
 * TASKS.md, and with `--stream` every command's output, live.
 * @module
 */

import type { RunObserver } from "../engine/run.ts";
import type { OutputTap } from "../engine/steps/handler.ts";
import type { TaskState } from "../events/fold.ts";
import { createReporter } from "../output/progress.ts";
import { streamTap } from "../output/stream_tap.ts";
import { tasksMdReporter } from "../output/tasks_md_reporter.ts";
import { terminalOptions } from "../output/terminal.ts";

/** How the CLI shows a run. */
export interface RunViewOptions {
  /** Lines of a failing command's output shown under its failure. */
  failureLines: number;
  /** Each task's latest result in earlier runs, for TASKS.md. */
  earlier?: ReadonlyMap<string, TaskState>;
  /** `--stream`: every command's output live (the plain view, no tail under failures). */
  stream?: boolean;
}

/**
 * Observers for a run in `root`: progress on stdout (with the last lines of
 * a failing command's output under its failure, or every line live with
 * `stream`), TASKS.md at the root; and the output tap `stream` needs.
 *
 * @example
 * ```ts ignore
 * const { observers, output } = runObservers(root, { failureLines: 20 });
 * ```
 */
export function runObservers(
  root: string,
  options: RunViewOptions,
): { observers: RunObserver[]; output?: OutputTap } {
  const terminal = terminalOptions();
  const stream = options.stream === true;
  return {
    observers: [
      createReporter({
        ...terminal,
        // Streamed lines and a block redrawn in place do not mix.
        ...(stream ? { tty: false } : {}),
        failureOutput: {
          root,
          cwd: Deno.cwd(),
          lines: stream ? 0 : options.failureLines,
        },
      }),
      tasksMdReporter(root, { earlier: options.earlier ?? new Map() }),
    ],
    ...(stream ? { output: streamTap(terminal.out) } : {}),
  };
}

/**
 * TASKS.md as a consumer of a run's events, like the terminal view.
 * @module
 */

import { relative, resolve } from "../fs/path.ts";
import type { RunState, TaskState } from "../events/fold.ts";
import { overlayEarlier } from "../events/project_state.ts";
import type { RunEvent } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";
import type { Reporter } from "./reporter.ts";
import { TasksMdWriter, type TasksMdWriterOptions } from "./tasks_md_writer.ts";

/**
 * A {@link Reporter} that keeps `<root>/TASKS.md` current: written ~250 ms
 * after the start, rewritten at most every ~250 ms while events come, and
 * written once more on `close` (a run shorter than that writes it once).
 *
 * @param root The project root (absolute, or relative to the working directory).
 * @param options Interval, writer and timers (tests inject these).
 * @returns The reporter; its `start` takes the log path as the engine gives
 * it (relative to the working directory) and links it relative to the root.
 *
 * @example
 * ```ts ignore
 * // ignore: writes TASKS.md into a real project during a run
 * const observers = [createReporter(terminalOptions()), tasksMdReporter(root)];
 * ```
 */
export function tasksMdReporter(
  root: string,
  options: TasksMdWriterOptions & {
    /** Each task's latest result in earlier runs: shown for tasks this run does not touch. */
    earlier?: ReadonlyMap<string, TaskState>;
  } = {},
): Reporter {
  let writer: TasksMdWriter | null = null;
  let plan: Plan | null = null;
  // The tasks this run selected show this run's state (pending until they
  // run); the others keep their latest result from an earlier run.
  const earlier: ReadonlyMap<string, TaskState> = options.earlier ?? new Map();
  const project = (state: RunState) => overlayEarlier(state, earlier);
  return {
    start(p: Plan, state: RunState, logPath: string) {
      plan = p;
      // Absolute first: a bare resolve() starts Node's process object (~10 ms).
      const link = relative(root, resolve(Deno.cwd(), logPath))
        .replaceAll("\\", "/");
      writer = new TasksMdWriter(root, link, options);
      writer.scheduleLater(p, project(state));
    },
    onEvent(_event: RunEvent, state: RunState) {
      if (writer && plan) writer.schedule(plan, project(state));
    },
    close(state: RunState) {
      if (writer && plan) writer.flush(plan, project(state));
    },
  };
}

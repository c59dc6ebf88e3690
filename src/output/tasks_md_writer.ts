/**
 * Keeps TASKS.md current during a run without rewriting it per event.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { Plan } from "../plan/ir.ts";
import { renderTasksMd, TASKS_MD } from "../render/tasks_md.ts";
import { Throttle } from "./throttle.ts";
import type { Timers } from "./timers.ts";
import { printError } from "./stdio.ts";
import { writeTasksMd } from "./write_atomic.ts";

/** Options of {@link TasksMdWriter}. */
export interface TasksMdWriterOptions {
  /** Least time between two rewrites; default 250 ms. */
  intervalMs?: number;
  /** Where the text goes; default an atomic write of `<root>/TASKS.md`. */
  write?: (text: string) => void;
  /** Clock and timers; default real, unref'd ones. */
  timers?: Timers;
  /** Called when a write fails; default a warning on stderr. A run goes on. */
  onError?: (error: unknown) => void;
}

/**
 * Rewrites TASKS.md at most every ~250 ms while a run goes on. The engine
 * calls `schedule` after each event (cheap: nothing is rendered until the
 * timer fires) and `flush` at the end, before it exits.
 *
 * @example
 * ```ts ignore
 * const writer = new TasksMdWriter(root, ".codex/runs/R.jsonl");
 * writer.schedule(plan, state); // after each event
 * writer.flush(); // at the end of the run
 * ```
 */
export class TasksMdWriter {
  #logPath: string;
  #write: (text: string) => void;
  #onError: (error: unknown) => void;
  #throttle: Throttle;
  #plan: Plan | null = null;
  #state: RunState | null = null;

  /**
   * Creates the writer; nothing is written before `schedule` or `flush`.
   * @param root The project root (TASKS.md is written there).
   * @param logPath The run log, relative to the root (linked from TASKS.md).
   * @param options Interval, writer and timers.
   */
  constructor(
    root: string,
    logPath: string,
    options: TasksMdWriterOptions = {},
  ) {
    this.#logPath = logPath;
    this.#write = options.write ?? ((text) => writeTasksMd(root, text));
    this.#onError = options.onError ??
      ((e) => printError(`warning: Cannot write ${TASKS_MD}: ${e}`));
    this.#throttle = new Throttle(
      () => this.#render(),
      options.intervalMs ?? 250,
      options.timers,
    );
  }

  /** Asks for a rewrite with this state (read when the rewrite happens). */
  schedule(plan: Plan, state: RunState): void {
    this.#plan = plan;
    this.#state = state;
    this.#throttle.request();
  }

  /** Writes now: the last scheduled state, or the one given. */
  flush(plan?: Plan, state?: RunState): void {
    if (plan && state) this.schedule(plan, state);
    this.#throttle.flush();
  }

  /** Drops a pending rewrite without writing. */
  cancel(): void {
    this.#throttle.cancel();
  }

  #render(): void {
    if (this.#plan === null || this.#state === null) return;
    try {
      this.#write(renderTasksMd(this.#plan, this.#state, this.#logPath));
    } catch (e) {
      this.#onError(e);
    }
  }
}

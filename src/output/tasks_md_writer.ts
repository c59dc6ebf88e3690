/**
 * Keeps the dashboard current during a run without rewriting it per event,
 * and never over someone's own TASKS.md.
 * @module
 */

import { dirname, join } from "../fs/path.ts";
import type { RunState } from "../events/fold.ts";
import { readStateTextSync } from "../events/state_file.ts";
import type { Plan } from "../plan/ir.ts";
import {
  isGeneratedTasksMd,
  renderTasksMd,
  TASKS_MD,
  TASKS_MD_ASIDE,
} from "../render/tasks_md.ts";
import { printError } from "./stdio.ts";
import { Throttle } from "./throttle.ts";
import type { Timers } from "./timers.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";

/** Options of {@link TasksMdWriter}. */
export interface TasksMdWriterOptions {
  /** Least time between two rewrites; default 250 ms. */
  intervalMs?: number;
  /** Where the text goes instead of the file chosen by {@link tasksMdPath} (tests). */
  write?: (text: string) => void;
  /** Clock and timers; default real, unref'd ones. */
  timers?: Timers;
  /** Called when a write fails; default a warning on stderr. A run goes on. */
  onError?: (error: unknown) => void;
  /**
   * Called once when TASKS.md is someone's own file and the dashboard goes to
   * `.codex/TASKS.md` instead; default a note on stderr.
   */
  onAside?: (path: string) => void;
}

/**
 * Where the dashboard of `root` goes, relative to the root: `TASKS.md` when
 * there is none or orchestrate wrote it, else `.codex/TASKS.md` (a TASKS.md
 * without orchestrate's mark, or one that cannot be read, is left alone).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tasksMdPath } from "./tasks_md_writer.ts";
 * const root = Deno.makeTempDirSync();
 * assert.equal(tasksMdPath(root), "TASKS.md");
 * Deno.writeTextFileSync(`${root}/TASKS.md`, "# My own list\n");
 * assert.equal(tasksMdPath(root), ".codex/TASKS.md");
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function tasksMdPath(root: string): string {
  let head: string;
  try {
    head = readStateTextSync(join(root, TASKS_MD), 1024);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return TASKS_MD;
    // Not a file we can read (a folder, no permission): not provably ours, so not ours to replace.
    return TASKS_MD_ASIDE;
  }
  return isGeneratedTasksMd(head) ? TASKS_MD : TASKS_MD_ASIDE;
}

/**
 * Rewrites the dashboard at most every ~250 ms while a run goes on. The
 * engine calls `schedule` after each event (cheap: nothing is rendered until
 * the timer fires) and `flush` at the end, before it exits. Each write
 * checks where the dashboard goes ({@link tasksMdPath}), so a TASKS.md
 * that someone writes during the run is not overwritten either.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a plan and a run state
 * const writer = new TasksMdWriter(root, ".codex/runs/R.jsonl");
 * writer.schedule(plan, state); // after each event
 * writer.flush(); // at the end of the run
 * ```
 */
export class TasksMdWriter {
  #root: string;
  #logPath: string;
  #write: ((text: string) => void) | null;
  #onError: (error: unknown) => void;
  #onAside: (path: string) => void;
  #asideSaid = false;
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
    this.#root = root;
    this.#logPath = logPath;
    this.#write = options.write ?? null;
    this.#onError = options.onError ??
      ((e) => printError(`warning: Cannot write the task dashboard: ${e}`));
    this.#onAside = options.onAside ??
      ((path) =>
        printError(
          `note: ${TASKS_MD} was not written by orchestrate, so it is left alone; the dashboard is in ${path}`,
        ));
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

  /**
   * Asks for the first write one interval from now: a run that ends sooner
   * writes TASKS.md once, at its end (a no-op re-run of 1,000 tasks spares
   * a whole render).
   */
  scheduleLater(plan: Plan, state: RunState): void {
    this.#plan = plan;
    this.#state = state;
    this.#throttle.requestLater();
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
      if (this.#write) {
        this.#write(renderTasksMd(this.#plan, this.#state, this.#logPath));
        return;
      }
      const path = tasksMdPath(this.#root);
      if (path !== TASKS_MD && !this.#asideSaid) {
        this.#asideSaid = true;
        this.#onAside(path);
      }
      const full = join(this.#root, path);
      Deno.mkdirSync(dirname(full), { recursive: true });
      const text = renderTasksMd(this.#plan, this.#state, this.#logPath, {
        dir: dirname(path) === "." ? "" : dirname(path),
        linkable: (output) => _isFile(join(this.#root, output)),
      });
      writeFileAtomic(full, text);
    } catch (e) {
      this.#onError(e);
    }
  }
}

function _isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

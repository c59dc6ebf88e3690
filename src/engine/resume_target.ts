/**
 * The run `resume` continues (see `events/run_pick.ts`), or why none.
 * @module
 */

import { runToResume } from "../events/run_pick.ts";
import type { RunStore } from "../events/store.ts";
import { closest } from "../plan/suggest.ts";
import { RunRefused } from "./refused.ts";

/**
 * The run a resume continues: `--run ID` when given (refused when no such
 * run exists), else the latest run, or the newest that waits at a gate when
 * the latest completed.
 * @throws {RunRefused} When there is no run, or no run `wanted`.
 *
 * @example
 * ```ts ignore
 * const run = await resumeTarget(new RunStore(root), undefined);
 * ```
 */
export async function resumeTarget(
  store: RunStore,
  wanted: string | undefined,
): Promise<string> {
  if (wanted !== undefined) {
    const runs = await store.runs();
    if (!runs.includes(wanted)) {
      const near = closest(wanted, runs);
      throw new RunRefused(
        `Unknown run "${wanted}"${near ? `: did you mean "${near}"?` : ""}`,
      );
    }
    return wanted;
  }
  const run = await runToResume(store);
  if (run === null) {
    throw new RunRefused(
      "Nothing to resume: no run has been recorded in this project yet",
    );
  }
  return run;
}

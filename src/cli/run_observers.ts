/**
 * The observers of a run started from the CLI: the terminal view and TASKS.md.
 * @module
 */

import type { RunObserver } from "../engine/run.ts";

/** Observers for a run in `root`. */
export function runObservers(_root: string): RunObserver[] {
  return [{
    start(_plan, _state, logPath) {
      console.log(`log: ${logPath}`);
    },
    onEvent(event) {
      if (event.task !== null) {
        console.log(
          `[${event.task}${
            event.shard ? "/" + event.shard : ""
          }] ${event.type}`,
        );
      } else console.log(`${event.type}`);
    },
    close() {},
  }];
}

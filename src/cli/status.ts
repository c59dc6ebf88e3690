/**
 * `orchestrate status`: the state of every task, folded from the latest
 * run's log, as a table or as JSON.
 * @module
 */

import { emptyState } from "../events/fold.ts";
import { foldLog } from "../events/fold_log.ts";
import { listRuns, logPath, RUNS_DIR } from "../events/log.ts";
import { renderStatus, statusJson } from "../render/status.ts";
import type { CommandSpec } from "./command.ts";
import { FILE_OPTION, loadPlanOrReport } from "./plan_source.ts";

/** The `status` command. */
export const statusCommand: CommandSpec = {
  name: "status",
  summary: "Show the state of every task from the latest run's log",
  options: {
    file: FILE_OPTION,
    json: { type: "boolean", description: "Print the status as JSON" },
  },
  async run({ options }) {
    const loaded = await loadPlanOrReport(options.file);
    if (typeof loaded === "number") return loaded;
    const { plan, root } = loaded;
    const runs = await listRuns(root);
    const run = runs.at(-1) ?? null;
    let state = emptyState();
    let log: string | null = null;
    if (run === null) {
      if (options.json) {
        console.error(`No runs yet in ${RUNS_DIR}/: every task is pending.`);
      }
    } else {
      log = `${RUNS_DIR}/${run}.jsonl`;
      const folded = await foldLog(logPath(root, run));
      for (const warning of folded.warnings) {
        console.error(`warning: ${warning}`);
      }
      state = folded.state;
    }
    console.log(
      options.json
        ? JSON.stringify(statusJson(plan, state, run, log), null, 2)
        : renderStatus(plan, state, run, log).trimEnd(),
    );
    return 0;
  },
};

/**
 * The command tree of `orchestrate`, every command imported: for the root
 * help, mistakes in a command's name, and completions. Running a named
 * command imports only that command (`command_index.ts`).
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { approveCommand } from "./approve.ts";
import { briefCommand } from "./brief.ts";
import { completionsCommand } from "./completions.ts";
import { graphCommand } from "./graph.ts";
import { indexCommand } from "./index_cmd.ts";
import { searchCommand } from "./search.ts";
import { initCommand } from "./init.ts";
import { listCommand } from "./list.ts";
import { mergeCommand } from "./merge.ts";
import { planCommand } from "./plan_command.ts";
import { reportCommand } from "./report.ts";
import { resumeCommand, runCommand } from "./run.ts";
import { statusCommand } from "./status.ts";
import { exportCommand } from "./export.ts";
import { fingerprintCommand } from "./fingerprint.ts";

/** Root of the command tree. */
export const app: CommandSpec = {
  name: "orchestrate",
  summary:
    "Run a repo-local work plan as a DAG of tasks, checks and approval gates.",
  subcommands: [
    planCommand,
    runCommand,
    resumeCommand,
    statusCommand,
    listCommand,
    approveCommand,
    reportCommand,
    mergeCommand,
    graphCommand,
    initCommand,
    indexCommand,
    searchCommand,
    briefCommand,
    exportCommand,
    fingerprintCommand,
    completionsCommand(() => app),
  ],
};

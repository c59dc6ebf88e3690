/**
 * `orchestrate plan compile`: print the IR as stable, pretty JSON.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { checkPlanOrReport, FILE_OPTION } from "./plan_source.ts";

/** The `plan compile` command. */
export const planCompileCommand: CommandSpec = {
  name: "compile",
  summary: "Print the plan's intermediate representation (IR) as JSON",
  options: { file: FILE_OPTION },
  async run({ options }) {
    const loaded = await checkPlanOrReport(options.file);
    if (typeof loaded === "number") return loaded;
    console.log(JSON.stringify(loaded.plan, null, 2));
    return 0;
  },
};

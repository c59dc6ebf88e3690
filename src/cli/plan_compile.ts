/**
 * `orchestrate plan compile`: print the IR as stable, pretty JSON.
 * @module
 */

import { defineCommand } from "./command.ts";
import { checkPlanOrThrow, FILE_OPTION } from "./plan_source.ts";
import { print } from "../output/stdio.ts";

/** The `plan compile` command. */
export const planCompileCommand = defineCommand({
  name: "compile",
  summary: "Print the plan's intermediate representation (IR) as JSON",
  options: { file: FILE_OPTION },
  async run({ options }) {
    const loaded = await checkPlanOrThrow(options.file);
    print(JSON.stringify(loaded.plan, null, 2));
    return 0;
  },
});

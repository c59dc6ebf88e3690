/**
 * `orchestrate plan`: the group of the commands that check or compile the
 * plan without running it.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { planCompileCommand } from "./plan_compile.ts";
import { planCheckCommand, planValidateCommand } from "./plan_validate.ts";

/** The `plan` group: `validate`, `check`, `compile`. */
export const planCommand: CommandSpec = {
  name: "plan",
  summary: "Validate, type-check or compile the plan",
  subcommands: [planValidateCommand, planCheckCommand, planCompileCommand],
};

/**
 * `orchestrate plan validate`: check a plan, print every problem.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { checkPlanOrReport, FILE_OPTION } from "./plan_source.ts";

/** The `plan validate` command. */
export const planValidateCommand: CommandSpec = {
  name: "validate",
  summary: "Check a plan: schema, ids, dependencies, cycles, checks, paths",
  options: { file: FILE_OPTION },
  async run({ options }) {
    const loaded = await checkPlanOrReport(options.file);
    if (typeof loaded === "number") return loaded;
    const { plan } = loaded;
    const shards = plan.tasks.reduce((n, t) => n + t.shards.length, 0);
    console.log(
      `${loaded.file}: valid plan "${plan.project.name}" — ${plan.tasks.length} task${
        plan.tasks.length === 1 ? "" : "s"
      }, ${shards} shard${shards === 1 ? "" : "s"}`,
    );
    return 0;
  },
};

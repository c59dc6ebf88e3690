/**
 * `orchestrate plan validate`: check a plan, print every problem.
 * @module
 */

import { defineCommand } from "./command.ts";
import { checkPlanOrThrow, FILE_OPTION } from "./plan_source.ts";
import { print } from "../output/stdio.ts";
import { safeText } from "../render/safe_text.ts";

/** The `plan validate` command. */
export const planValidateCommand = defineCommand({
  name: "validate",
  summary: "Check a plan: schema, ids, dependencies, cycles, checks, paths",
  options: { file: FILE_OPTION },
  async run({ options }) {
    const loaded = await checkPlanOrThrow(options.file);
    const { plan } = loaded;
    const shards = plan.tasks.reduce((n, t) => n + t.shards.length, 0);
    print(
      `${safeText(loaded.file)}: valid plan "${
        safeText(plan.project.name)
      }" — ${plan.tasks.length} task${
        plan.tasks.length === 1 ? "" : "s"
      }, ${shards} shard${shards === 1 ? "" : "s"}`,
    );
    return 0;
  },
});

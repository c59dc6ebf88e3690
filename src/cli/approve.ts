/**
 * `orchestrate approve <gate> [--task ID]`: grant a gate in the latest run.
 * @module
 */

import { userInfo } from "node:os";
import type { CommandSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION, loadPlanOrReport } from "./plan_source.ts";
import { EventLog, listRuns } from "../events/log.ts";
import { gatesOf } from "../engine/gates.ts";
import { closest } from "../plan/suggest.ts";

/** The `approve` command. */
export const approveCommand: CommandSpec = {
  name: "approve",
  summary:
    "Approve a gate (e.g. deploy) in the latest run; then `orchestrate resume`",
  args: [{ name: "gate", required: true }],
  options: {
    file: FILE_OPTION,
    task: {
      type: "string",
      short: "t",
      value: "ID",
      description: "Approve the gate for this task only",
    },
  },
  async run({ options, positionals }) {
    const gate = positionals[0]!;
    const loaded = await loadPlanOrReport(options.file);
    if (typeof loaded === "number") return loaded;
    const { plan, root } = loaded;
    const taskId = typeof options.task === "string" ? options.task : null;
    const candidates = taskId === null
      ? plan.tasks
      : plan.tasks.filter((t) => t.id === taskId);
    if (taskId !== null && candidates.length === 0) {
      const near = closest(taskId, plan.tasks.map((t) => t.id));
      throw new UsageError(
        `Unknown task "${taskId}"${near ? `: did you mean "${near}"?` : ""}`,
        "",
      );
    }
    const known = new Set(candidates.flatMap((t) => gatesOf(plan, t)));
    if (!known.has(gate)) {
      const where = taskId === null ? "any task" : `task ${taskId}`;
      const list = known.size > 0
        ? `; its gates: ${[...known].join(", ")}`
        : "";
      throw new UsageError(`"${gate}" is not a gate of ${where}${list}`, "");
    }
    const runs = await listRuns(root);
    if (runs.length === 0) {
      throw new UsageError(
        "No run to approve: start one with `orchestrate run`",
        "",
      );
    }
    const run = runs[runs.length - 1]!;
    const log = await EventLog.open(root, run);
    let by = Deno.env.get("USER") ?? "";
    try {
      by ||= userInfo().username;
    } catch {
      by ||= "unknown";
    }
    log.append({
      type: "approval_granted",
      task: taskId,
      shard: null,
      gate,
      by,
      plan_hash: loaded.hash,
    });
    log.close();
    console.log(
      `Approved "${gate}"${
        taskId ? ` for ${taskId}` : " for every task"
      } in run ${run}.`,
    );
    console.log("Continue with: orchestrate resume");
    return 0;
  },
};

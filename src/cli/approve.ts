/**
 * `orchestrate approve <gate> [--task ID] [--by NAME] [--note TEXT]`: grant a gate in the live run, or
 * else the latest one. The approval records the definition hash of every
 * task it covers, as the run recorded the task: a task changed in the plan
 * file since is asked again once a resume runs its new definition.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION } from "./plan_source.ts";
import { printError } from "../output/stdio.ts";
import { closest } from "../plan/suggest.ts";
import type { Task } from "../plan/ir.ts";

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
    by: {
      type: "string",
      value: "NAME",
      description: "Who approves (default: the OS user)",
    },
    note: {
      type: "string",
      value: "TEXT",
      description: "Why, or what was checked: kept with the approval",
    },
    run: {
      type: "string",
      value: "ID",
      description:
        "Approve in this run (default: the live run, else the newest run waiting at the gate)",
    },
  },
  async run({ options, positionals }) {
    const gate = positionals[0]!;
    // Loaded here, not at the top: every command's start-up would pay for them.
    const [
      { namedOrLatestRun, viewRun },
      { definitionHashes },
      { explainChanges },
      { gateBinding, waitingPatch },
    ] = await Promise.all([
      import("./run_view.ts"),
      import("../engine/fingerprint.ts"),
      import("../engine/plan_changes.ts"),
      import("../engine/gates.ts"),
    ]);
    // `--run`, else the live run, else the newest run waiting at the gate
    // (a later run of a selection does not hide it); its plan as it recorded it.
    const { runsWaitingAt } = await import("../events/run_pick.ts");
    const wanted = typeof options.run === "string" ? options.run : null;
    let live = false;
    const view = await viewRun(options.file, async (store) => {
      if (wanted !== null) return await namedOrLatestRun(store, wanted);
      const running = (await store.live())?.run;
      if (running) {
        live = true;
        return running;
      }
      return (await runsWaitingAt(store, gate))[0] ?? await store.latest();
    });
    const { run, plan, state, store } = view;
    const taskId = typeof options.task === "string" ? options.task : null;
    const candidates = taskId === null
      ? plan.tasks
      : plan.tasks.filter((t) => t.id === taskId);
    // A task or gate the plan file has but the run does not yet: the run must take the change first.
    const onlyInPlanFile = (has: (t: Task) => boolean) =>
      run !== null && view.current !== null && !plan.tasks.some(has) &&
      view.current.plan.tasks.some(has);
    const later =
      `: the plan file has it, but run ${run} does not yet; \`orchestrate resume\` runs the changed plan and stops at the gate: approve it then`;
    if (taskId !== null && candidates.length === 0) {
      const near = closest(taskId, plan.tasks.map((t) => t.id));
      const hint = onlyInPlanFile((t) => t.id === taskId)
        ? later
        : near
        ? `: did you mean "${near}"?`
        : "";
      throw new UsageError(`Unknown task "${taskId}"${hint}`, "");
    }
    const known = new Set(candidates.flatMap((t) => t.gates));
    if (!known.has(gate)) {
      const where = taskId === null ? "any task" : `task ${taskId}`;
      const list = known.size > 0
        ? `; its gates: ${[...known].join(", ")}`
        : "";
      const hint = onlyInPlanFile((t) =>
          (taskId === null || t.id === taskId) && t.gates.includes(gate)
        )
        ? later
        : list;
      throw new UsageError(`"${gate}" is not a gate of ${where}${hint}`, "");
    }
    if (run === null) {
      throw new UsageError(
        "No run to approve: start one with `orchestrate run`",
        "",
      );
    }
    const { waitsAt } = await import("../events/run_pick.ts");
    if (!live && !waitsAt(state, gate)) {
      throw new UsageError(
        `No run waits at "${gate}"${wanted === null ? "" : ` in run ${run}`}: ${
          wanted === null ? `the latest run, ${run}, ` : ""
        }${
          state.outcome === null ? "stopped" : state.outcome
        } without reaching it. Run the plan (or resume it) until it stops there, then approve`,
        "",
      );
    }
    // Bound to the definitions the run recorded: a task changed in the plan file since is asked again.
    const hashes = definitionHashes(plan);
    // An agent's apply_patch approval is bound to the patch that waits, too.
    const taskHashes: Record<string, string> = Object.create(null);
    const patches: string[] = [];
    for (const task of candidates) {
      if (!task.gates.includes(gate)) continue;
      const binding = gateBinding(gate, task, hashes[task.id]!, state);
      if (binding === null) continue;
      taskHashes[task.id] = binding;
      const patch = waitingPatch(task.id, hashes[task.id]!, state);
      if (binding !== hashes[task.id] && patch !== null) {
        patches.push(
          `${task.id}: ${patch.patch} (${
            patch.files.join(", ")
          }: +${patch.added} -${patch.removed}${
            (patch.changes ?? []).map((c) => `; ${c}`).join("")
          }, ${patch.hash})`,
        );
      }
    }
    if (Object.keys(taskHashes).length === 0) {
      throw new UsageError(
        `No patch waits for "${gate}"${
          taskId ? ` in ${taskId}` : ""
        }: its agent has not produced a validated one yet (run the task first)`,
        "",
      );
    }
    const changed = (view.changes?.tasks ?? []).filter((c) =>
      c.kind !== "added" && Object.hasOwn(taskHashes, c.task)
    );
    if (changed.length > 0) {
      const lines = explainChanges({ tasks: changed, plan: [] });
      printError(
        `note: changed in the plan file since run ${run} recorded it:\n${
          lines.map((l) => `  ${l}`).join("\n")
        }\nThis approves the definition the run recorded; \`orchestrate resume\` runs the new one and asks for "${gate}" again.`,
      );
    }
    let by = typeof options.by === "string"
      ? options.by.trim()
      : Deno.env.get("USER") ?? "";
    try {
      by ||= (await import("node:os")).userInfo().username;
    } catch {
      by ||= "unknown";
    }
    const { NoApprovalsKey } = await import("../events/approval_seal.ts");
    const where = await store.grant(run, {
      type: "approval_granted",
      task: taskId,
      shard: null,
      gate,
      by,
      plan_hash: state.plan_hash ?? view.current?.hash ?? "",
      task_hashes: taskHashes,
      ...(typeof options.note === "string" && options.note.trim() !== ""
        ? { note: options.note.trim() }
        : {}),
    }).catch((e) => {
      if (e instanceof NoApprovalsKey) throw new UsageError(e.message, "");
      throw e;
    });
    console.log(
      `Approved "${gate}"${
        taskId ? ` for ${taskId}` : " for every task"
      } in run ${run}.`,
    );
    for (const line of patches) console.log(`  patch ${line}`);
    const latest = await store.latest();
    console.log(
      where === "journal"
        ? "That run is running now: it picks the approval up."
        : run === latest
        ? "Continue with: orchestrate resume"
        : `Continue with: orchestrate resume --run ${run}`,
    );
    return 0;
  },
};

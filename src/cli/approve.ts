/**
 * `orchestrate approve <gate> [--task ID]`: grant a gate in the live run, or
 * else the latest one. The approval records the definition hash of every
 * task it covers: a task changed since must be approved again.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION, loadPlanOrThrow } from "./plan_source.ts";
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
  },
  async run({ options, positionals }) {
    const gate = positionals[0]!;
    const loaded = await loadPlanOrThrow(options.file);
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
    const known = new Set(candidates.flatMap((t) => t.gates));
    if (!known.has(gate)) {
      const where = taskId === null ? "any task" : `task ${taskId}`;
      const list = known.size > 0
        ? `; its gates: ${[...known].join(", ")}`
        : "";
      throw new UsageError(`"${gate}" is not a gate of ${where}${list}`, "");
    }
    // Loaded here, not at the top: every command's start-up would pay for them.
    const [{ RunStore }, { definitionHashes }, { gateBinding, waitingPatch }] =
      await Promise.all([
        import("../events/store.ts"),
        import("../engine/fingerprint.ts"),
        import("../engine/gates.ts"),
      ]);
    const store = new RunStore(root);
    const live = await store.live();
    const run = live?.run ?? await store.latest();
    if (run === null) {
      throw new UsageError(
        "No run to approve: start one with `orchestrate run`",
        "",
      );
    }
    const hashes = definitionHashes(plan);
    // An agent's apply_patch approval is bound to the patch that waits.
    const { state } = await store.fold(run);
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
          }: +${patch.added} -${patch.removed}, ${patch.hash})`,
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
    let by = typeof options.by === "string"
      ? options.by.trim()
      : Deno.env.get("USER") ?? "";
    try {
      by ||= (await import("node:os")).userInfo().username;
    } catch {
      by ||= "unknown";
    }
    const where = await store.grant(run, {
      type: "approval_granted",
      task: taskId,
      shard: null,
      gate,
      by,
      plan_hash: loaded.hash,
      task_hashes: taskHashes,
      ...(typeof options.note === "string" && options.note.trim() !== ""
        ? { note: options.note.trim() }
        : {}),
    });
    console.log(
      `Approved "${gate}"${
        taskId ? ` for ${taskId}` : " for every task"
      } in run ${run}.`,
    );
    for (const line of patches) console.log(`  patch ${line}`);
    console.log(
      where === "journal"
        ? "That run is running now: it picks the approval up."
        : "Continue with: orchestrate resume",
    );
    return 0;
  },
};

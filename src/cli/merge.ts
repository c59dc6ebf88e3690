/**
 * `orchestrate merge <PATH>... [--run ID] [--json]`: the run logs that the
 * jobs of one distributed run wrote on their machines (fragments, every
 * `*.jsonl` below the paths) recorded as ONE run of this project, as a run
 * records itself: its log written under the project lock, registered in
 * the run index (so `status`, `report`, `list` and TASKS.md read it as the
 * latest run), TASKS.md redrawn. It records; `status` judges: exit 0 when
 * written (whatever the tasks did), 2 when the fragments are not one run.
 * @module
 */

import { defineCommand } from "./command.ts";
import { EXIT_CODE, UsageError } from "./errors.ts";
import { FILE_OPTION } from "./plan_source.ts";
import { print, printError } from "../output/stdio.ts";
import type { RunState } from "../events/fold.ts";
import { safeText } from "../text/safe_text.ts";

/** The `merge` command. */
export const mergeCommand = defineCommand({
  name: "merge",
  summary:
    "Record the run logs of a distributed run's jobs (every *.jsonl under PATH) as one run, and redraw TASKS.md",
  args: [{ name: "path", required: true, repeats: true }],
  options: {
    file: FILE_OPTION,
    run: {
      type: "string",
      value: "ID",
      description:
        "The merged run's id (default: derived from the fragments, so merging them again changes nothing)",
    },
    json: { type: "boolean", description: "Print what was merged as JSON" },
  },
  async run({ options, positionals }) {
    const [
      { mergedSource },
      { RUN_ID },
      { writeMergedRun },
    ] = await Promise.all([
      import("./merge_source.ts"),
      import("../events/run_index.ts"),
      import("./merge_write.ts"),
    ]);
    if (options.run !== undefined && !RUN_ID.test(options.run)) {
      throw new UsageError(
        `--run "${options.run}" is not a run id (no slashes or blanks)`,
      );
    }
    const source = await mergedSource(positionals, options.file, options.run);
    for (const warning of source.warnings) printError(`warning: ${warning}`);
    const written = await writeMergedRun(source);
    for (const warning of written.warnings) printError(`warning: ${warning}`);
    const { merged } = source;
    const groups = stateGroups(merged.state);
    if (options.json) {
      print(JSON.stringify(
        {
          run: merged.run,
          log: written.log,
          written: written.written,
          outputs_copied: written.outputs,
          outcome: merged.state.outcome,
          fragments: merged.fragments.map((f) => f.path),
          tasks: Object.fromEntries(groups),
          warnings: source.warnings,
        },
        null,
        2,
      ));
      return EXIT_CODE.ok;
    }
    const count = merged.fragments.length;
    print(
      written.written
        ? `Merged ${count} fragment${
          count === 1 ? "" : "s"
        } into run ${merged.run} (${written.log}): ${merged.state.outcome}`
        : `Run ${merged.run} is already merged from these fragments (${written.log}): nothing written`,
    );
    for (const [state, ids] of groups) {
      print(`  ${state}: ${safeText(ids.join(", "))}`);
    }
    print("See `orchestrate status` (its exit code judges the run).");
    return EXIT_CODE.ok;
  },
});

/**
 * Task ids per state, in plan order; tasks at a gate as `waiting at a
 * gate`, blocked ones with the task that blocks them.
 */
function stateGroups(state: RunState): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const task of state.tasks.values()) {
    let name: string = task.state;
    let id = task.id;
    if (task.state === "pending" && task.awaiting.length > 0) {
      name = "waiting at a gate";
      id = `${task.id} (${task.awaiting.join(", ")})`;
    } else if (task.state === "blocked" && task.detail !== null) {
      id = `${task.id} (by ${task.detail})`;
    } else if (task.state === "skipped" && task.reason !== null) {
      name = `skipped (${task.reason})`;
    }
    const ids = groups.get(name) ?? [];
    ids.push(id);
    groups.set(name, ids);
  }
  return [...groups];
}

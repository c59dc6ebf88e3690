/**
 * `orchestrate status`: the state of every task, folded from the latest
 * run's log and approvals, as a table or as JSON, for the plan as the run
 * recorded it, with what changed in the plan file since (see
 * `run_view.ts`). Its exit code tells CI how the latest run stands (see
 * {@link statusExitCode}).
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { Plan } from "../plan/ir.ts";
import { safeText } from "../text/safe_text.ts";
import type { RunProcess } from "../render/status.ts";
import type { CommandSpec } from "./command.ts";
import { EXIT_CODE, type ExitCode, RUN_EXIT } from "../exit_code.ts";
import { FILE_OPTION } from "./plan_source.ts";
import { FROM_OPTION } from "./from_option.ts";

/**
 * The exit code of `status`: 0 only when the latest run completed; 1 when
 * it failed (a task failed or is blocked, or a bug stopped it), or there is
 * no finished run (none yet, or it is still running); 3 when it waits at an
 * approval gate; 130 when it was interrupted (Ctrl-C, or its process is
 * gone: resume it).
 *
 * @param state The latest run's folded state.
 * @param process Whether its process still runs.
 * @returns 0, 1, 3 or 130.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { statusExitCode } from "./status.ts";
 * assert.equal(statusExitCode({ ...emptyState(), outcome: "paused" }, null), 3);
 * assert.equal(statusExitCode(emptyState(), "gone"), 130);
 * ```
 */
export function statusExitCode(
  state: RunState,
  process: RunProcess,
): ExitCode {
  if (state.outcome === null) {
    return process === "gone" ? EXIT_CODE.interrupted : EXIT_CODE.failed;
  }
  // A run a bug stopped did not complete: `status` itself worked (70 is its own bugs').
  return state.outcome === "error" ? EXIT_CODE.failed : RUN_EXIT[state.outcome];
}

/**
 * The last lines of each failed task's output, under a heading naming the
 * task, for the table's reader (paths relative to the working directory).
 */
async function failedOutputs(
  root: string,
  plan: Plan,
  state: RunState,
  lines: number | undefined,
): Promise<string[]> {
  const [{ readTail }, { FAILURE_LINES, tailBlock }, { style }, path] =
    await Promise.all([
      import("../fs/read_tail.ts"),
      import("../render/output_tail.ts"),
      import("../render/ansi.ts"),
      import("../fs/path.ts"),
    ]);
  const max = lines ?? FAILURE_LINES;
  if (max <= 0) return [];
  const out: string[] = [];
  for (const task of plan.tasks) {
    const folded = state.tasks.get(task.id);
    if (folded?.state !== "failed" || !folded.last_output) continue;
    const file = path.join(root, folded.last_output);
    const tail = readTail(file);
    if (tail === null) continue;
    const block = tailBlock(
      tail.text,
      path.relative(Deno.cwd(), file) || file,
      max,
      style(false),
      tail.partial,
    );
    if (block.length > 0) {
      out.push(`${safeText(task.id)} failed; its output ends:`, ...block);
    }
  }
  return out;
}

/** The `status` command. */
export const statusCommand: CommandSpec = {
  name: "status",
  summary:
    "Show the state of every task from the latest run's log (exit 0 completed, 1 failed, 3 waiting at a gate, 130 interrupted)",
  options: {
    file: FILE_OPTION,
    json: { type: "boolean", description: "Print the status as JSON" },
    run: {
      type: "string",
      value: "ID",
      description:
        "Show this run as it stands (default: the latest, with the results of earlier runs for the tasks it left out)",
    },
    from: FROM_OPTION,
  },
  async run({ options }) {
    // Loaded here, not at the top: every command's start-up would pay for them.
    const [
      { markAbandoned },
      { RUNS_DIR },
      { namedOrLatestRun, viewRun, withEarlierResults },
      { explainChanges },
      { GONE_HINT, renderStatus, statusJson },
    ] = await Promise.all([
      import("../events/fold.ts"),
      import("../events/log.ts"),
      import("./run_view.ts"),
      import("../engine/plan_changes.ts"),
      import("../render/status.ts"),
    ]);
    const wanted = typeof options.run === "string" ? options.run : null;
    if (typeof options.from === "string") {
      // The fragments of a distributed run, merged here and shown: nothing written.
      const { mergedView } = await import("./merge_view.ts");
      const view = await mergedView(options.from, options.file, wanted);
      if (options.json) {
        console.log(JSON.stringify(
          {
            ...statusJson(view.plan, view.state, view.run, null, null),
            plan: {
              recorded: view.recorded,
              valid: view.current !== null,
              changes: view.changes,
            },
          },
          null,
          2,
        ));
      } else {
        console.log(
          renderStatus(view.plan, view.state, view.run, null, null).trimEnd(),
        );
      }
      return statusExitCode(view.state, null);
    }
    const picked = await viewRun(
      options.file,
      (store) => namedOrLatestRun(store, wanted),
    );
    // A run named by --run is shown alone; the project's state otherwise.
    const view = wanted === null ? await withEarlierResults(picked) : picked;
    const { run, state, plan, store } = view;
    let log: string | null = null;
    let process: RunProcess = null;
    if (run === null) {
      if (options.json) {
        console.error(`No runs yet in ${RUNS_DIR}/: every task is pending.`);
      }
    } else {
      log = `${RUNS_DIR}/${run}.jsonl`;
      if (state.outcome === null) {
        process = (await store.live())?.run === run ? "running" : "gone";
        if (process === "gone") markAbandoned(state);
      }
    }
    const changes = view.changes === null ? [] : explainChanges(view.changes);
    if (options.json) {
      if (process === "gone") console.error(`Run ${run}: ${GONE_HINT}`);
      const doc = {
        ...statusJson(plan, state, run, log, process),
        plan: {
          recorded: view.recorded,
          valid: view.current !== null,
          changes: view.changes,
        },
      };
      console.log(JSON.stringify(doc, null, 2));
    } else {
      console.log(renderStatus(plan, state, run, log, process).trimEnd());
      const tails = await failedOutputs(
        view.root,
        plan,
        state,
        view.current?.plan.orchestrator.failure_lines ??
          plan.orchestrator.failure_lines,
      );
      if (tails.length > 0) console.log(`\n${tails.join("\n")}`);
      if (changes.length > 0) {
        console.log(
          `\nThe plan changed since this run recorded it (\`orchestrate resume\` runs changed and new tasks again):\n${
            changes.map((line) => `  ${line}`).join("\n")
          }`,
        );
      }
    }
    return statusExitCode(state, process);
  },
};

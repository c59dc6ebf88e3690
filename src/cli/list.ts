/**
 * `orchestrate list`: the plan's tasks with titles, states and what each
 * waits for, from the same view of the project as `status`.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { FILE_OPTION } from "./plan_source.ts";
import { EXIT_CODE } from "../exit_code.ts";

/** The `list` command. */
export const listCommand: CommandSpec = {
  name: "list",
  summary:
    "List the plan's tasks: id, title, state, dependencies, gates and agents",
  options: {
    file: FILE_OPTION,
    json: { type: "boolean", description: "Print the list as JSON" },
  },
  async run({ options }) {
    // Loaded here, not at the top: every command's start-up would pay for them.
    const [{ viewRun, withEarlierResults }, { renderTaskList, taskListJson }, {
      print,
    }] = await Promise.all([
      import("./run_view.ts"),
      import("../render/task_list.ts"),
      import("../output/stdio.ts"),
    ]);
    const { plan, state } = await withEarlierResults(
      await viewRun(options.file, (store) => store.latest()),
    );
    const tasks = taskListJson(plan, state);
    print(
      options.json ? JSON.stringify(tasks, null, 2) : renderTaskList(tasks),
    );
    return EXIT_CODE.ok;
  },
};

/**
 * `orchestrate completions SHELL`: prints the completion script for bash,
 * zsh or fish; and `orchestrate __complete KIND`, which that script calls
 * for task ids, gate names and run ids of the plan in the working
 * directory (printing nothing, with exit 0, where there is no valid plan).
 * @module
 */

import { type CommandSpec, UsageError } from "./command.ts";
import { print } from "../output/stdio.ts";
import { EXIT_CODE, type ExitCode } from "../exit_code.ts";
import {
  completionScript,
  DYNAMIC_KINDS,
  type Shell,
  SHELLS,
} from "./completion_script.ts";

/** The `completions` command; `app` is the tree the script completes. */
export function completionsCommand(app: () => CommandSpec): CommandSpec {
  return {
    name: "completions",
    summary:
      "Print shell completions (bash, zsh, fish): commands, flags, task ids and gates",
    args: [{ name: "shell", required: true }],
    run({ positionals }) {
      const shell = positionals[0]!;
      if (!(SHELLS as readonly string[]).includes(shell)) {
        throw new UsageError(
          `Unknown shell "${shell}": expected one of ${SHELLS.join(", ")}`,
        );
      }
      print(completionScript(shell as Shell, app(), "orchestrate").trimEnd());
      return Promise.resolve(EXIT_CODE.ok);
    },
  };
}

/**
 * The values a completion asks for, one a line: `tasks` (task ids), `gates`
 * (gate names the plan uses or requires), `runs` (run ids, newest last).
 * Quiet on any problem: a completion must never print an error into the
 * user's command line.
 */
export async function completeValues(
  kind: string | undefined,
): Promise<ExitCode> {
  if (!(DYNAMIC_KINDS as readonly string[]).includes(kind ?? "")) {
    return EXIT_CODE.invalid;
  }
  try {
    const { loadPlan } = await import("../plan/load.ts");
    const { planPath } = await import("./plan_source.ts");
    const loaded = await loadPlan(planPath(undefined));
    if (!loaded.ok) return EXIT_CODE.ok;
    const { plan, root } = loaded.value;
    let values: string[];
    if (kind === "tasks") values = plan.tasks.map((t) => t.id);
    else if (kind === "gates") {
      values = [
        ...new Set([
          ...plan.orchestrator.approvals.required,
          ...plan.tasks.flatMap((t) => t.gates),
        ]),
      ];
    } else {
      const { orderedRuns } = await import("../events/run_index.ts");
      values = await orderedRuns(root);
    }
    for (const value of values) {
      // Ids with spaces or control characters would break the shell's word list.
      // deno-lint-ignore no-control-regex
      if (!/[\s\x00-\x1f]/.test(value)) print(value);
    }
  } catch {
    // No plan here, or it cannot be read: nothing to offer.
  }
  return EXIT_CODE.ok;
}

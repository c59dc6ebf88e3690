/**
 * The command output a merged run's events name (`.codex/runs/<job run>/…`,
 * relative to the project root, as each job recorded it) copied from the
 * fragments' folders into the project, so `status` shows a failed task's
 * last lines and TASKS.md and the report link its output as after a local
 * run. Only regular files named by an event and found beside the fragment
 * of that run are copied (by the run store: nothing already in the project
 * is replaced, no link is followed on either side).
 * @module
 */

import { basename, dirname, join } from "../fs/path.ts";
import { RUNS_DIR } from "../events/log.ts";
import { RUN_ID } from "../events/run_index.ts";
import type { MergedRun } from "../events/merge_fragments.ts";

/**
 * The output files `merged`'s events name, each as its path under the run
 * folder of the job run that wrote it and the file beside that job's
 * fragment to copy it from (the run store copies them in).
 *
 * @param merged The merged run.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a merged run whose fragments lie in artifact folders
 * const files = mergedOutputFiles(merged); // [{ path: "<job run>/A.x.1.log", from: "art/orchestrate-A/<job run>/A.x.1.log" }]
 * ```
 */
export function mergedOutputFiles(
  merged: MergedRun,
): { path: string; from: string }[] {
  // Each job's run id → the folder its fragment was found in.
  const folders = new Map<string, string>();
  for (const fragment of merged.fragments) {
    const start = fragment.events.find((e) => e.type === "run_started");
    if (start && basename(fragment.path) === `${start.run}.jsonl`) {
      folders.set(start.run, dirname(fragment.path));
    }
  }
  const names = new Set<string>();
  for (const event of merged.events) {
    const output = "output" in event ? event.output : null;
    if (typeof output === "string") names.add(output);
  }
  const files: { path: string; from: string }[] = [];
  for (const name of [...names].sort()) {
    const [state, runs, run, ...rest] = name.split("/");
    if (
      `${state}/${runs}` !== RUNS_DIR || run === undefined ||
      !RUN_ID.test(run) || run === merged.run || rest.length === 0 ||
      rest.some((p) => p === "" || p === "." || p === "..")
    ) continue;
    const folder = folders.get(run);
    if (folder === undefined) continue;
    files.push({
      path: [run, ...rest].join("/"),
      from: join(folder, run, ...rest),
    });
  }
  return files;
}

/**
 * The command output a merged run's events name (`.codex/runs/<job run>/…`,
 * relative to the project root, as each job recorded it) copied from the
 * fragments' folders into the project, so `status` shows a failed task's
 * last lines and TASKS.md and the report link its output as after a local
 * run. Only regular files named by an event and found beside the fragment
 * of that run are copied; nothing already in the project is replaced, and
 * no link is followed on either side.
 * @module
 */

import { basename, dirname, join } from "../fs/path.ts";
import { RUNS_DIR } from "../events/log.ts";
import { controlFolder } from "../events/control_entry.ts";
import { RUN_ID } from "../events/run_index.ts";
import type { MergedRun } from "../events/merge_fragments.ts";

/**
 * Copies the outputs `merged`'s events name into `root`.
 *
 * @param root The project root.
 * @param merged The merged run.
 * @returns How many files were copied, and one warning per file that could not be.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a merged run whose fragments lie in artifact folders
 * const { copied } = await copyMergedOutputs(root, merged);
 * ```
 */
export async function copyMergedOutputs(
  root: string,
  merged: MergedRun,
): Promise<{ copied: number; warnings: string[] }> {
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
  let copied = 0;
  const warnings: string[] = [];
  for (const name of [...names].sort()) {
    const parts = name.split("/");
    const [state, runs, run, ...rest] = parts;
    if (
      `${state}/${runs}` !== RUNS_DIR || run === undefined ||
      !RUN_ID.test(run) || run === merged.run || rest.length === 0 ||
      rest.some((p) => p === "" || p === "." || p === "..")
    ) continue;
    const folder = folders.get(run);
    if (folder === undefined) continue;
    const from = join(folder, run, ...rest);
    try {
      const info = await Deno.lstat(from);
      if (!info.isFile) continue;
      let dir = join(root, RUNS_DIR, run);
      await controlFolder(dir);
      for (const part of rest.slice(0, -1)) {
        await controlFolder(dir = join(dir, part));
      }
      const to = join(dir, rest.at(-1)!);
      const bytes = await Deno.readFile(from);
      await Deno.writeFile(to, bytes, { createNew: true, mode: 0o600 });
      copied++;
    } catch (e) {
      if (
        e instanceof Deno.errors.NotFound ||
        e instanceof Deno.errors.AlreadyExists
      ) continue;
      warnings.push(
        `${from}: cannot copy it into the project: ${(e as Error).message}`,
      );
    }
  }
  return { copied, warnings };
}

/**
 * Writes a merged run into the project as a run records itself: under the
 * project lock, its plan's IR first (beside the log, as `status` reads it),
 * then its log in one atomic write, then its place in the run index; then
 * TASKS.md is redrawn. The same merge written again changes nothing.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import { acquireLock, LockedError } from "../events/lock.ts";
import { artifactDir, logPath, RUNS_DIR } from "../events/log.ts";
import { controlFolder, entryKind } from "../events/control_entry.ts";
import { writeRecordedPlan } from "../events/recorded_plan.ts";
import { recordRun } from "../events/run_index.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { UsageError } from "./errors.ts";
import type { MergedSource } from "./merge_source.ts";

/** What {@link writeMergedRun} did. */
export interface MergeWritten {
  /** False when the same run was merged before (nothing written). */
  written: boolean;
  /** The log, relative to the project root. */
  log: string;
  /** Output files copied from the fragments' folders (see `merge_outputs.ts`). */
  outputs: number;
  /** Output files that could not be copied, one line each. */
  warnings: string[];
}

/**
 * Records `source`'s merged run in its project and redraws TASKS.md.
 *
 * @param source The merge.
 * @throws {UsageError} When a live run holds the lock, or `--run` names a
 *   run that holds other events (a derived id is a hash of its events).
 *
 * @example
 * ```ts ignore
 * // ignore: writes into a real project
 * const { written, log } = await writeMergedRun(await mergedSource(["art"], undefined, undefined));
 * ```
 */
export async function writeMergedRun(
  source: MergedSource,
): Promise<MergeWritten> {
  const { root, merged } = source;
  const path = logPath(root, merged.run);
  const log = relative(root, path);
  let lock;
  let outputs: { copied: number; warnings: string[] } = {
    copied: 0,
    warnings: [],
  };
  const warnings: string[] = [];
  try {
    lock = await acquireLock(root, merged.run);
  } catch (e) {
    if (e instanceof LockedError) throw new UsageError(e.message);
    throw e;
  }
  try {
    await controlFolder(join(root, STATE_DIR), "orchestrate's state");
    await controlFolder(join(root, RUNS_DIR), "the runs' logs");
    const kind = await entryKind(path);
    if (kind === "file") {
      if ((await Deno.readTextFile(path)) === merged.text) {
        await recordRun(root, merged.run);
        return { written: false, log, outputs: 0, warnings: [] };
      }
      // A derived id names its events (a hash of them): only a chosen one meets others.
      throw new UsageError(
        `Run ${merged.run} exists and holds other events: merge under another --run`,
      );
    }
    if (kind !== "missing") {
      throw new UsageError(
        `${log} is not a file: cannot record run ${merged.run} there`,
      );
    }
    if (source.recorded) {
      const hash = await writeRecordedPlan(
        artifactDir(root, merged.run),
        source.plan,
      );
      if (hash !== merged.plan_hash) {
        // Not in the form orchestrate writes (edited by hand): `status` reads the plan file.
        warnings.push(
          `the plan recorded beside the fragments is not as orchestrate writes it: the merged run shows the plan file's tasks`,
        );
      }
    }
    // The outputs first: the log never names a file that is not there yet.
    const { copyMergedOutputs } = await import("./merge_outputs.ts");
    outputs = await copyMergedOutputs(root, merged);
    writeFileAtomic(path, merged.text);
    await recordRun(root, merged.run);
  } finally {
    lock.release();
  }
  await redrawTasksMd(source, log);
  return {
    written: true,
    log,
    outputs: outputs.copied,
    warnings: [...warnings, ...outputs.warnings],
  };
}

/** TASKS.md as a run leaves it: this run's tasks, the others' latest earlier results. */
async function redrawTasksMd(source: MergedSource, log: string): Promise<void> {
  const [{ RunStore }, { earlierResults, overlayEarlier }, { TasksMdWriter }] =
    await Promise.all([
      import("../events/store.ts"),
      import("../events/project_state.ts"),
      import("../output/tasks_md_writer.ts"),
    ]);
  const { root, plan, merged } = source;
  const earlier = await earlierResults(
    new RunStore(root),
    new Set(plan.tasks.map((t) => t.id)),
    { exclude: merged.run, planFile: null },
  );
  new TasksMdWriter(root, log.replaceAll("\\", "/")).flush(
    plan,
    overlayEarlier(merged.state, earlier),
  );
}

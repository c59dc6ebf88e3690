/**
 * Writes a merged run into the project as a run records itself: under the
 * project lock, its plan's IR first (beside the log, as `status` reads it),
 * then its log in one atomic write, then its place in the run index; then
 * TASKS.md is redrawn. The same merge written again changes nothing.
 * @module
 */

import { relative } from "../fs/path.ts";
import { LockedError } from "../events/lock.ts";
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
  const [{ RunStore, RunExists }, { mergedOutputFiles }] = await Promise.all([
    import("../events/store.ts"),
    import("./merge_outputs.ts"),
  ]);
  const store = new RunStore(root);
  const log = relative(root, store.logPath(merged.run));
  const files = mergedOutputFiles(merged);
  let recorded;
  try {
    recorded = await store.importRun(
      merged.run,
      merged.text,
      source.recorded ? source.plan : null,
      files,
    );
  } catch (e) {
    if (e instanceof LockedError || e instanceof RunExists) {
      throw new UsageError(e.message);
    }
    throw e;
  }
  if (!recorded.written) {
    return { written: false, log, outputs: 0, warnings: [] };
  }
  const warnings = recorded.planHash !== null &&
      recorded.planHash !== merged.plan_hash
    // Not in the form orchestrate writes (edited by hand): `status` reads the plan file.
    ? [
      "the plan recorded beside the fragments is not as orchestrate writes it: the merged run shows the plan file's tasks",
    ]
    : [];
  await redrawTasksMd(source, log);
  return {
    written: true,
    log,
    outputs: recorded.copied,
    warnings: [...warnings, ...recorded.warnings],
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

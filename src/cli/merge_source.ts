/**
 * The fragments of a distributed run merged with the plan they ran: what
 * `merge` writes and `status --from` / `report --from` show. The plan is
 * the one a fragment's run recorded beside it, else the project's plan
 * file when it is the same plan; the merge takes each task's dependencies
 * from it (a task no fragment ran is blocked behind a failed one).
 * @module
 */

import { dirname, resolve } from "../fs/path.ts";
import { fragmentPlan, readFragments } from "../events/fragment_read.ts";
import {
  type MergedRun,
  mergeFragments,
  MergeRefused,
} from "../events/merge_fragments.ts";
import type { Plan } from "../plan/ir.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { PlanInvalid, UsageError } from "./errors.ts";
import { loadPlanOrThrow, planPath } from "./plan_source.ts";

/** A merged run and the plan it ran. */
export interface MergedSource {
  /** The project root. */
  root: string;
  /** The merged run. */
  merged: MergedRun;
  /** The plan of the run: the IR a fragment recorded, else the plan file's. */
  plan: Plan;
  /** Whether {@link plan} is the IR the fragments' run recorded (their plan hash). */
  recorded: boolean;
  /** The plan file, when it is valid. */
  current: LoadedPlan | null;
  /** Files left out, lines skipped: one line each, naming the file. */
  warnings: string[];
}

/**
 * Reads every fragment below `paths` and merges them with their plan.
 *
 * @param paths Files or folders (`merge`'s arguments, `--from`).
 * @param file `--file`.
 * @param run `--run`: the merged run's id.
 * @throws {UsageError} When no fragment is found, or fragments of two plans are given.
 * @throws {PlanInvalid} When the plan file is invalid and no fragment recorded its plan.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a project and the artifacts of its jobs
 * const { merged, warnings } = await mergedSource(["art"], undefined, undefined);
 * ```
 */
export async function mergedSource(
  paths: readonly string[],
  file: string | boolean | undefined,
  run: string | undefined,
): Promise<MergedSource> {
  const read = await readFragments(paths);
  if (read.fragments.length === 0) {
    throw new UsageError(
      `No run fragments (run logs, *.jsonl) under ${paths.join(", ")}${
        read.warnings.length > 0 ? `: ${read.warnings.at(-1)}` : ""
      }`,
    );
  }
  let current: LoadedPlan | null = null;
  let invalid: PlanInvalid | null = null;
  try {
    current = await loadPlanOrThrow(file);
  } catch (e) {
    if (!(e instanceof PlanInvalid)) throw e;
    invalid = e;
  }
  const root = current?.root ??
    resolve(Deno.cwd(), dirname(planPath(file)));
  try {
    // First to check the fragments are one plan's, and learn which.
    const first = await mergeFragments(read.fragments, { run: "check" });
    let plan: Plan | null = null;
    for (const fragment of first.fragments) {
      const start = fragment.events.find((e) => e.type === "run_started")!;
      plan = await fragmentPlan(fragment, start.run, first.plan_hash);
      if (plan !== null) break;
    }
    const recorded = plan !== null || current?.hash === first.plan_hash;
    plan ??= current?.plan ?? null;
    if (plan === null) throw invalid!;
    if (!recorded) {
      read.warnings.push(
        `the fragments ran another plan (plan hash ${
          first.plan_hash.slice(0, 12)
        }) than ${
          current!.file
        } and none recorded it beside its log: shown with the plan file's tasks`,
      );
    }
    const dependencies: Record<string, string[]> = {};
    for (const task of plan.tasks) {
      dependencies[task.id] = [...task.dependencies];
    }
    const merged = await mergeFragments(read.fragments, {
      ...(run === undefined ? {} : { run }),
      ...(recorded ? { dependencies } : {}),
      planFile: current?.file ??
        first.events.find((e) => e.type === "run_started")!.plan_file,
    });
    return { root, merged, plan, recorded, current, warnings: read.warnings };
  } catch (e) {
    if (e instanceof MergeRefused) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * What earlier runs say: the fingerprint of each task's last completed run,
 * in any run of the project.
 * @module
 */

import { RunStore } from "../events/store.ts";
import { OUTSIDE_SELECTION } from "../events/types.ts";

/**
 * Latest recorded fingerprint per task among `wanted`, reading runs newest
 * first (in the store's order, excluding `exceptRun`) and stopping once all
 * are found. A run that left a task out (`--task` of another one) or only
 * blocked it or made it wait says nothing about it: the search goes on to
 * older runs. A later start or failure that did not complete means the
 * task is not up to date.
 *
 * @param root The project root, or its run store.
 * @param wanted Task ids to look up.
 * @param exceptRun A run to leave out (the one being written), or null.
 * @returns Fingerprint per task that has one.
 *
 * @example
 * ```ts ignore
 * const prints = await previousFingerprints(root, new Set(["A", "B"]), null);
 * ```
 */
export async function previousFingerprints(
  root: string | RunStore,
  wanted: ReadonlySet<string>,
  exceptRun: string | null,
): Promise<Map<string, string>> {
  const store = typeof root === "string" ? new RunStore(root) : root;
  const found = new Map<string, string | null>();
  if (wanted.size === 0) return new Map();
  const runs = (await store.runs()).filter((r) => r !== exceptRun).reverse();
  for (const run of runs) {
    // Only the kinds read below, newest first: the run's other events, and
    // older ones of a task already found, are not parsed. A log gone or not
    // a file tells nothing: its tasks run again (status says why).
    try {
      store.eachEventNewestFirst(
        run,
        ["task_completed", "skipped", "task_started", "task_failed"],
        (task) => !wanted.has(task) || found.has(task),
        (e) => {
          if (e.task === null || !wanted.has(e.task) || found.has(e.task)) {
            return;
          }
          if (e.type === "task_completed") found.set(e.task, e.fingerprint);
          else if (e.type === "skipped") {
            // Left out of a `--task` run: says nothing; look further back.
            if (e.reason !== OUTSIDE_SELECTION) {
              found.set(e.task, e.fingerprint);
            }
          } else if (e.type === "task_started" || e.type === "task_failed") {
            found.set(e.task, null); // A later attempt that did not complete.
          }
        },
      );
    } catch {
      continue;
    }
    if (found.size === wanted.size) break;
  }
  const prints = new Map<string, string>();
  for (const [id, print] of found) if (print !== null) prints.set(id, print);
  return prints;
}

/**
 * What earlier runs say: the fingerprint of each task's last completed run.
 * @module
 */

import { listRuns, logPath, readLog } from "../events/log.ts";

/**
 * Latest recorded fingerprint per task among `wanted`, reading run logs
 * newest first (excluding `exceptRun`) and stopping once all are found.
 */
export async function previousFingerprints(
  root: string,
  wanted: ReadonlySet<string>,
  exceptRun: string | null,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (wanted.size === 0) return found;
  const runs = (await listRuns(root)).filter((r) => r !== exceptRun).reverse();
  for (const run of runs) {
    const { events } = await readLog(logPath(root, run));
    const seen = new Set<string>();
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (
        e.task === null || !wanted.has(e.task) || found.has(e.task) ||
        seen.has(e.task)
      ) continue;
      if (e.type === "task_completed" || e.type === "skipped") {
        seen.add(e.task);
        if (e.fingerprint !== null) found.set(e.task, e.fingerprint);
      } else if (e.type === "task_started" || e.type === "task_failed") {
        seen.add(e.task); // A later attempt that did not complete: not up to date.
      }
    }
    for (const id of seen) if (!found.has(id)) found.set(id, "");
    if ([...wanted].every((id) => found.has(id))) break;
  }
  for (const [id, print] of found) if (print === "") found.delete(id);
  return found;
}

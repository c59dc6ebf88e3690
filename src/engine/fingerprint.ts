/**
 * Up-to-date fingerprints: a task's definition, the content of its inputs,
 * and its dependencies' fingerprints.
 * @module
 */

import { join } from "node:path";
import { fastHash } from "../plan/fast_hash.ts";
import { sha256 } from "../plan/hash.ts";
import type { Plan, Task } from "../plan/ir.ts";
import { topologicalOrder } from "../graph/topo.ts";
import { matchFiles } from "./files.ts";

/**
 * Per task, a hash of its definition and (recursively) its dependencies'
 * definitions: a change anywhere upstream changes it. Recorded in
 * `run_started` so `resume` can tell which tasks changed.
 */
export function definitionHashes(plan: Plan): Record<string, string> {
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const hashes: Record<string, string> = {};
  for (const id of topologicalOrder(plan.tasks)) {
    const task = byId.get(id)!;
    hashes[id] = fastHash(
      JSON.stringify(task) + task.dependencies.map((d) => hashes[d]).join(","),
    );
  }
  return hashes;
}

/**
 * The fingerprint of a task, or null when it cannot be up to date: it
 * declares no `inputs`, or a dependency has no fingerprint.
 */
export async function fingerprint(
  root: string,
  task: Task,
  definitionHash: string,
  dependencyFingerprints: readonly (string | null)[],
): Promise<string | null> {
  if (
    task.inputs.length === 0 || dependencyFingerprints.some((f) => f === null)
  ) return null;
  const parts = [definitionHash, ...dependencyFingerprints as string[]];
  for (const file of await matchFiles(root, task.inputs)) {
    let content: Uint8Array;
    try {
      content = await Deno.readFile(join(root, file));
    } catch {
      continue;
    }
    parts.push(`${file}:${await sha256(content)}`);
  }
  return await sha256(parts.join("\n"));
}

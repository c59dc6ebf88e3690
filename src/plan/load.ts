/**
 * The plan loader: file -> schema -> includes -> IR -> semantic checks. The only
 * way to obtain a {@link Plan}. A cached check (see `cache.ts`) is used when
 * the plan's files are unchanged; only a miss loads the checker (and zod).
 * @module
 */

import { dirname, resolve } from "../fs/path.ts";
import type { Result } from "./diagnostic.ts";
import { readCachedPlan, refreshCachedHash, writeCachedPlan } from "./cache.ts";
import { sha256 } from "./hash.ts";
import type { CheckedPlan, LoadedPlan } from "./checked_plan.ts";
import type { Plan } from "./ir.ts";

export type { CheckedPlan, LoadedPlan } from "./checked_plan.ts";

/**
 * Loads, validates and normalizes a plan file (YAML, JSON or TypeScript).
 * Every problem found is returned at once, each located in its file.
 *
 * @example
 * ```ts ignore
 * import { loadPlan } from "./load.ts";
 * const result = await loadPlan("orchestrator.yml");
 * if (result.ok) console.log(result.value.plan.tasks.length);
 * ```
 */
export async function loadPlan(file: string): Promise<Result<LoadedPlan>> {
  const hit = await readCachedPlan(file);
  if (hit) {
    const hash = hit.hash ?? await planHash(hit.plan);
    if (hit.hash === null) await refreshCachedHash(file, hash);
    return { ok: true, value: { ...fromCache(file, hit.plan), hash } };
  }
  const { checkAndCache } = await import("./checker.ts");
  const checked = await checkAndCache(file);
  if (!checked.ok) return checked;
  const { plan } = checked.value;
  const hash = await planHash(plan);
  await writeCachedPlan(
    file,
    { plan, hash },
    checked.fresh.include,
    checked.fresh.sources,
    checked.fresh.modules,
  );
  return { ok: true, value: { ...checked.value, hash } };
}

function fromCache(file: string, plan: Plan): CheckedPlan {
  // Absolute first: a bare resolve() starts Node's process object (~10 ms).
  const root = resolve(Deno.cwd(), dirname(file), plan.project.root);
  return { plan, file, root };
}

/**
 * {@link loadPlan} without the hash, for commands that only read the plan:
 * on a 10,000-task plan the canonical JSON and its hash cost ~0.2 s and
 * ~35 MB of peak memory.
 *
 * @example
 * ```ts ignore
 * import { checkPlan } from "./load.ts";
 * const result = await checkPlan("orchestrator.yml");
 * if (!result.ok) console.error(result.diagnostics);
 * ```
 */
export async function checkPlan(file: string): Promise<Result<CheckedPlan>> {
  const hit = await readCachedPlan(file);
  if (hit) return { ok: true, value: fromCache(file, hit.plan) };
  const { checkAndCache } = await import("./checker.ts");
  const checked = await checkAndCache(file);
  if (checked.ok) {
    await writeCachedPlan(
      file,
      { plan: checked.value.plan, hash: null },
      checked.fresh.include,
      checked.fresh.sources,
      checked.fresh.modules,
    );
  }
  return checked;
}

/**
 * sha-256 of the IR's canonical JSON (hex), as in {@link LoadedPlan.hash}.
 *
 * @example
 * ```ts ignore
 * import { planHash } from "./load.ts";
 * await planHash(plan); // "3f2a..."
 * ```
 */
export function planHash(plan: Plan): Promise<string> {
  return sha256(JSON.stringify(plan));
}

/**
 * Which plan file a command reads.
 * @module
 */

import { join } from "../path.ts";

/** Plan file names looked for, in order, when `--file` is not given. */
export const PLAN_FILE_NAMES = [
  "orchestrator.yml",
  "orchestrator.ts",
  "orchestrator.json",
] as const;

/**
 * The plan file: `explicit` when given, else the first of
 * {@link PLAN_FILE_NAMES} that exists in `cwd`, else `undefined`.
 *
 * @example
 * ```ts ignore
 * import { discoverPlan } from "./discover.ts";
 * discoverPlan(Deno.cwd()); // "orchestrator.yml" when it exists
 * ```
 */
export function discoverPlan(
  cwd: string,
  explicit?: string,
): string | undefined {
  if (explicit !== undefined) return explicit;
  for (const name of PLAN_FILE_NAMES) {
    try {
      if (Deno.statSync(join(cwd, name)).isFile) return name;
    } catch {
      // Not there: try the next name.
    }
  }
  return undefined;
}

/**
 * Where a step's output file goes: under the run's artifacts, named after
 * its owner (see `output_name.ts`).
 * @module
 */

import { join } from "../../fs/path.ts";
import { outputFileName, type OutputOwner } from "../output_name.ts";
import type { TaskContext } from "./handler.ts";

/**
 * The absolute path of an output file and how events name it.
 *
 * @example
 * ```ts ignore
 * const { absolute, relative } = outputPaths(ctx, { task: "T", shard: null, step: "command", name: "test", attempt: 1 });
 * ```
 */
export function outputPaths(
  ctx: TaskContext,
  owner: OutputOwner,
): { absolute: string; relative: string } {
  const file = outputFileName(owner);
  return {
    absolute: join(ctx.artifacts, file),
    relative: `${ctx.artifactsRelative}/${file}`,
  };
}

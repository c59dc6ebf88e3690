/**
 * `--from DIR` on `status` and `report`: the fragments of a distributed
 * run (every `*.jsonl` below DIR) merged in memory and shown; nothing is
 * written (`orchestrate merge` records them).
 * @module
 */

import type { StringOption } from "./command.ts";

/** The `--from` flag, identical on `status` and `report`. */
export const FROM_OPTION: StringOption = {
  type: "string",
  value: "DIR",
  description:
    "Show the run merged from the run logs of a distributed run's jobs under DIR (nothing written; see `merge`)",
};

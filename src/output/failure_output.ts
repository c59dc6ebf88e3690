/**
 * The failing command's own words under its failure line: when a task or
 * shard fails, the terminal views print the last lines of the output file
 * the failure came from (already masked when it was written), with its path
 * relative to where the user stands.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunEvent } from "../events/types.ts";
import { isAbsolute, join, relative } from "../fs/path.ts";
import type { Style } from "../render/ansi.ts";
import { tailBlock } from "../render/output_tail.ts";
import { readTail } from "../fs/read_tail.ts";

/** Options of {@link FailureOutput}. */
export interface FailureOutputOptions {
  /** The project root (output paths in events are relative to it). */
  root: string;
  /** Where the user stands: paths are shown relative to it. */
  cwd: string;
  /** Lines shown under each failure (0: none). */
  lines: number;
  style: Style;
}

/**
 * Picks, for each failure event, the output to show under it — once per
 * output file, so a shard's failure and its task's show it once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import { style } from "../render/ansi.ts";
 * import { FailureOutput } from "./failure_output.ts";
 * const failures = new FailureOutput({ root: "/p", cwd: "/p", lines: 20, style: style(false) });
 * const event = { type: "task_failed", task: "A", shard: null, reason: "command_failed" } as const;
 * assert.deepEqual(failures.linesFor(event as never, emptyState()), []);
 * ```
 */
export class FailureOutput {
  #options: FailureOutputOptions;
  #shown = new Set<string>();

  /** @param options Root, working directory, line count and colours. */
  constructor(options: FailureOutputOptions) {
    this.#options = options;
  }

  /** Lines to print under `event` (empty unless it is a failure with captured output). */
  linesFor(event: RunEvent, state: RunState): string[] {
    if (event.type !== "task_failed" && event.type !== "shard_failed") {
      return [];
    }
    if (event.reason === "interrupted" || this.#options.lines <= 0) return [];
    const output = state.tasks.get(event.task!)?.last_output ?? null;
    if (output === null || this.#shown.has(output)) return [];
    this.#shown.add(output);
    const { root, cwd, lines, style } = this.#options;
    const file = isAbsolute(output) ? output : join(root, output);
    const tail = readTail(file);
    if (tail === null) return [];
    return tailBlock(
      tail.text,
      relative(cwd, file) || file,
      lines,
      style,
      tail.partial,
    );
  }
}

/**
 * The terminal view for logs and CI: one line per event that matters.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunEvent } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";
import { type Style, style } from "../render/ansi.ts";
import {
  eventLine,
  type LineContext,
  sharedGates,
} from "../render/event_line.ts";
import type { Reporter } from "./reporter.ts";
import { runSummary } from "../render/run_summary.ts";
import type { FailureOutput } from "./failure_output.ts";

/**
 * A {@link Reporter} that writes one line per event that matters (task and
 * shard outcomes, every command with its duration, retries, failed checks,
 * build steps, interrupts) and a final summary with counts and the log.
 * Never moves the cursor: safe for CI logs and pipes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { PlainReporter } from "./plain_reporter.ts";
 * let text = "";
 * const reporter = new PlainReporter({ color: false, out: (t) => text += t });
 * reporter.start({ tasks: [] } as unknown as Plan, emptyState(), "run.jsonl");
 * reporter.close(emptyState());
 * assert.equal(text, "log: run.jsonl\nstopped: no tasks · log run.jsonl\n");
 * ```
 */
export class PlainReporter implements Reporter {
  #out: (text: string) => void;
  #style: Style;
  #logPath = "";
  #durationMs: number | null = null;
  #closed = false;
  #context: LineContext = {};
  #failures: FailureOutput | undefined;
  #flush: () => void;

  /**
   * Creates the view.
   * @param options `color`: ANSI colours on; `out`: where text goes;
   * `failures`: the output shown under a failure (none without).
   */
  constructor(
    options: {
      color: boolean;
      out: (text: string) => void;
      failures?: FailureOutput;
    },
  ) {
    // Lines printed together (the skips of a no-op come as one batch of
    // events) go out in one write at the end of the current task, not one
    // write each: 1,000 writes to a pipe cost ~5 ms.
    const out = options.out;
    let pending = "";
    // A write that failed in the batch's microtask (a full disk behind
    // stdout): thrown from the next print, inside the run, whose fault path
    // records it and ends the run (not an uncaught error losing the log).
    let failure: { error: unknown } | null = null;
    const flush = () => {
      const text = pending;
      pending = "";
      try {
        if (text !== "") out(text);
      } catch (error) {
        failure ??= { error };
      }
    };
    const rethrow = () => {
      if (failure === null) return;
      const { error } = failure;
      failure = null;
      throw error;
    };
    this.#out = (text) => {
      rethrow();
      if (pending === "") queueMicrotask(flush);
      pending += text;
    };
    this.#flush = () => {
      flush();
      rethrow();
    };
    this.#style = style(options.color);
    this.#failures = options.failures;
  }

  /** Prints where the log is. */
  start(plan: Plan, _state: RunState, logPath: string): void {
    this.#context = { sharedGates: sharedGates(plan) };
    this.#logPath = logPath;
    this.#out(`log: ${logPath}\n`);
  }

  /** Prints the event's line, if it has one. */
  onEvent(event: RunEvent, state: RunState): void {
    if (event.type === "completed") this.#durationMs = event.duration_ms;
    const line = eventLine(event, this.#style, "all", this.#context);
    if (line !== null) this.#out(`${line}\n`);
    for (const shown of this.#failures?.linesFor(event, state) ?? []) {
      this.#out(`${shown}\n`);
    }
  }

  /** Prints the summary (once). */
  close(state: RunState): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out(
      `${runSummary(state, this.#durationMs, this.#logPath, this.#style)}\n`,
    );
    this.#flush();
  }
}

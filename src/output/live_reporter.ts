/**
 * The terminal view for people at a TTY: a live block (running tasks with a
 * spinner and elapsed time, then counts) redrawn in place at most ~10 times
 * a second, with permanent lines for outcomes printed above it.
 * @module
 */

import type { RunState } from "../events/fold.ts";
import type { RunEvent } from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";
import { eraseLines, type Style, style } from "../render/ansi.ts";
import {
  eventLine,
  type LineContext,
  sharedGates,
} from "../render/event_line.ts";
import type { Reporter } from "./reporter.ts";
import { liveBlock } from "../render/live_block.ts";
import { runSummary } from "../render/run_summary.ts";
import { realTimers, type Timers } from "./timers.ts";
import type { FailureOutput } from "./failure_output.ts";

/** Options of {@link LiveReporter}. */
export interface LiveReporterOptions {
  /** ANSI colours on. */
  color: boolean;
  /** Where text goes (a terminal). */
  out: (text: string) => void;
  /** Terminal width: live lines are cut to fit so they never wrap. Default 80. */
  columns?: number;
  /** Clock and timers; default real, unref'd ones. */
  timers?: Timers;
  /** Time between redraws; default 100 ms. */
  frameMs?: number;
  /** Running tasks shown before `… and N more`; default 8. */
  maxRunning?: number;
  /** The output shown under a failure (none without). */
  failures?: FailureOutput;
}

interface _Running {
  since: number;
  shard: string | null;
}

/**
 * A {@link Reporter} that redraws a live block in place. Outcomes (done,
 * failed, blocked, skipped, failed commands, retries, failed checks) become
 * permanent lines above the block; `close` erases the block and leaves the
 * final summary. Its timer is unref'd and stopped by `close`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { emptyState } from "../events/fold.ts";
 * import type { Plan } from "../plan/ir.ts";
 * import { LiveReporter } from "./live_reporter.ts";
 * let text = "";
 * const live = new LiveReporter({ color: false, out: (t) => text += t });
 * live.start({ tasks: [] } as unknown as Plan, emptyState(), "run.jsonl");
 * live.close(emptyState());
 * assert.ok(text.endsWith("stopped: no tasks · log run.jsonl\n"));
 * ```
 */
export class LiveReporter implements Reporter {
  #out: (text: string) => void;
  #style: Style;
  #columns: number;
  #timers: Timers;
  #frameMs: number;
  #maxRunning: number;
  #running = new Map<string, _Running>();
  #lines: string[] = [];
  #blockLines = 0;
  #tick = 0;
  #timer: unknown = null;
  #state: RunState | null = null;
  #logPath = "";
  #startedAt = 0;
  #durationMs: number | null = null;
  #closed = false;
  #context: LineContext = {};
  #failures: FailureOutput | undefined;

  /**
   * Creates the view; nothing is drawn before `start`.
   * @param options Output, colours, width and timers.
   */
  constructor(options: LiveReporterOptions) {
    this.#out = options.out;
    this.#style = style(options.color);
    this.#columns = Math.max(20, options.columns ?? 80);
    this.#timers = options.timers ?? realTimers;
    this.#frameMs = options.frameMs ?? 100;
    this.#maxRunning = options.maxRunning ?? 8;
    this.#failures = options.failures;
  }

  /** Draws the first frame and starts the redraw timer. */
  start(plan: Plan, state: RunState, logPath: string): void {
    this.#context = { sharedGates: sharedGates(plan) };
    this.#state = state;
    this.#logPath = logPath;
    this.#startedAt = this.#timers.now();
    this.#lines.push(`log: ${logPath}`);
    this.#draw();
    this.#schedule();
  }

  /** Records the event; it shows at the next frame. */
  onEvent(event: RunEvent, state: RunState): void {
    this.#state = state;
    const task = event.task;
    switch (event.type) {
      case "task_started":
        this.#running.set(task!, { since: this.#timers.now(), shard: null });
        break;
      case "shard_started":
      case "shard_completed":
      case "shard_failed": {
        const running = this.#running.get(task!);
        if (running) {
          running.shard = event.type === "shard_started" ? event.shard : null;
        }
        break;
      }
      case "task_completed":
      case "task_failed":
      case "task_blocked":
      case "skipped":
      case "awaiting_approval":
        this.#running.delete(task!);
        break;
      case "completed":
        this.#durationMs = event.duration_ms;
        break;
    }
    const line = eventLine(event, this.#style, "outcomes", this.#context);
    if (line !== null) this.#lines.push(line);
    this.#lines.push(...this.#failures?.linesFor(event, state) ?? []);
  }

  /** Stops the timer, erases the block and prints the summary (once). */
  close(state: RunState): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) this.#timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#lines.push(
      runSummary(state, this.#durationMs, this.#logPath, this.#style),
    );
    this.#out(eraseLines(this.#blockLines) + this.#takeLines());
    this.#blockLines = 0;
  }

  #schedule(): void {
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = null;
      if (this.#closed) return;
      this.#tick++;
      this.#draw();
      this.#schedule();
    }, this.#frameMs);
  }

  #takeLines(): string {
    const text = this.#lines.length === 0 ? "" : this.#lines.join("\n") + "\n";
    this.#lines = [];
    return text;
  }

  #draw(): void {
    const block = this.#block();
    this.#out(
      eraseLines(this.#blockLines) + this.#takeLines() + block.join("\n") +
        "\n",
    );
    this.#blockLines = block.length;
  }

  #block(): string[] {
    return liveBlock({
      running: [...this.#running].map(([id, r]) => ({ id, ...r })),
      state: this.#state!,
      now: this.#timers.now(),
      startedAt: this.#startedAt,
      tick: this.#tick,
      style: this.#style,
      columns: this.#columns,
      maxRunning: this.#maxRunning,
    });
  }
}

/**
 * One line for people per event that matters, shared by the plain and the
 * live terminal views: `[EXC-001] ✓ completed in 1.2s`.
 * @module
 */

import type {
  CommandRunEvent,
  PatchSummary,
  RunEvent,
} from "../events/types.ts";
import type { Plan } from "../plan/ir.ts";
import { OUTSIDE_SELECTION, unreachable } from "../events/types.ts";
import type { Style } from "./ansi.ts";
import { formatDuration } from "./duration.ts";
import { safeText } from "../text/safe_text.ts";
import { failureText } from "./task_view.ts";
import { skipText } from "./reason_text.ts";

/**
 * How much to say: `all` (the plain view: also task starts and every
 * command) or `outcomes` (the live view, whose running block already shows
 * starts: failed commands only).
 */
export type Verbosity = "all" | "outcomes";

const LIST_MAX = 5;

/** What the plan tells a line that the event alone does not. */
export interface LineContext {
  /**
   * Gates that more than one task of the plan has: the approval hint then
   * names the task (`orchestrate approve deploy --task SHIP`), since
   * approving without `--task` would approve every task's gate.
   */
  sharedGates?: ReadonlySet<string>;
}

/**
 * The gates that more than one task of `plan` has (see {@link LineContext}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Plan } from "../plan/ir.ts";
 * import { sharedGates } from "./event_line.ts";
 * const task = (id: string, gates: string[]) => ({ id, gates });
 * const plan = {
 *   tasks: [task("A", ["deploy"]), task("B", ["deploy", "legal"])],
 * } as unknown as Plan;
 * assert.deepEqual([...sharedGates(plan)], ["deploy"]);
 * ```
 */
export function sharedGates(plan: Plan): Set<string> {
  const seen = new Set<string>();
  const shared = new Set<string>();
  for (const task of plan.tasks) {
    for (const gate of task.gates) {
      if (seen.has(gate)) shared.add(gate);
      seen.add(gate);
    }
  }
  return shared;
}

/**
 * The line for an event, without a newline, or null when the event is not
 * worth a line (plan_validated, shard starts, passed checks, ...).
 *
 * @param event The event.
 * @param s Colours (see `style`).
 * @param verbosity `all` for the plain view, `outcomes` for the live view.
 * @param context Facts from the plan (see {@link LineContext}).
 * @returns e.g. `[EXC-001] ✗ failed: command "test" exited 1 (see …)`;
 * text from the plan or the log has its control characters escaped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { style } from "./ansi.ts";
 * import { eventLine } from "./event_line.ts";
 * const event = {
 *   ts: "2025-09-22T11:03:30Z", run: "R", type: "task_completed",
 *   task: "EXC-001", shard: null, duration_ms: 1200, fingerprint: null,
 * } as const;
 * assert.equal(eventLine(event, style(false), "all"), "[EXC-001] ✓ completed in 1.2s");
 * ```
 */
export function eventLine(
  event: RunEvent,
  s: Style,
  verbosity: Verbosity,
  context: LineContext = {},
): string | null {
  const t = safeText;
  const who = event.task === null
    ? ""
    : t(`[${event.task}${event.shard ? `/${event.shard}` : ""}] `);
  switch (event.type) {
    case "run_started": {
      const n = event.selected.length;
      const target = event.selection ? ` for ${t(event.selection)}` : "";
      return `Running ${n} task${
        n === 1 ? "" : "s"
      }${target} (concurrency ${event.concurrency}, ${event.strategy})`;
    }
    case "plan_validated":
      return null;
    case "plan_updated": {
      const n = event.changed.length + event.added.length;
      return `The plan changed since this run started: ${n} task${
        n === 1 ? "" : "s"
      } to run again${_paren([...event.changed, ...event.added])}`;
    }
    case "resumed":
      return `Resuming: ${event.rerun.length} task${
        event.rerun.length === 1 ? "" : "s"
      } to run${_paren(event.rerun)}`;
    case "task_started":
      return verbosity === "all" ? `${who}started` : null;
    case "task_completed":
    case "shard_completed":
      return `${who}${s.green("✓")} completed in ${
        formatDuration(event.duration_ms)
      }`;
    case "task_failed":
    case "shard_failed":
      // Stopped by Ctrl-C: not a failure of its own (resume runs it again).
      if (event.reason === "interrupted") {
        return `${who}${s.yellow("■ interrupted")}`;
      }
      return `${who}${s.red("✗ failed")}: ${
        t(
          event.reason === "command_failed" && event.detail
            ? event.detail
            : failureText(event.reason, event.detail),
        )
      }`;
    case "task_blocked":
      return `${who}${s.yellow("blocked")} by ${t(event.by)}`;
    case "skipped":
      return event.reason === OUTSIDE_SELECTION
        ? null
        : `${who}${s.dim(`skipped: ${t(skipText(event.reason))}`)}`;
    case "shard_started":
      return null;
    case "command_run":
      return _commandLine(event, who || "[build] ", s, verbosity);
    case "retry_scheduled":
      return `${who}${s.yellow("↻")} retrying "${t(event.name)}" in ${
        formatDuration(event.delay_ms)
      } (attempt ${event.attempt})`;
    case "acceptance_passed":
      return null;
    case "acceptance_failed":
      return `${who}${s.red("acceptance failed")}: ${t(event.detail)}${
        event.reason ? ` (${t(event.reason)})` : ""
      }`;
    case "awaiting_approval": {
      const gate = event.gates[0] ?? "<gate>";
      const only = event.task !== null &&
          context.sharedGates?.has(gate)
        ? ` --task ${event.task}`
        : "";
      const stale = event.stale?.length
        ? `; ${
          t(event.stale.join(", "))
        } was approved for an earlier definition of the task, which has changed since`
        : "";
      const patch = event.patch
        ? `; the patch: ${_diffstat(event.patch)}, ${t(event.patch.patch)}`
        : "";
      return `${who}${s.yellow("⏸ awaiting approval")}: ${
        t(event.gates.join(", "))
      } (orchestrate approve ${t(gate)}${t(only)})${stale}${patch}`;
    }
    case "agent_started":
      return `${who}agent attempt ${event.attempt}/${event.attempts}: ${
        t(event.cmd)
      }`;
    case "agent_finished":
      return event.status === 0 && event.reported_error === null &&
          verbosity === "outcomes"
        ? null
        : `${who}agent ${
          event.timed_out
            ? "timed out"
            : event.status === null
            ? `was killed by ${event.signal}`
            : `exited ${event.status}`
        } after ${formatDuration(event.duration_ms)}${
          event.reported_error ? `, reporting: ${t(event.reported_error)}` : ""
        }${event.cost_usd !== null ? ` ($${event.cost_usd.toFixed(4)})` : ""}`;
    case "patch_proposed":
      return `${who}patch of attempt ${event.attempt}: ${_diffstat(event)}`;
    case "agent_attempt_failed":
      return `${who}${s.red(`attempt ${event.attempt} failed`)}: ${
        t(event.detail)
      }${event.feedback ? `; next attempt gets ${t(event.feedback)}` : ""}`;
    case "patch_validated":
      return `${who}${s.green("✓")} patch passed its checks in the worktree: ${
        _diffstat(event)
      } (${t(event.patch)})`;
    case "patch_applying":
      // The intent record for crash recovery; `patch_applied` says the rest.
      return null;
    case "patch_applied":
      return `${who}${s.green("✓")} patch applied to the project: ${
        _diffstat(event)
      }`;
    case "approval_granted":
      return `${who}approved: ${t(event.gate)} by ${t(event.by)}`;
    case "approval_recorded":
      return `${who}approved in run ${t(event.granted_in)}: ${
        t(event.gate)
      } by ${t(event.by)}`;
    case "build_started":
      return `[build] started: ${t(event.steps.join(", "))}`;
    case "interrupted":
      return `${s.red("Interrupted")} by ${event.signal}${
        event.stopped.length > 0 ? `: stopped ${_list(event.stopped)}` : ""
      }`;
    case "completed":
      return null;
    default:
      return unreachable(event);
  }
}

/** `2 files (a.ts, b.ts), +10 -3`, then what the changes are beyond edits (`; rename a -> b`). */
function _diffstat(p: PatchSummary): string {
  const n = p.files.length;
  return `${n} file${n === 1 ? "" : "s"}${
    _paren(p.files.map(safeText))
  }, +${p.added} -${p.removed}${
    (p.changes ?? []).map((c) => `; ${safeText(c)}`).join("")
  }`;
}

function _commandLine(
  event: CommandRunEvent,
  who: string,
  s: Style,
  verbosity: Verbosity,
): string | null {
  if (event.stopped) {
    return `${who}${s.yellow("■")} command "${
      safeText(event.name)
    }" was stopped after ${formatDuration(event.duration_ms)}`;
  }
  const ok = event.status === 0;
  if (ok && verbosity !== "all") return null;
  const how = ok
    ? "ok"
    : event.timed_out
    ? "timed out"
    : event.status === null
    ? `was killed by ${event.signal ?? "a signal"}`
    : `exited ${event.status}`;
  const notes: string[] = [];
  if (event.attempts > 1) {
    notes.push(`attempt ${event.attempt}/${event.attempts}`);
  }
  if (!ok) {
    notes.push(
      event.output === null ? "no output" : `see ${safeText(event.output)}`,
    );
  }
  return `${who}${ok ? s.green("✓") : s.red("✗")} command "${
    safeText(event.name)
  }" ${how} in ${formatDuration(event.duration_ms)}${
    notes.length > 0 ? ` (${notes.join(", ")})` : ""
  }`;
}

function _list(ids: readonly string[]): string {
  const shown = safeText(ids.slice(0, LIST_MAX).join(", "));
  return ids.length > LIST_MAX
    ? `${shown} and ${ids.length - LIST_MAX} more`
    : shown;
}

function _paren(ids: readonly string[]): string {
  return ids.length === 0 ? "" : ` (${_list(ids)})`;
}

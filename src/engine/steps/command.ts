/**
 * The `command` step: runs a command of the plan in the task's workspace,
 * with its retry policy; every attempt is a `command_run` event.
 * @module
 */

import { readTail } from "../../fs/read_tail.ts";
import { isAbsolute, relative, resolve } from "../../fs/path.ts";
import { refusedWritePath } from "../../exec/sandbox/denied_write.ts";
import type { ProcessPolicy } from "../../exec/policy.ts";
import type { FailureReason } from "../../events/types.ts";
import { formatDuration } from "../../render/duration.ts";
import { backoffDelay, retryFor } from "../retry.ts";
import type { CommandStep } from "../steps.ts";
import type { Done, Failed, StepInput } from "./handler.ts";
import { outputPaths } from "./output.ts";

/**
 * Runs the step's command until it succeeds or its attempts run out.
 *
 * @example
 * ```ts ignore
 * const r = await commandStep({ kind: "command", command }, input);
 * ```
 */
export async function commandStep(
  { command }: CommandStep,
  input: StepInput,
): Promise<Done | Failed> {
  const { task, shard, ctx, signal, workspace } = input;
  const policy = retryFor(command, task);
  for (let attempt = 1;; attempt++) {
    const output = outputPaths(ctx, {
      task: task.id,
      shard: shard?.id ?? null,
      step: "command",
      name: command.name,
      attempt,
    });
    const tap = ctx.output?.({
      task: task.id,
      shard: shard?.id ?? null,
      command: command.name,
    });
    const r = await workspace.runner.run(workspace.request(command.run, {
      outputPath: output.absolute,
      timeoutMs: command.timeout_ms,
      signal,
      ownProcessGroup: task.constraints.timebox_ms !== undefined,
      ...(tap ? { onOutput: tap } : {}),
    }));
    tap?.(new Uint8Array()); // its output ended: an unfinished last line is shown
    ctx.emit({
      type: "command_run",
      task: task.id,
      shard: shard?.id ?? null,
      name: command.name,
      cmd: command.run,
      status: r.status,
      signal: r.signal,
      duration_ms: Math.round(r.durationMs),
      output: r.wroteOutput ? output.relative : null,
      attempt,
      attempts: policy.attempts,
      timed_out: r.timedOut,
      output_bytes: r.outputBytes ?? 0,
      dropped_bytes: r.droppedBytes ?? 0,
      ...(r.aborted && !r.timedOut ? { stopped: true } : {}),
      ...(r.leftRunning ? { left_running: r.leftRunning } : {}),
    });
    if (r.refused !== undefined) {
      return { ok: false, reason: "permission_denied", detail: r.refused };
    }
    // A shell that exited 0 while its orphans were being killed was still stopped.
    if (r.status === 0 && !r.aborted && !r.timedOut) return { ok: true };
    const how = r.timedOut
      ? `timed out after ${formatDuration(command.timeout_ms ?? 0)}`
      : r.aborted
      ? "was stopped"
      : r.status === null
      ? `was killed by ${r.signal}`
      : `exited ${r.status}`;
    const detail = `command "${command.name}" ${how}${
      r.wroteOutput ? ` (see ${output.relative})` : " (it printed nothing)"
    }${
      r.wroteOutput && !r.timedOut && !r.aborted
        ? refusedWriteNote(output.absolute, workspace)
        : ""
    }`;
    const reason: FailureReason = r.timedOut ? "timeout" : "command_failed";
    if (signal.aborted || attempt >= policy.attempts) {
      return { ok: false, reason, detail };
    }
    const delay_ms = backoffDelay(policy, attempt + 1);
    ctx.emit({
      type: "retry_scheduled",
      task: task.id,
      shard: shard?.id ?? null,
      name: command.name,
      attempt: attempt + 1,
      delay_ms,
    });
    await ctx.sleep(delay_ms, signal);
    if (signal.aborted) return { ok: false, reason, detail };
  }
}

/**
 * When a confined command's output shows a write the sandbox refused
 * (read-only file system), the path and the permission that would allow
 * it; else "".
 */
function refusedWriteNote(
  outputFile: string,
  workspace: { root: string; policy: ProcessPolicy },
): string {
  if (workspace.policy.write === "all") return "";
  const tail = readTail(outputFile);
  const path = tail === null ? null : refusedWritePath(tail.text);
  if (path === null) return "";
  const absolute = resolve(workspace.root, path);
  const inside = relative(workspace.root, absolute);
  const shown = inside.startsWith("..") || isAbsolute(inside)
    ? absolute
    : inside;
  return inside.startsWith("..") || isAbsolute(inside)
    ? `: the sandbox refused a write to ${shown}, outside the project (tasks may write only inside it)`
    : `: the sandbox refused a write to ${shown} (read-only for this task: add it to permissions.write to allow it)`;
}

/**
 * Feedback for an agent's next attempt: what failed in the previous one,
 * with the tail of each failing command's or check's output, as one
 * Markdown file (ORCHESTRATE_FEEDBACK).
 * @module
 */

import { join } from "../fs/path.ts";
import type { RunEvent } from "../events/types.ts";

/** Bytes of each output file's end quoted in the feedback. */
const TAIL_BYTES = 4000;

/** One thing that failed, with its output file (relative to the project root). */
export interface Failure {
  title: string;
  output: string | null;
}

/**
 * The failures among the events of one validation: failing commands and
 * checks, in order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { failuresOf } from "./feedback.ts";
 * const base = { ts: "t", run: "r", task: "T", shard: null } as const;
 * assert.deepEqual(failuresOf([{
 *   ...base, type: "acceptance_failed", check: "Contains", detail: "Contains: ok",
 *   reason: "not found", output: null,
 * }]), [{ title: "check Contains: ok failed: not found", output: null }]);
 * ```
 */
export function failuresOf(events: readonly RunEvent[]): Failure[] {
  const out: Failure[] = [];
  for (const e of events) {
    if (e.type === "command_run" && e.status !== 0) {
      out.push({
        title: `command "${e.name}" (\`${e.cmd}\`) ${
          e.timed_out
            ? "timed out"
            : e.status === null
            ? `was killed by ${e.signal}`
            : `exited ${e.status}`
        }`,
        output: e.output,
      });
    } else if (e.type === "acceptance_failed") {
      out.push({
        title: `check ${e.detail} failed${e.reason ? `: ${e.reason}` : ""}`,
        output: e.output,
      });
    }
  }
  return out;
}

/**
 * Writes the feedback file for the attempt after `attempt` and returns its
 * absolute path.
 */
export async function writeFeedback(
  file: string,
  root: string,
  taskId: string,
  attempt: number,
  summary: string,
  failures: readonly Failure[],
): Promise<string> {
  const lines = [
    `# Feedback on attempt ${attempt} of ${taskId}`,
    "",
    summary,
    "",
  ];
  for (const failure of failures) {
    lines.push(`## ${failure.title}`, "");
    if (failure.output !== null) {
      lines.push("```", await tail(join(root, failure.output)), "```", "");
    }
  }
  await Deno.writeTextFile(file, lines.join("\n"));
  return file;
}

async function tail(path: string): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "(no output)";
    throw e;
  }
  const cut = bytes.length > TAIL_BYTES;
  const text = new TextDecoder().decode(
    cut ? bytes.subarray(bytes.length - TAIL_BYTES) : bytes,
  ).trimEnd();
  return cut
    ? `[... ${bytes.length - TAIL_BYTES} bytes before]\n${text}`
    : text;
}

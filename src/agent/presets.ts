/**
 * Presets: how each known agent runs headless, and how to read what it
 * reports. The brief always arrives on stdin (and as the files named by
 * ORCHESTRATE_BRIEF / ORCHESTRATE_BRIEF_JSON); a preset adds the agent's own
 * flags for a non-interactive run that may edit files only in its working
 * directory (the task's worktree).
 *
 * - codex: `codex exec --json --sandbox workspace-write -` (`-` reads the
 *   prompt from stdin; `--json` prints JSONL events: `thread.started` with
 *   the thread id, `turn.completed` per turn, `turn.failed` / `error`).
 * - claude: `claude -p --output-format json --permission-mode acceptEdits`
 *   (the prompt from stdin; one JSON result with `is_error`, `subtype`,
 *   `permission_denials`, `total_cost_usd`, `num_turns`, `session_id`).
 * - aider: `aider --message-file "$ORCHESTRATE_BRIEF" --yes --no-auto-commits
 *   --no-dirty-commits` (reports nothing machine-readable; it exits 0 even
 *   when tests fail, which is why the orchestrator runs the checks itself).
 * @module
 */

import type { Agent } from "../plan/ir.ts";

/** The command line a preset runs. */
export const PRESET_COMMANDS: Readonly<
  Record<NonNullable<Agent["preset"]>, string>
> = {
  codex: "codex exec --json --sandbox workspace-write -",
  claude: "claude -p --output-format json --permission-mode acceptEdits",
  aider:
    'aider --message-file "$ORCHESTRATE_BRIEF" --yes --no-auto-commits --no-dirty-commits',
};

/** What an agent reported about its run; null where it said nothing. */
export interface AgentReport {
  session_id: string | null;
  turns: number | null;
  cost_usd: number | null;
  /** The agent's own account of a failure. */
  reported_error: string | null;
}

const NOTHING: AgentReport = {
  session_id: null,
  turns: null,
  cost_usd: null,
  reported_error: null,
};

/**
 * The command line of an agent: its own `command`, else its preset's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agentCommand } from "./presets.ts";
 * assert.equal(agentCommand({ command: "./fix.sh", preset: null, attempts: 2 }), "./fix.sh");
 * assert.match(agentCommand({ command: null, preset: "codex", attempts: 2 })!, /^codex exec/);
 * ```
 */
export function agentCommand(agent: Agent): string | null {
  if (agent.command !== null) return agent.command;
  return agent.preset === null ? null : PRESET_COMMANDS[agent.preset];
}

/**
 * Reads what a preset's agent printed (its stdout and stderr interleaved)
 * for the session id, turns, cost and a reported failure. A plain command
 * (no preset) reports nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readReport } from "./presets.ts";
 * const out = '{"type":"result","subtype":"success","is_error":false,' +
 *   '"num_turns":3,"session_id":"s1","total_cost_usd":0.02,"permission_denials":[]}';
 * assert.deepEqual(readReport("claude", out), {
 *   session_id: "s1", turns: 3, cost_usd: 0.02, reported_error: null,
 * });
 * ```
 */
export function readReport(
  preset: Agent["preset"],
  output: string,
): AgentReport {
  switch (preset) {
    case "claude":
      return claudeReport(output);
    case "codex":
      return codexReport(output);
    case "aider":
    case null:
      return NOTHING;
  }
}

/** JSON objects printed one a line (other lines, such as progress on stderr, are skipped). */
function jsonLines(output: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of output.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    try {
      const value = JSON.parse(trimmed);
      if (typeof value === "object" && value !== null) out.push(value);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
  }
  return out;
}

function claudeReport(output: string): AgentReport {
  const result = jsonLines(output).findLast((o) => o.type === "result");
  if (result === undefined) {
    return { ...NOTHING, reported_error: "printed no JSON result" };
  }
  const denials = Array.isArray(result.permission_denials)
    ? result.permission_denials.length
    : 0;
  const isError = result.is_error === true;
  const subtype = typeof result.subtype === "string" ? result.subtype : null;
  let reported: string | null = null;
  if (isError || (subtype !== null && subtype !== "success")) {
    const said = typeof result.result === "string" ? `: ${result.result}` : "";
    reported = `${subtype ?? "error"}${said}`;
  } else if (denials > 0) {
    reported = `${denials} tool use${denials === 1 ? " was" : "s were"} denied`;
  }
  return {
    session_id: typeof result.session_id === "string"
      ? result.session_id
      : null,
    turns: typeof result.num_turns === "number" ? result.num_turns : null,
    cost_usd: typeof result.total_cost_usd === "number"
      ? result.total_cost_usd
      : null,
    reported_error: reported,
  };
}

function codexReport(output: string): AgentReport {
  let session: string | null = null;
  let turns = 0;
  let error: string | null = null;
  for (const event of jsonLines(output)) {
    if (
      event.type === "thread.started" && typeof event.thread_id === "string"
    ) {
      session = event.thread_id;
    } else if (event.type === "turn.completed") {
      turns++;
    } else if (event.type === "turn.failed" || event.type === "error") {
      const e = event.error as { message?: unknown } | undefined;
      const message = typeof e?.message === "string"
        ? e.message
        : typeof event.message === "string"
        ? event.message
        : event.type;
      error = String(message);
    }
  }
  return {
    session_id: session,
    turns: session === null && turns === 0 ? null : turns,
    cost_usd: null,
    reported_error: error,
  };
}

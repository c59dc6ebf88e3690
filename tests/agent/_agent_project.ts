/**
 * Test rig for agent tasks: a git repository with a plan whose task is
 * done by a scripted agent (a small shell program that edits files as an
 * agent would), and the run's events.
 * @module
 */

import { join } from "node:path";
import { tempProject } from "../_cli.ts";
import type { RunEvent } from "../../src/events/types.ts";

/** Runs git in `dir` (test setup), failing loudly. */
export async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@t", ...args],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (out.code !== 0) {
    throw new Error(
      `git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return text;
}

/** A committed git project with these files (plus a .gitignore for run files). */
export async function gitProject(
  files: Record<string, string>,
): Promise<string> {
  const dir = await tempProject({
    ".gitignore": ".codex/runs/\nTASKS.md\n",
    ...files,
  });
  await gitIn(dir, "init", "-q");
  await gitIn(dir, "add", "-A");
  await gitIn(dir, "commit", "-qm", "init");
  return dir;
}

/** Every event of the project's latest run. */
export async function runEvents(dir: string): Promise<RunEvent[]> {
  const runs = join(dir, ".codex/runs");
  const logs = [...Deno.readDirSync(runs)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".jsonl"))
    .sort();
  const text = await Deno.readTextFile(join(runs, logs.at(-1)!));
  return text.trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
}

/** The events of one type, typed. */
export function ofType<T extends RunEvent["type"]>(
  events: RunEvent[],
  type: T,
): Extract<RunEvent, { type: T }>[] {
  return events.filter((e) => e.type === type) as Extract<
    RunEvent,
    { type: T }
  >[];
}

/**
 * The scripted agent: wrong on its first attempt ("hullo"), and on the
 * second it reads ORCHESTRATE_FEEDBACK and fixes what the failing command
 * complained about.
 */
export const LEARNING_AGENT = `#!/bin/sh
# What it was given: the brief on stdin, its attempt and files in the environment.
cat > "\${STDIN_COPY:-/dev/null}"
echo "$ORCHESTRATE_TASK_ID $ORCHESTRATE_ATTEMPT $ORCHESTRATE_RUN_ID $(basename "$ORCHESTRATE_BRIEF") $(basename "$ORCHESTRATE_BRIEF_JSON") $(pwd) $(cat notes.md 2>/dev/null || echo none)" >> "\${AGENT_LOG:-/dev/null}"
if [ -z "$ORCHESTRATE_FEEDBACK" ]; then
  echo "hullo" > greet.txt
elif grep -q 'greet.txt lacks hello' "$ORCHESTRATE_FEEDBACK"; then
  echo "hello world" > greet.txt
fi
`;

/** A plan whose task FIX-1 is done by `sh agent.sh`. */
export function agentPlan(extra = ""): string {
  return `version: 1
orchestrator:
  approvals: { required: [apply_patch] }
  agent: { command: "sh agent.sh" }
tasks:
  - id: FIX-1
    title: Make greet.txt say hello world
    paths: { preferred: [greet.txt], forbidden: [locked] }
    commands:
      test: "grep -q hello greet.txt || { echo 'greet.txt lacks hello'; exit 1; }"
    acceptance:
      - "Contains: hello world"
    agent: true
${extra}`;
}

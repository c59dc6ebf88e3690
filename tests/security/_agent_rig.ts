/**
 * Agent tasks in git projects owned by the test's user: a committed
 * project, a plan whose task FIX-1 is done by `sh agent.sh`, and the run's
 * events. For the security tests of patches and orchestrate's own git.
 * @module
 */

import { join } from "node:path";
import type { RunEvent } from "../../src/events/types.ts";
import { chownTree, projectAs, type TestUser } from "./_rig.ts";

/** A hang bound for one CLI call, never an assertion about speed. */
export const BOUND = { killAfterMs: 120_000 };

/** Runs git in `dir` as the test (setup and inspection), failing loudly. */
export async function gitIn(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: [
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@t",
      "-c",
      "safe.directory=*",
      ...args,
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.code !== 0) {
    throw new Error(
      `git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return new TextDecoder().decode(out.stdout);
}

/** A committed git project with these files, owned by `user`. */
export async function gitProjectAs(
  user: TestUser,
  files: Record<string, string>,
  gitignore = ".codex/runs/\n.codex/work/\nTASKS.md\n",
): Promise<string> {
  const dir = await projectAs(user, { ".gitignore": gitignore, ...files });
  await gitIn(dir, "init", "-q");
  await gitIn(dir, "add", "-A");
  await gitIn(dir, "commit", "-qm", "init");
  await chownTree(dir, user);
  return dir;
}

/**
 * A plan whose task FIX-1 is done by `sh agent.sh`, with the
 * `apply_patch` gate unless `gated` is false.
 */
export function agentPlan(
  options: {
    gated?: boolean;
    forbidden?: string[];
    acceptance?: string[];
    extra?: string;
  } = {},
): string {
  const gate = options.gated === false
    ? ""
    : "  approvals: { required: [apply_patch] }\n";
  return `version: 1
orchestrator:
${gate}  agent: { command: "sh agent.sh" }
tasks:
  - id: FIX-1
    title: Change the project
    paths: { forbidden: [${(options.forbidden ?? []).join(", ")}] }
    commands:
      test: "true"
${
    options.acceptance
      ? `    acceptance:\n${
        options.acceptance.map((a) => `      - ${JSON.stringify(a)}\n`).join("")
      }`
      : ""
  }    agent: true
${options.extra ?? ""}`;
}

/** Every event of the project's latest run. */
export async function runEvents(dir: string): Promise<RunEvent[]> {
  const file = await latestLog(dir);
  const text = await Deno.readTextFile(file);
  return text.trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
}

/** The path of the project's latest run log. */
export async function latestLog(dir: string): Promise<string> {
  const runs = join(dir, ".codex/runs");
  const logs = [];
  for await (const e of Deno.readDir(runs)) {
    if (e.name.endsWith(".jsonl")) logs.push(e.name);
  }
  return join(runs, logs.sort().at(-1)!);
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

/** Whether `path` exists (without following a final symlink). */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

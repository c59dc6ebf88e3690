/**
 * Judging an attempt: why its patch is not kept (the agent failed, changed
 * nothing, touched forbidden paths, or its validation failed in the
 * worktree), or null when it passed.
 * @module
 */

import { join, relative } from "../fs/path.ts";
import type { AttemptFailure, NewEvent, RunEvent } from "../events/types.ts";
import type { ValidationGroup } from "../engine/steps.ts";
import type { TaskContext } from "../engine/steps/handler.ts";
import type { AgentStepInput } from "./agent_step.ts";
import { failuresOf } from "./feedback.ts";
import { patchRefusals } from "./patch_paths.ts";
import { describePatch } from "./patch_text.ts";
import { agentGitEnv, type Worktree } from "./worktree.ts";
import type { AgentUnit } from "./unit.ts";

export interface Judged {
  reason: AttemptFailure;
  detail: string;
  /** The opening paragraph of the feedback. */
  summary: string;
  failures: { title: string; output: string | null }[];
}

/** Why an attempt's patch is not kept, or null when it passed every check in the worktree. */
export async function judge(
  input: AgentStepInput,
  unit: AgentUnit,
  a: {
    attempt: number;
    status: number | null;
    timedOut: boolean;
    reported: string | null;
    files: string[];
    forbidden: string[];
    prefix: string;
    patch: string;
    attemptDir: string;
  },
): Promise<Judged | null> {
  if (a.status !== 0 || a.reported !== null) {
    const how = a.timedOut
      ? "timed out"
      : a.status === null
      ? "was killed"
      : a.status !== 0
      ? `exited ${a.status}`
      : "exited 0";
    const detail = `the agent ${how}${
      a.reported ? ` and reported: ${a.reported}` : ""
    }`;
    return {
      reason: "agent_failed",
      detail,
      summary:
        `Your previous run ended badly: ${detail}. Your changes so far are still in the working directory.`,
      failures: [],
    };
  }
  if (a.files.length === 0) {
    const detail = "the agent exited 0 without changing any file";
    return {
      reason: "no_change",
      detail,
      summary:
        `You exited without changing any file. The task is not done: make the change it asks for.`,
      failures: [],
    };
  }
  const root = input.workspace.root;
  const inRepo = (abs: string) =>
    a.prefix === "" ? relative(root, abs) : join(a.prefix, relative(root, abs));
  const bad = patchRefusals(describePatch(await Deno.readFile(a.patch)), {
    forbidden: a.forbidden,
    prefix: a.prefix,
    planFiles: (await input.services.planFiles).map(inRepo),
  });
  if (bad.length > 0) {
    const detail = `the patch touches forbidden paths: ${bad.join("; ")}`;
    return {
      reason: "forbidden_path",
      detail,
      summary: `Your change touches paths the task forbids: ${
        bad.join("; ")
      }. Undo those changes (restore the files as they were) and keep the rest.`,
      failures: [],
    };
  }
  const failed = await validateIn(
    input,
    unit.validation,
    unit.worktree,
    join(a.attemptDir, "checks"),
  );
  if (failed === null) return null;
  const what = unit.shard === null
    ? `${input.task.id}'s`
    : `shard ${unit.shard.id}'s`;
  return {
    reason: "checks_failed",
    detail: `in the worktree: ${failed.detail}`,
    summary:
      `The orchestrator ran ${what} commands and acceptance checks on your change; these failed. Your changes are still in the working directory: fix them.`,
    failures: failed.failures,
  };
}

/**
 * Runs the groups in the worktree (in its project folder, its own `.git`
 * named for git; their output under `artifacts`); null when they passed,
 * else what failed.
 */
export async function validateIn(
  input: AgentStepInput,
  groups: ValidationGroup[],
  worktree: Worktree,
  artifacts: string,
): Promise<
  { detail: string; failures: Judged["failures"] } | null
> {
  const { ctx } = input;
  const seen: RunEvent[] = [];
  await Deno.mkdir(artifacts, { recursive: true });
  const checkCtx: TaskContext = {
    ...ctx,
    artifacts,
    artifactsRelative: relative(input.workspace.root, artifacts),
    emit: (event: NewEvent) => {
      seen.push({ ...event, ts: "", run: ctx.runId } as RunEvent);
      ctx.emit(event);
    },
  };
  const space = input.workspace.inWorktree(
    worktree.root,
    agentGitEnv(worktree),
  );
  const result = await input.validate(groups, space, checkCtx);
  if (result.ok) return null;
  return { detail: result.detail, failures: failuresOf(seen) };
}

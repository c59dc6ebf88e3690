/**
 * The step record covers every step kind: at the type level (a record
 * missing a kind does not compile) and through the CLI (one plan whose
 * run uses every kind: precheck, command, check, agent, apply_patch).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "../../_cli.ts";
import {
  agentPlan,
  gitProject,
  LEARNING_AGENT,
  ofType,
  runEvents,
} from "../../agent/_agent_project.ts";
import type { StepKind } from "../../../src/engine/steps.ts";
import type {
  StepHandlers,
  StepResults,
} from "../../../src/engine/steps/handler.ts";
import { NO_FEATURES, stepHandlers } from "../../../src/engine/steps/record.ts";

/** True only when A and B are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

Deno.test("step record: its keys are exactly the step kinds, each with a typed result; a record without a kind does not compile", () => {
  const keys: Same<keyof StepHandlers, StepKind> = true;
  const results: Same<keyof StepResults, StepKind> = true;
  assert.ok(keys && results);
  const full = stepHandlers(NO_FEATURES);
  const { apply_patch: _, ...partial } = full;
  // @ts-expect-error: apply_patch has no handler.
  const missing: StepHandlers = partial;
  assert.equal("apply_patch" in missing, false);
  const kinds: Record<StepKind, true> = {
    command: true,
    check: true,
    precheck: true,
    agent: true,
    apply_patch: true,
  };
  assert.deepEqual(Object.keys(full).sort(), Object.keys(kinds).sort());
});

Deno.test("step record: one run through the CLI uses every kind — precheck (skipped), agent, command and check in its worktree, apply_patch (gated), check in the project", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(`  - id: PRE
    title: Already done
    skip_when_accepted: true
    commands:
      never: "touch ran.txt"
    acceptance:
      - "File exists: agent.sh"
`),
    "agent.sh": LEARNING_AGENT,
    "greet.txt": "hi\n",
  });
  const bound = { killAfterMs: 60_000 };
  const run = await cli(["run"], { cwd: dir, ...bound });
  assert.equal(run.code, 3, run.stdout + run.stderr);
  const first = await runEvents(dir);
  // precheck: PRE's acceptance held, so nothing of it ran.
  assert.deepEqual(ofType(first, "skipped").map((e) => e.task), ["PRE"]);
  await assert.rejects(Deno.stat(join(dir, "ran.txt")));
  // agent, with command and check steps validating it in its worktree.
  assert.equal(ofType(first, "agent_started").length, 2);
  assert.ok(ofType(first, "command_run").some((e) => e.name === "test"));
  assert.ok(ofType(first, "acceptance_passed").length > 0);
  // apply_patch: gated, so the task paused showing the validated patch.
  assert.equal(ofType(first, "patch_validated").length, 1);
  assert.equal(ofType(first, "patch_applied").length, 0);

  const approve = await cli(["approve", "apply_patch", "--task", "FIX-1"], {
    cwd: dir,
    ...bound,
  });
  assert.equal(approve.code, 0, approve.stderr);
  const resume = await cli(["resume"], { cwd: dir, ...bound });
  assert.equal(resume.code, 0, resume.stdout + resume.stderr);
  const after = await runEvents(dir);
  const applied = ofType(after, "patch_applied");
  assert.equal(applied.length, 1);
  // check: the acceptance ran again in the project, after the patch.
  const checked = after.findLastIndex((e) =>
    e.type === "acceptance_passed" && e.task === "FIX-1"
  );
  assert.ok(checked > after.indexOf(applied[0]!));
  assert.equal(
    await Deno.readTextFile(join(dir, "greet.txt")),
    "hello world\n",
  );
});

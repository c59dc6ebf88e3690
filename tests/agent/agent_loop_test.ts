import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempDir } from "../_cli.ts";
import { NO_BWRAP } from "../exec/sandbox/_sandbox.ts";
import {
  agentPlan,
  gitIn,
  gitProject,
  LEARNING_AGENT,
  ofType,
  runEvents,
} from "./_agent_project.ts";

const BOUND = { killAfterMs: 60_000 };

Deno.test("agent loop: wrong first, fixed with the feedback, validated in the worktree, stops at apply_patch; approve + resume apply it and re-check", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(),
    "agent.sh": LEARNING_AGENT,
    "greet.txt": "hi\n",
  });
  // Uncommitted work the agent must see: a modified file and an untracked one.
  await Deno.writeTextFile(join(dir, "notes.md"), "draft\n");
  const side = await tempDir();
  const env = {
    STDIN_COPY: join(side, "stdin.md"),
    AGENT_LOG: join(side, "agent.log"),
  };

  const run = await cli(["run"], { cwd: dir, env, ...BOUND });
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stdout, /awaiting approval: apply_patch/);
  assert.match(
    run.stdout,
    /the patch: 1 file \(greet\.txt\), \+1 -1, \.codex\/runs\/.*attempt-2\.patch/,
  );
  // Nothing reached the project yet.
  assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), "hi\n");

  const events = await runEvents(dir);
  const started = ofType(events, "agent_started");
  assert.deepEqual(started.map((e) => e.attempt), [1, 2]);
  assert.equal(started[0]!.feedback, null);
  assert.match(started[1]!.feedback!, /feedback-1\.md$/);
  const failed = ofType(events, "agent_attempt_failed");
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.reason, "checks_failed");
  const feedback = await Deno.readTextFile(join(dir, started[1]!.feedback!));
  assert.match(feedback, /command "test".*exited 1/);
  assert.match(feedback, /greet\.txt lacks hello/);
  const proposed = ofType(events, "patch_proposed");
  assert.equal(proposed.length, 2);
  const [validated] = ofType(events, "patch_validated");
  assert.equal(validated!.attempt, 2);
  assert.deepEqual(validated!.files, ["greet.txt"]);
  assert.equal(validated!.hash, proposed[1]!.hash);
  assert.match(
    await Deno.readTextFile(join(dir, validated!.patch)),
    /\+hello world/,
  );

  // The contract: brief on stdin and as files, ids and attempt in the environment, cwd a worktree.
  const brief = await Deno.readTextFile(env.STDIN_COPY);
  assert.match(brief, /^# Task FIX-1: Make greet/);
  // The index-first brief: where to edit (marked existing), and who judges the work.
  assert.match(brief, /- `greet\.txt` \(existing/);
  assert.match(
    brief,
    /The orchestrator runs the commands and checks after you exit/,
  );
  const calls = (await Deno.readTextFile(env.AGENT_LOG)).trim().split("\n");
  assert.equal(calls.length, 2);
  const [id, attempt, runId, md, json, cwd, notes] = calls[1]!.split(" ");
  // It sees what the user sees: the untracked, uncommitted notes.md.
  assert.equal(notes, "draft");
  assert.deepEqual([id, attempt, md, json], [
    "FIX-1",
    "2",
    "brief.md",
    "brief.json",
  ]);
  assert.equal(runId, events[0]!.run);
  assert.notEqual(cwd, dir);
  // The worktree is gone once its patch passed; the project's own tree is untouched.
  assert.equal(
    (await gitIn(dir, "worktree", "list")).trim().split("\n").length,
    1,
  );
  assert.equal(await Deno.readTextFile(join(dir, "notes.md")), "draft\n");

  const approve = await cli(["approve", "apply_patch", "--task", "FIX-1"], {
    cwd: dir,
    ...BOUND,
  });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, new RegExp(validated!.hash));

  const resume = await cli(["resume"], { cwd: dir, ...BOUND });
  assert.equal(resume.code, 0, resume.stdout + resume.stderr);
  assert.equal(
    await Deno.readTextFile(join(dir, "greet.txt")),
    "hello world\n",
  );
  const after = await runEvents(dir);
  const [applied] = ofType(after, "patch_applied");
  assert.equal(applied!.hash, validated!.hash);
  // The agent did not run again, and the acceptance checks ran in the project after the patch.
  assert.equal(ofType(after, "agent_started").length, 2);
  const lastApplied = after.indexOf(applied!);
  assert.ok(
    after.slice(lastApplied).some((e) =>
      e.type === "acceptance_passed" && e.detail === "Contains: hello world"
    ),
  );
  assert.equal(after.at(-1)!.type, "completed");

  // The report tells the whole story from the log: attempts, feedback, approval, the applied diff.
  const report = await cli(["report"], { cwd: dir, ...BOUND });
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /Agent attempts:/);
  assert.match(report.stdout, /- 1\. `[^`]+`: exit 0, .*\*\*checks_failed\*\*/);
  assert.match(
    report.stdout,
    /- 2\. `[^`]+`: exit 0, .*\[feedback given\]\([^)]*feedback-1\.md\)/,
  );
  assert.match(report.stdout, /- `apply_patch` by \S+ at /);
  assert.match(
    report.stdout,
    new RegExp(`Applied \\[patch\\]\\([^)]+\\) \`${validated!.hash}\``),
  );
  assert.match(report.stdout, /```diff\n[\s\S]*\+hello world\n[\s\S]*```/);
});

Deno.test("agent loop: an agent that exits 0 without changing anything fails the task after its attempts", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(),
    "agent.sh": "#!/bin/sh\ncat > /dev/null\nexit 0\n",
    "greet.txt": "hi\n",
  });
  const run = await cli(["run"], { cwd: dir, ...BOUND });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const events = await runEvents(dir);
  assert.deepEqual(
    ofType(events, "agent_attempt_failed").map((e) => e.reason),
    ["no_change", "no_change"],
  );
  assert.equal(ofType(events, "patch_proposed").length, 0);
  const [failed] = ofType(events, "task_failed");
  assert.equal(failed!.reason, "agent_failed");
  assert.match(failed!.detail, /without changing any file/);
  // Kept for inspection on failure.
  assert.match(failed!.detail, /worktree kept for inspection: (\S+)\)/);
  const kept = failed!.detail.match(/inspection: (\S+)\)/)![1]!;
  assert.ok((await Deno.stat(join(dir, kept))).isDirectory);
});

Deno.test("agent loop: without a sandbox, a patch touching a forbidden path fails, even when the checks pass", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(),
    "agent.sh":
      "#!/bin/sh\ncat > /dev/null\necho 'hello world' > greet.txt\necho x > locked/key\n",
    "greet.txt": "hi\n",
    "locked/key": "secret\n",
  });
  // Under a sandbox the worktree's forbidden path is read-only (the write
  // never lands); without one, the patch check is what catches it.
  const run = await cli(["run", "--sandbox", "off"], { cwd: dir, ...BOUND });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const events = await runEvents(dir);
  const failures = ofType(events, "agent_attempt_failed");
  assert.deepEqual(failures.map((e) => e.reason), [
    "forbidden_path",
    "forbidden_path",
  ]);
  assert.match(failures[0]!.detail, /forbidden paths: locked\/key/);
  assert.match(
    await Deno.readTextFile(join(dir, failures[0]!.feedback!)),
    /locked\/key/,
  );
  assert.equal(ofType(events, "patch_validated").length, 0);
  assert.equal(await Deno.readTextFile(join(dir, "locked/key")), "secret\n");
});

Deno.test("agent loop: a patch that no longer applies is a failure showing the conflict, and nothing changes", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(),
    "agent.sh": "#!/bin/sh\ncat > /dev/null\necho 'hello world' > greet.txt\n",
    "greet.txt": "hi\n",
  });
  assert.equal((await cli(["run"], { cwd: dir, ...BOUND })).code, 3);
  assert.equal(
    (await cli(["approve", "apply_patch", "--task", "FIX-1"], {
      cwd: dir,
      ...BOUND,
    })).code,
    0,
  );
  // Someone edits the file in the meantime.
  await Deno.writeTextFile(join(dir, "greet.txt"), "changed by hand\n");
  const resume = await cli(["resume"], { cwd: dir, ...BOUND });
  assert.equal(resume.code, 1, resume.stdout + resume.stderr);
  assert.equal(
    await Deno.readTextFile(join(dir, "greet.txt")),
    "changed by hand\n",
  );
  const [failed] = ofType(await runEvents(dir), "task_failed");
  assert.equal(failed!.reason, "patch_failed");
  assert.match(failed!.detail, /no longer applies/);
  assert.match(failed!.detail, /greet\.txt/);
});

Deno.test("agent loop: a task changed after approval asks again (new patch, new approval)", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan(),
    "agent.sh": "#!/bin/sh\ncat > /dev/null\necho 'hello world' > greet.txt\n",
    "greet.txt": "hi\n",
  });
  assert.equal((await cli(["run"], { cwd: dir, ...BOUND })).code, 3);
  assert.equal(
    (await cli(["approve", "apply_patch", "--task", "FIX-1"], {
      cwd: dir,
      ...BOUND,
    })).code,
    0,
  );
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    // What the task does changed (a title alone would not count).
    agentPlan().replace('- "Contains: hello world"', '- "Contains: hello"'),
  );
  const resume = await cli(["resume"], { cwd: dir, ...BOUND });
  assert.equal(resume.code, 3, resume.stdout + resume.stderr);
  assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), "hi\n");
  const events = await runEvents(dir);
  assert.equal(ofType(events, "agent_started").length, 2);
  assert.equal(ofType(events, "patch_applied").length, 0);
  assert.equal(ofType(events, "awaiting_approval").length, 2);
});

Deno.test("agent loop: without the apply_patch gate a validated patch is applied at once", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan().replace(
      "required: [apply_patch]",
      "required: []",
    ),
    "agent.sh": LEARNING_AGENT,
    "greet.txt": "hi\n",
  });
  const run = await cli(["run"], { cwd: dir, ...BOUND });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(
    await Deno.readTextFile(join(dir, "greet.txt")),
    "hello world\n",
  );
  assert.equal(ofType(await runEvents(dir), "patch_applied").length, 1);
});

Deno.test("agent caps: run_max_attempts stops further attempts across the run", async () => {
  const dir = await gitProject({
    "orchestrator.yml": agentPlan().replace(
      'agent: { command: "sh agent.sh" }',
      'agent: { command: "sh agent.sh", attempts: 3, run_max_attempts: 1 }',
    ),
    "agent.sh": LEARNING_AGENT,
    "greet.txt": "hi\n",
  });
  const run = await cli(["run"], { cwd: dir, ...BOUND });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const events = await runEvents(dir);
  assert.equal(ofType(events, "agent_started").length, 1);
  const failures = ofType(events, "agent_attempt_failed");
  assert.deepEqual(failures.map((e) => e.reason), ["checks_failed", "limit"]);
  assert.match(failures[1]!.detail, /run_max_attempts/);
});

Deno.test({
  name:
    "agent permissions: a task allowed to write greet.txt lets its agent write the worktree's greet.txt under bwrap, and nothing else",
  ignore: NO_BWRAP !== null,
  fn: async () => {
    const dir = await gitProject({
      "orchestrator.yml": agentPlan().replace(
        "    agent: true\n",
        "    agent: true\n    permissions: { write: [greet.txt] }\n",
      ),
      "agent.sh":
        "#!/bin/sh\ncat > /dev/null\necho 'hello world' > greet.txt\necho stray > stray.txt 2>/dev/null\nexit 0\n",
      "greet.txt": "hi\n",
    });
    const run = await cli(["run", "--sandbox", "bwrap"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const events = await runEvents(dir);
    const [validated] = ofType(events, "patch_validated");
    // The allowed file changed in the worktree; the stray write never landed.
    assert.deepEqual(validated!.files, ["greet.txt"]);
  },
});

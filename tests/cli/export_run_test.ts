/**
 * Proof without GitHub: the exported workflow, run job by job on this
 * machine (tests/scripts/_gha_runner.ts: a clone per job, artifacts and
 * the cache as folders, environments approved), records the same outcome
 * as a local `orchestrate run` of the same plan: the same tasks completed,
 * failed, blocked and skipped, the same outputs; with a failing task, a
 * gate, a cache hit on the second run, and a plan above the job limit.
 *
 * The run logs of the jobs are compared task by task (each task's state
 * in the one job that ran it; a task no job ran is blocked when a task it
 * needs failed). The last job's merged record (`orchestrate merge`, then
 * status, TASKS.md and the report) is compared where the merge command
 * exists in this tree.
 * @module
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { cli, repoPath, tempDir, tempProject } from "../_cli.ts";
import { runWorkflow, type WorkflowRun } from "../scripts/_gha_runner.ts";
import { workflowProblems } from "../scripts/_workflow_parser.ts";
import { foldLog } from "../../src/events/fold_log.ts";
import { OUTSIDE_SELECTION } from "../../src/events/types.ts";
import { agentPlan, LEARNING_AGENT } from "../agent/_agent_project.ts";

const OUT = ".github/workflows/orchestrate.yml";

/** Whether `orchestrate merge` is in this tree (merge19's part of the issue). */
const MERGE = await Deno.stat(repoPath("src/cli/merge.ts")).then(
  () => true,
  () => false,
);

const PLAN = `version: 1
orchestrator:
  strategy: keep_going
  approvals:
    required: [deploy]
tasks:
  - id: build
    title: Build
    inputs: [src/a.txt]
    outputs: [out/build.txt]
    commands: { b: "sh -c 'mkdir -p out && cat src/a.txt > out/build.txt'" }
  - id: test
    title: Test
    dependencies: [build]
    inputs: [out/build.txt]
    outputs: [out/test.txt]
    commands: { t: "sh -c 'grep hello out/build.txt > out/test.txt'" }
  - id: lint
    title: Lint
    commands: { l: "sh -c 'echo lint failed; exit 1'" }
  - id: docs
    title: Docs
    dependencies: [lint]
    commands: { d: "true" }
  - id: ship
    title: Ship
    type: deploy
    dependencies: [test]
    outputs: [out/shipped.txt]
    commands: { s: "sh -c 'cp out/test.txt out/shipped.txt'" }
`;

async function git(cwd: string, ...args: string[]): Promise<void> {
  const r = await new Deno.Command("git", {
    args: ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!r.success) throw new Error(new TextDecoder().decode(r.stderr));
}

/** A git project with `files` and its exported workflow, committed. */
async function project(files: Record<string, string>): Promise<{
  dir: string;
  workflow: string;
  stdout: string;
}> {
  const dir = await tempProject({
    ...files,
    ".gitignore": ".codex/\nout/\nTASKS.md\n",
  });
  const r = await cli(["export", "github-actions"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  await git(dir, "init", "-q");
  await git(dir, "add", "-A");
  await git(dir, "commit", "-qm", "plan");
  const workflow = await Deno.readTextFile(join(dir, OUT));
  assert.deepEqual(await workflowProblems(workflow, OUT), []);
  return { dir, workflow, stdout: r.stdout };
}

/**
 * A local run of the plan in a clone (or again in `dir`): run, then each
 * gate approved and the run resumed, as the workflow's environments do.
 */
async function localRun(
  source: string,
  gates: string[],
  dir?: string,
): Promise<{ dir: string; code: number }> {
  if (dir === undefined) {
    dir = join(await tempDir(), "project"); // the jobs' clones' name
    await git(source, "clone", "-q", source, dir);
  }
  let r = await cli(["run"], { cwd: dir });
  for (const gate of gates) {
    const ok = await cli(["approve", gate, "--by", "octocat"], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
  }
  if (gates.length > 0) r = await cli(["resume"], { cwd: dir });
  return { dir, code: r.code };
}

/** Each task's state in the local run (status --json). */
async function statesOf(dir: string): Promise<Record<string, string>> {
  const r = await cli(["status", "--json"], { cwd: dir });
  const json = JSON.parse(r.stdout) as {
    tasks: { id: string; state: string }[];
  };
  return Object.fromEntries(json.tasks.map((t) => [t.id, t.state]));
}

async function jsonlUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await jsonlUnder(path));
    else if (e.name.endsWith(".jsonl") && e.name !== "approvals.jsonl") {
      out.push(path);
    }
  }
  return out.sort();
}

/**
 * Each task's state from the jobs' run logs: in the one job that ran it;
 * a task no job ran (GitHub skipped its job) is blocked when a task it
 * needs failed or is blocked, else pending.
 */
async function fragmentStates(
  run: WorkflowRun,
  plan: { id: string; dependencies: string[] }[],
): Promise<
  { states: Record<string, string>; reasons: Record<string, string> }
> {
  const states: Record<string, string> = {};
  const reasons: Record<string, string> = {};
  const ranIn: Record<string, string> = {};
  for (const file of await jsonlUnder(run.artifacts)) {
    const { state, warnings } = await foldLog(file);
    assert.deepEqual(warnings, [], file);
    for (const [id, t] of state.tasks) {
      if (t.state === "skipped" && t.reason === OUTSIDE_SELECTION) continue;
      const where = relative(run.artifacts, file).split("/")[0]!;
      // One job runs a task (a resume appends to the same log).
      assert.ok(
        ranIn[id] === undefined || ranIn[id] === where,
        `${id} ran in ${ranIn[id]} and ${where}`,
      );
      ranIn[id] = where;
      states[id] = t.state;
      reasons[id] = t.reason ?? "";
    }
  }
  for (const task of plan) {
    if (states[task.id] !== undefined) continue;
    const failed = task.dependencies.some((d) =>
      states[d] === "failed" || states[d] === "blocked"
    );
    states[task.id] = failed ? "blocked" : "pending";
  }
  return { states, reasons };
}

/** `- [x] id — Title (state` of each task line of TASKS.md. */
function taskRows(text: string): string[] {
  return text.split("\n").filter((l) => /^- \[[ x]\] /.test(l)).map((l) =>
    l.replace(/^(- \[[ x]\] \S+ — .*? \([a-z_]+).*$/, "$1")
  );
}

/** Each task's outcome in `report --json`. */
async function reportStates(dir: string): Promise<Record<string, string>> {
  const r = await cli(["report", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as {
    tasks: { id: string; state: string }[];
  };
  return Object.fromEntries(json.tasks.map((t) => [t.id, t.state]));
}

/** The merged record of the workflow's last job equals the local run's. */
async function assertMerged(
  run: WorkflowRun,
  local: { dir: string; code: number },
): Promise<void> {
  const merge = run.jobs.merge!;
  const ws = merge.workspace!;
  assert.deepEqual(await statesOf(ws), await statesOf(local.dir));
  assert.deepEqual(
    taskRows(await Deno.readTextFile(join(ws, "TASKS.md"))),
    taskRows(await Deno.readTextFile(join(local.dir, "TASKS.md"))),
  );
  assert.deepEqual(await reportStates(ws), await reportStates(local.dir));
  assert.match(run.summary, /^# Run /m);
  // `status` decides the workflow: the local run's exit code.
  assert.equal(merge.steps.at(-1)!.code, local.code);
  assert.equal(merge.result, local.code === 0 ? "success" : "failure");
}

/** Every declared output, as the jobs' artifacts carry it, equals the local one. */
async function assertOutputs(
  run: WorkflowRun,
  local: string,
  outputs: string[],
): Promise<void> {
  for (const path of outputs) {
    const copies: string[] = [];
    for await (const a of Deno.readDir(run.artifacts)) {
      const text = await Deno.readTextFile(join(run.artifacts, a.name, path))
        .catch(() => null);
      if (text !== null) copies.push(text);
    }
    assert.ok(copies.length > 0, `${path} in no artifact`);
    const mine = await Deno.readTextFile(join(local, path));
    for (const c of copies) assert.equal(c, mine, path);
  }
}

const TASKS = [
  { id: "build", dependencies: [] },
  { id: "test", dependencies: ["build"] },
  { id: "lint", dependencies: [] },
  { id: "docs", dependencies: ["lint"] },
  { id: "ship", dependencies: ["test"] },
];

Deno.test("exported workflow run job by job = a local run: a failure, a gate approved in its environment, outputs; the second run hits the cache", async (t) => {
  const { dir, workflow } = await project({
    "orchestrator.yml": PLAN,
    "src/a.txt": "hello\n",
  });
  const store = await tempDir();
  const skip = MERGE ? undefined : (job: string) => job === "merge";
  const first = await runWorkflow(workflow, {
    project: dir,
    store,
    runId: 1,
    skip,
  });
  const local = await localRun(dir, ["deploy"]);
  assert.equal(local.code, 1);
  // GitHub's view: lint's job failed, docs' job never ran, the gate's job ran in its environment.
  assert.equal(first.jobs.lint!.result, "failure");
  assert.equal(first.jobs.docs!.result, "skipped");
  assert.equal(first.jobs["gate-deploy"]!.result, "success");
  assert.equal(first.jobs.ship!.result, "success");
  const expected = {
    build: "completed",
    test: "completed",
    lint: "failed",
    docs: "blocked",
    ship: "completed",
  };
  assert.deepEqual(await statesOf(local.dir), expected);
  const jobs = await fragmentStates(first, TASKS);
  assert.deepEqual(jobs.states, expected);
  await assertOutputs(first, local.dir, [
    "out/build.txt",
    "out/test.txt",
    "out/shipped.txt",
  ]);
  // Who approved, as the gate's job found it, is in ship's run log.
  const shipLog = (await jsonlUnder(join(first.artifacts, "orchestrate-ship")))
    .map((f) => Deno.readTextFileSync(f)).join("");
  assert.match(shipLog, /"type":"approval_granted"[^\n]*"by":"octocat"/);
  assert.match(
    shipLog,
    /GitHub environment deploy, https:\/\/github\.com\/octo\/project\/actions\/runs\/1/,
  );
  // Nothing cached yet: build and test are saved by their fingerprints.
  assert.deepEqual(first.cache.hits, []);
  assert.deepEqual(
    first.cache.saved.map((k) => k.replace(/[0-9a-f]{64}$/, "F")),
    ["orchestrate-build-F", "orchestrate-test-F"],
  );
  await t.step({
    name: "the merged record (status, TASKS.md, report) equals the local run's",
    ignore: !MERGE,
    fn: () => assertMerged(first, local),
  });

  // The second run: build and test are up to date, from the cache, as locally.
  const second = await runWorkflow(workflow, {
    project: dir,
    store,
    runId: 2,
    skip,
  });
  const again = await localRun(dir, ["deploy"], local.dir);
  assert.equal(again.code, 1);
  assert.deepEqual(second.cache.hits, first.cache.saved);
  assert.deepEqual(second.cache.saved, []);
  const expected2 = { ...expected, build: "skipped", test: "skipped" };
  assert.deepEqual(await statesOf(again.dir), expected2);
  const jobs2 = await fragmentStates(second, TASKS);
  assert.deepEqual(jobs2.states, expected2);
  assert.equal(jobs2.reasons.build, "up to date");
  assert.equal(jobs2.reasons.test, "up to date");
  await assertOutputs(second, again.dir, [
    "out/build.txt",
    "out/test.txt",
    "out/shipped.txt",
  ]);
  await t.step({
    name: "the second merged record equals the second local run's",
    ignore: !MERGE,
    fn: () => assertMerged(second, again),
  });
});

Deno.test("exported workflow of a plan above the job limit (chains merged into jobs) = a local run", async (t) => {
  // 258 tasks: 86 chains of 3; the last chain's middle task fails.
  const lines = [
    "version: 1",
    "orchestrator: { strategy: keep_going }",
    "tasks:",
  ];
  const tasks: { id: string; dependencies: string[] }[] = [];
  for (let i = 0; i < 258; i++) {
    const deps = i % 3 === 0 ? [] : [`t${i - 1}`];
    tasks.push({ id: `t${i}`, dependencies: deps });
    const cmd = i === 256
      ? "sh -c 'exit 1'"
      : `sh -c 'mkdir -p out && echo ${i} > out/t${i}.txt'`;
    lines.push(
      `  - { id: t${i}, title: "Task ${i}", outputs: [out/t${i}.txt], commands: { c: "${cmd}" }${
        deps.length > 0 ? `, dependencies: [${deps[0]}]` : ""
      } }`,
    );
  }
  const { dir, workflow, stdout } = await project({
    "orchestrator.yml": lines.join("\n") + "\n",
  });
  assert.match(stdout, /: 87 jobs for 258 tasks, \d+ bytes/m);
  assert.match(stdout, /^ {2}merged t0 → t1 → t2: one job \(a chain\)$/m);
  const store = await tempDir();
  const skip = MERGE ? undefined : (job: string) => job === "merge";
  const run = await runWorkflow(workflow, {
    project: dir,
    store,
    runId: 1,
    skip,
  });
  const local = await localRun(dir, []);
  assert.equal(local.code, 1);
  const expected = await statesOf(local.dir);
  assert.equal(expected.t256, "failed");
  assert.equal(expected.t257, "blocked");
  assert.equal(
    Object.values(expected).filter((s) => s === "completed").length,
    256,
  );
  assert.deepEqual((await fragmentStates(run, tasks)).states, expected);
  assert.equal(run.jobs.t257!.result, "failure");
  await assertOutputs(
    run,
    local.dir,
    tasks.filter((t) => t.id !== "t256" && t.id !== "t257").map((t) =>
      `out/${t.id}.txt`
    ),
  );
  await t.step({
    name: "the merged record equals the local run's",
    ignore: !MERGE,
    fn: () => assertMerged(run, local),
  });
});

Deno.test("exported workflow with an agent task = a local run: the validated patch in the job's artifact, nothing applied; the jobs after it wait", async (t) => {
  const { dir, workflow } = await project({
    "orchestrator.yml": agentPlan(`  - id: after
    title: After the fix
    dependencies: [FIX-1]
    commands: { a: "true" }
  - id: other
    title: Independent
    commands: { o: "true" }
`),
    "agent.sh": LEARNING_AGENT,
    "greet.txt": "hi\n",
  });
  const store = await tempDir();
  const skip = MERGE ? undefined : (job: string) => job === "merge";
  const run = await runWorkflow(workflow, {
    project: dir,
    store,
    runId: 1,
    skip,
  });
  const local = await localRun(dir, []);
  assert.equal(local.code, 3);
  const expected = await statesOf(local.dir);
  assert.equal(expected.other, "completed");
  assert.equal(expected.after, "pending");
  // The agent's job succeeds at apply_patch; the job after it does not run.
  assert.equal(run.jobs["FIX-1"]!.result, "success");
  assert.equal(run.jobs["FIX-1"]!.outputs.paused, "true");
  assert.equal(run.jobs.after!.result, "skipped");
  assert.deepEqual(
    (await fragmentStates(run, [
      { id: "FIX-1", dependencies: [] },
      { id: "after", dependencies: ["FIX-1"] },
      { id: "other", dependencies: [] },
    ])).states,
    expected,
  );
  // The patch travels in the artifact; the job's project is untouched.
  const files = await Array.fromAsync(
    Deno.readDir(join(run.artifacts, "orchestrate-FIX-1")),
  );
  assert.ok(files.length > 0);
  const patches = (await jsonlUnder(join(run.artifacts, "orchestrate-FIX-1")))
    .map((log) => log.replace(/\.jsonl$/, ""));
  const patch = join(patches[0]!, "agent/FIX-1/attempt-2.patch");
  assert.match(await Deno.readTextFile(patch), /\+hello world/);
  assert.equal(
    await Deno.readTextFile(join(run.jobs["FIX-1"]!.workspace!, "greet.txt")),
    "hi\n",
  );
  await t.step({
    name: "the merged record equals the local run's",
    ignore: !MERGE,
    fn: () => assertMerged(run, local),
  });
});

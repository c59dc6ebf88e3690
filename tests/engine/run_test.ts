/**
 * Rules of a run (src/engine/run.ts and the task runner), driven through the
 * real CLI in temporary projects.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { outputFileName } from "../../src/engine/output_name.ts";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "./_events.ts";

Deno.test("run: a task whose declared outputs are missing is not up to date", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: B
    title: Build
    inputs: [src.txt]
    outputs: [out/app]
    commands: { make: "mkdir -p out && cp src.txt out/app && echo made >> made.txt" }
`,
    "src.txt": "v1",
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal(await Deno.readTextFile(join(dir, "made.txt")), "made\n");
  const skipped = (await latestEvents(dir)).find((e) => e.type === "skipped");
  assert.equal(skipped?.type === "skipped" && skipped.reason, "up to date");
  await Deno.remove(join(dir, "out/app"));
  const dry = await cli(["run", "--dry-run"], { cwd: dir });
  assert.match(dry.stdout, /run +B — Build\n/);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal(await Deno.readTextFile(join(dir, "made.txt")), "made\nmade\n");
});

Deno.test("run: the final release build runs after the whole plan, never after --task", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
project:
  build:
    release: "echo released >> release.txt"
tasks:
  - id: A
    title: A
    commands: { x: "true" }
  - id: B
    title: B
    commands: { x: "true" }
`,
  });
  const partial = await cli(["run", "--task", "A"], { cwd: dir });
  assert.equal(partial.code, 0, partial.stderr);
  await assert.rejects(Deno.stat(join(dir, "release.txt")));
  const dry = await cli(["run", "--task", "A", "--dry-run"], { cwd: dir });
  assert.doesNotMatch(dry.stdout, /after the DAG/);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal(await Deno.readTextFile(join(dir, "release.txt")), "released\n");
});

Deno.test("run: a command's own timeout fails its task with reason timeout", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: S
    title: Slow
    commands:
      wait: { run: "sleep 20", timeout: 300ms }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const failed = (await latestEvents(dir)).find((e) =>
    e.type === "task_failed"
  );
  assert.ok(failed?.type === "task_failed");
  assert.equal(failed.reason, "timeout");
  assert.match(failed.detail, /command "wait" timed out after 300ms/);
});

Deno.test("run: output files never collide (task A.B vs shard B of A, check1 vs the first check, case)", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: A
    shards:
      - id: B
        title: shard
        commands: { x: "echo shard" }
    commands:
      check1: "echo command-check1"
    acceptance: ["Command: echo check-one"]
  - id: A.B
    title: A.B
    commands: { x: "echo task" }
  - id: a.b
    title: lower
    commands: { x: "echo lower" }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const outputs = (await latestEvents(dir)).flatMap((e) =>
    (e.type === "command_run" || e.type === "acceptance_passed") && e.output
      ? [e.output]
      : []
  );
  assert.equal(outputs.length, 5);
  const lower = outputs.map((o) => o.toLowerCase());
  assert.equal(new Set(lower).size, 5, outputs.join("\n"));
  const texts = await Promise.all(
    outputs.map((o) => Deno.readTextFile(join(dir, o))),
  );
  assert.deepEqual(texts.sort(), [
    "check-one\n",
    "command-check1\n",
    "lower\n",
    "shard\n",
    "task\n",
  ]);
});

Deno.test("run: the pre-check gets the task's environment and timebox", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: P
    title: Pre-checked
    skip_when_accepted: true
    commands: { x: "echo ran >> ran.txt" }
    acceptance: ['Command: test "$ORCHESTRATE_TASK_ID" = P']
  - id: H
    title: Hangs in its pre-check
    skip_when_accepted: true
    constraints: { timebox: 1s }
    commands: { x: "true" }
    acceptance: ["Command: sleep 30"]
`,
  });
  const r = await cli(["run", "--concurrency", "2"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const events = await latestEvents(dir);
  const skipped = events.find((e) => e.type === "skipped" && e.task === "P");
  assert.ok(skipped?.type === "skipped");
  assert.equal(skipped.reason, "acceptance already holds");
  await assert.rejects(Deno.stat(join(dir, "ran.txt")));
  const failed = events.find((e) => e.type === "task_failed" && e.task === "H");
  assert.ok(failed?.type === "task_failed");
  assert.equal(failed.reason, "timeout");
});

Deno.test("run: an error inside a task fails it with reason error; the run still ends and unlocks", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: E
    title: Its output file cannot be written
    commands: { x: "echo hello" }
  - id: F
    title: Fine
    commands: { x: "true" }
`,
  });
  // A first run tells the run folder; the output file's path is made a folder in the next.
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const runs = join(dir, ".codex/runs");
  const name = outputFileName({
    task: "E",
    shard: null,
    step: "command",
    name: "x",
    attempt: 1,
  });
  const realMkdir = `mkdir -p "${runs}/$ORCHESTRATE_RUN_ID/${name}"`;
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    `version: 1
orchestrator: { concurrency: 1 }
tasks:
  - id: M
    title: Makes a folder where E's output goes
    commands: { x: '${realMkdir}' }
  - id: E
    title: Its output file cannot be written
    dependencies: [M]
    commands: { x: "echo hello" }
  - id: F
    title: Fine
    dependencies: [M]
    commands: { x: "true" }
`,
  );
  const r = await cli(["run", "--force"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr + r.stdout);
  assert.doesNotMatch(r.stderr, /Internal error|at .*\.ts:\d+/);
  const events = await latestEvents(dir);
  const failed = events.find((e) => e.type === "task_failed" && e.task === "E");
  assert.ok(failed?.type === "task_failed", JSON.stringify(events));
  assert.equal(failed.reason, "error");
  assert.equal(events.at(-1)!.type, "completed");
  await assert.rejects(Deno.stat(join(dir, ".codex/lock")));
});

Deno.test("resume: a blocked task that is up to date is not run again", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { strategy: keep_going }
tasks:
  - id: A
    title: A
    inputs: [a.txt]
    commands: { x: "test \\"$(cat a.txt)\\" = good" }
  - id: B
    title: B
    dependencies: [A]
    inputs: [b.txt]
    commands: { x: "echo b >> b-ran.txt" }
`,
    "a.txt": "good",
    "b.txt": "b",
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(join(dir, "a.txt"), "bad");
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const blocked = (await latestEvents(dir)).find((e) =>
    e.type === "task_blocked"
  );
  assert.equal(blocked?.task, "B");
  await Deno.writeTextFile(join(dir, "a.txt"), "good");
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await Deno.readTextFile(join(dir, "b-ran.txt")), "b\n");
  const events = await latestEvents(dir);
  const b = events.filter((e) => e.task === "B").map((e) => e.type);
  assert.deepEqual(b.slice(-1), ["skipped"]);
});

Deno.test("resume: a resumed --force run stays forced", async () => {
  const plan = (x: string) =>
    `version: 1
orchestrator: { concurrency: 1 }
tasks:
  - id: X
    title: Fails first
    commands: { x: "${x}" }
  - id: A
    title: Up to date
    inputs: [a.txt]
    commands: { x: "echo a >> a-ran.txt" }
`;
  const dir = await tempProject({
    "orchestrator.yml": plan("true"),
    "a.txt": "a",
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan("false"));
  assert.equal((await cli(["run", "--force"], { cwd: dir })).code, 1);
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan("true"));
  const dry = await cli(["resume", "--dry-run"], { cwd: dir });
  assert.match(dry.stdout, /run +A — Up to date\n/);
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await Deno.readTextFile(join(dir, "a-ran.txt")), "a\na\n");
});

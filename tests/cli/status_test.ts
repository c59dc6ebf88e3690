import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, PERMISSIONS, tempProject } from "../_cli.ts";

const PLAN = `version: 1
tasks:
  - id: DOC-001
    title: Add orchestration PRD
    commands: { test: "true" }
  - id: EXC-001
    title: Central exception handling
    commands: { test: "cargo test" }
    shards:
      - id: EXC-001A
        title: Define AppError enum
      - id: EXC-001B
        title: Map anyhow::Error to AppError
  - id: TEST-001
    title: Error tests
    dependencies: [EXC-001]
  - id: PEND-001
    title: Later work
`;

const OLD = "20250921T090000.000Z";
const RUN = "20250922T110314.000Z";

/** A run as the engine logs it: DOC-001 done, EXC-001 failed in its second shard, TEST-001 blocked. */
const LOG = [
  `{"ts":"2025-09-22T11:03:14.000Z","run":"${RUN}","type":"run_started","task":null,"shard":null,"plan_file":"orchestrator.yml","plan_hash":"h","task_hashes":{},"tool_version":"0.1.0","deno_version":"2.9.6","selection":null,"selected":["DOC-001","EXC-001","TEST-001","PEND-001"],"concurrency":1,"strategy":"conservative","force":false,"ci":{}}`,
  `{"ts":"2025-09-22T11:03:14.001Z","run":"${RUN}","type":"plan_validated","task":null,"shard":null,"plan_hash":"h","tasks":4}`,
  `{"ts":"2025-09-22T11:03:14.002Z","run":"${RUN}","type":"task_started","task":"DOC-001","shard":null}`,
  `{"ts":"2025-09-22T11:03:15.100Z","run":"${RUN}","type":"command_run","task":"DOC-001","shard":null,"name":"test","cmd":"true","status":0,"signal":null,"duration_ms":1100,"output":".codex/runs/${RUN}/DOC-001.test.1.log","attempt":1,"attempts":1,"timed_out":false}`,
  `{"ts":"2025-09-22T11:03:15.200Z","run":"${RUN}","type":"task_completed","task":"DOC-001","shard":null,"duration_ms":1200,"fingerprint":null}`,
  `{"ts":"2025-09-22T11:03:15.300Z","run":"${RUN}","type":"task_started","task":"EXC-001","shard":null}`,
  `{"ts":"2025-09-22T11:03:15.301Z","run":"${RUN}","type":"shard_started","task":"EXC-001","shard":"EXC-001A"}`,
  `{"ts":"2025-09-22T11:03:16.151Z","run":"${RUN}","type":"shard_completed","task":"EXC-001","shard":"EXC-001A","duration_ms":850}`,
  `{"ts":"2025-09-22T11:03:16.152Z","run":"${RUN}","type":"shard_started","task":"EXC-001","shard":"EXC-001B"}`,
  `{"ts":"2025-09-22T11:03:18.000Z","run":"${RUN}","type":"command_run","task":"EXC-001","shard":"EXC-001B","name":"test","cmd":"cargo test","status":1,"signal":null,"duration_ms":1800,"output":".codex/runs/${RUN}/EXC-001.EXC-001B.test.1.log","attempt":1,"attempts":1,"timed_out":false}`,
  `{"ts":"2025-09-22T11:03:18.001Z","run":"${RUN}","type":"shard_failed","task":"EXC-001","shard":"EXC-001B","duration_ms":1849,"reason":"command_failed","detail":"command \\"test\\" exited 1 (see .codex/runs/${RUN}/EXC-001.EXC-001B.test.1.log)"}`,
  `{"ts":"2025-09-22T11:03:18.002Z","run":"${RUN}","type":"task_failed","task":"EXC-001","shard":null,"duration_ms":2702,"reason":"command_failed","detail":"command \\"test\\" exited 1 (see .codex/runs/${RUN}/EXC-001.EXC-001B.test.1.log)"}`,
  `{"ts":"2025-09-22T11:03:18.003Z","run":"${RUN}","type":"task_blocked","task":"TEST-001","shard":null,"reason":"dependency EXC-001 failed","by":"EXC-001"}`,
].join("\n") + "\n";

/** An older run in which everything completed: status must not read it. */
const OLD_LOG =
  `{"ts":"2025-09-21T09:00:00.000Z","run":"${OLD}","type":"task_started","task":"PEND-001","shard":null}\n` +
  `{"ts":"2025-09-21T09:00:01.000Z","run":"${OLD}","type":"task_completed","task":"PEND-001","shard":null,"duration_ms":1000,"fingerprint":null}\n`;

/** The run's last event: it ended failed. */
const FAILED_END =
  `{"ts":"2025-09-22T11:03:18.100Z","run":"${RUN}","type":"completed","task":null,"shard":null,"outcome":"failed","duration_ms":4100,"counts":{}}\n`;

function project(log: string = LOG + FAILED_END) {
  return tempProject({
    "orchestrator.yml": PLAN,
    [`.codex/runs/${OLD}.jsonl`]: OLD_LOG,
    [`.codex/runs/${RUN}.jsonl`]: log,
    [`.codex/runs/${RUN}/DOC-001.test.1.log`]: "ok\n",
  });
}

Deno.test("status: the latest run's state of every task and shard, as a table; exit 1 when it failed", async () => {
  const cwd = await project();
  const r = await cli(["status"], { cwd });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr, "");
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], `Run ${RUN}: failed · log .codex/runs/${RUN}.jsonl`);
  assert.match(r.stdout, /^ID +STATE +DURATION +RUN +TITLE +REASON$/m);
  assert.match(
    r.stdout,
    new RegExp(
      `^DOC-001 +completed +1\\.2s +${RUN} +Add orchestration PRD$`,
      "m",
    ),
  );
  assert.match(
    r.stdout,
    /^EXC-001 +failed +2\.7s +\S+ +Central exception handling +command_failed — command "test" exited 1 \(see \.codex\/runs\/\S+\/EXC-001\.EXC-001B\.test\.1\.log\)$/m,
  );
  assert.match(
    r.stdout,
    /^ {2}EXC-001A +completed +850ms +Define AppError enum$/m,
  );
  assert.match(
    r.stdout,
    /^ {2}EXC-001B +failed +1\.8s +Map anyhow::Error to AppError +command "test" exited 1/m,
  );
  assert.match(
    r.stdout,
    /^TEST-001 +blocked +\S+ +Error tests +blocked by EXC-001$/m,
  );
  assert.match(
    r.stdout,
    /^PEND-001 +pending +\S+ +Later work$/m,
    "the older run's completion is not used",
  );
  assert.equal(lines.at(-2), "1 completed, 1 failed, 1 blocked, 1 pending");
});

Deno.test("status --json: run, log, counts, summary and tasks in plan order", async () => {
  const cwd = await project();
  const r = await cli(["status", "--json"], { cwd });
  assert.equal(r.code, 1, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(json), [
    "run",
    "log",
    "outcome",
    "process",
    "started_at",
    "ended_at",
    "summary",
    "counts",
    "tasks",
    "plan",
  ]);
  assert.deepEqual(json.plan, { recorded: false, valid: true, changes: null });
  assert.equal(json.run, RUN);
  assert.equal(json.log, `.codex/runs/${RUN}.jsonl`);
  assert.equal(json.outcome, "failed");
  assert.equal(json.process, null);
  assert.equal(json.summary, "1 completed, 1 failed, 1 blocked, 1 pending");
  assert.deepEqual(json.counts, {
    pending: 1,
    in_progress: 0,
    blocked: 1,
    failed: 1,
    interrupted: 0,
    completed: 1,
    skipped: 0,
  });
  assert.deepEqual(
    json.tasks.map((t: { id: string; state: string }) => [t.id, t.state]),
    [
      ["DOC-001", "completed"],
      ["EXC-001", "failed"],
      ["TEST-001", "blocked"],
      ["PEND-001", "pending"],
    ],
  );
  const exc = json.tasks[1];
  assert.equal(exc.reason, "command_failed");
  assert.equal(exc.duration_ms, 2702);
  assert.equal(exc.output, `.codex/runs/${RUN}/EXC-001.EXC-001B.test.1.log`);
  assert.deepEqual(
    exc.shards.map((s: { id: string; state: string }) => [s.id, s.state]),
    [["EXC-001A", "completed"], ["EXC-001B", "failed"]],
  );
  assert.equal(json.tasks[2].note, "blocked by EXC-001");
});

Deno.test("status: a torn last line is a warning on stderr; the rest still counts", async () => {
  const torn = LOG +
    `{"ts":"2025-09-22T11:03:19.000Z","run":"${RUN}","type":"task_sta`;
  const cwd = await project(torn);
  const r = await cli(["status"], { cwd });
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stderr, /^warning: .*torn last line/m);
  assert.match(r.stdout, /^DOC-001 +completed /m);
  const json = await cli(["status", "--json"], { cwd });
  assert.equal(json.code, 130);
  assert.match(json.stderr, /torn last line/);
  assert.equal(JSON.parse(json.stdout).counts.completed, 1);
});

Deno.test("status: no runs yet says so, every task pending, exit 1 (nothing completed)", async () => {
  const cwd = await tempProject({ "orchestrator.yml": PLAN });
  const r = await cli(["status"], { cwd });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^No runs yet in \.codex\/runs\//);
  assert.match(r.stdout, /^DOC-001 +pending +- +Add orchestration PRD$/m);
  assert.match(
    r.stdout,
    /^ {2}EXC-001B +pending +Map anyhow::Error to AppError$/m,
  );
  assert.match(r.stdout, /\n4 pending\n$/);
  const json = await cli(["status", "--json"], { cwd });
  assert.equal(json.code, 1);
  assert.match(json.stderr, /No runs yet/);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.run, null);
  assert.equal(doc.counts.pending, 4);
});

Deno.test("status: an invalid plan is reported with exit code 2", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": "version: 1\ntasks:\n  - id: A\n    titel: x\n",
  });
  const r = await cli(["status"], { cwd });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /orchestrator\.yml:\d+:\d+: /);
});

Deno.test("status: after a crash the run is not running any more; running tasks show as interrupted; exit 130", async () => {
  const crashed = LOG +
    `{"ts":"2025-09-22T11:03:18.004Z","run":"${RUN}","type":"task_started","task":"PEND-001","shard":null}\n`;
  const cwd = await project(crashed);
  const r = await cli(["status"], { cwd });
  assert.equal(r.code, 130, r.stderr);
  assert.match(
    r.stdout,
    new RegExp(`^Run ${RUN}: not finished, not running any more · log `),
  );
  assert.match(r.stdout, /^PEND-001 +interrupted /m);
  assert.doesNotMatch(r.stdout, /in_progress|in progress/);
  assert.match(
    r.stdout,
    /1 completed, 1 failed, 1 interrupted, 1 blocked\n\nIt is not running any more \(its process is gone\): continue it with `orchestrate resume`\.\n$/,
  );
  const json = await cli(["status", "--json"], { cwd });
  assert.equal(json.code, 130);
  assert.match(json.stderr, /continue it with `orchestrate resume`/);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.process, "gone");
  assert.equal(doc.counts.interrupted, 1);
  assert.equal(doc.counts.in_progress, 0);
});

Deno.test("status: a task stopped by Ctrl-C is interrupted, not failed; exit 130", async () => {
  const stopped = LOG +
    `{"ts":"2025-09-22T11:03:18.004Z","run":"${RUN}","type":"task_started","task":"PEND-001","shard":null}\n` +
    `{"ts":"2025-09-22T11:03:19.000Z","run":"${RUN}","type":"task_failed","task":"PEND-001","shard":null,"duration_ms":996,"reason":"interrupted","detail":"interrupted"}\n` +
    `{"ts":"2025-09-22T11:03:19.001Z","run":"${RUN}","type":"interrupted","task":null,"shard":null,"signal":"SIGINT","stopped":["PEND-001"]}\n` +
    `{"ts":"2025-09-22T11:03:19.002Z","run":"${RUN}","type":"completed","task":null,"shard":null,"outcome":"interrupted","duration_ms":5000,"counts":{}}\n`;
  const cwd = await project(stopped);
  const json = await cli(["status", "--json"], { cwd });
  assert.equal(json.code, 130, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.outcome, "interrupted");
  assert.equal(doc.process, null);
  assert.deepEqual(
    [doc.counts.failed, doc.counts.interrupted],
    [1, 1],
    "EXC-001 failed on its own; PEND-001 was interrupted",
  );
  assert.equal(doc.tasks[3].state, "interrupted");
});

Deno.test("status: exit 0 only when the latest run completed, 3 while it waits at a gate, 1 while it runs", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, commands: { x: "sh -c 'touch started; i=0; while [ ! -f go ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done'" } }
  - { id: B, title: b, dependencies: [A], approvals: [ship], commands: { x: "true" } }
`,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      new URL("../../src/main.ts", import.meta.url).pathname,
      "run",
    ],
    cwd,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const exists = (f: string) =>
    Deno.stat(join(cwd, f)).then(() => true, () => false);
  const limit = Date.now() + 30_000;
  while (!(await exists("started")) && Date.now() < limit) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const running = await cli(["status", "--json"], { cwd });
  assert.equal(running.code, 1, running.stderr);
  const doc = JSON.parse(running.stdout);
  assert.equal(doc.process, "running");
  assert.equal(doc.tasks[0].state, "in_progress");
  await Deno.writeTextFile(join(cwd, "go"), "");
  assert.equal((await child.status).code, 3);
  const paused = await cli(["status"], { cwd });
  assert.equal(paused.code, 3, paused.stderr);
  assert.match(paused.stdout, /: paused · log /);
  assert.equal((await cli(["approve", "ship"], { cwd })).code, 0);
  assert.equal((await cli(["resume"], { cwd })).code, 0);
  const done = await cli(["status"], { cwd });
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /: success · log /);
});

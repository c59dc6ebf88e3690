import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, PERMISSIONS, repoPath, tempProject } from "../_cli.ts";
import {
  latestEvents,
  processWith,
  runCount,
  sequence,
} from "../engine/_events.ts";

const DIAMOND = `version: 1
orchestrator: { concurrency: 1 }
tasks:
  - id: A
    title: Root
    commands: { make: "echo a >> order.txt" }
  - id: B
    title: Left
    dependencies: [A]
    commands: { make: "echo b >> order.txt" }
  - id: C
    title: Right
    dependencies: [A]
    commands: { make: "echo c >> order.txt" }
  - id: D
    title: Join
    dependencies: [C, B]
    commands: { make: "echo d >> order.txt" }
    acceptance: ["Contains in order.txt: c"]
`;

Deno.test("run: a diamond runs in topological order, ties by plan order, with the PRD's events", async () => {
  const dir = await tempProject({ "orchestrator.yml": DIAMOND });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.equal(await Deno.readTextFile(join(dir, "order.txt")), "a\nb\nc\nd\n");
  const events = await latestEvents(dir);
  assert.deepEqual(sequence(events, ["task_started", "task_completed"]), [
    "task_started A",
    "task_completed A",
    "task_started B",
    "task_completed B",
    "task_started C",
    "task_completed C",
    "task_started D",
    "task_completed D",
  ]);
  assert.equal(events[0]!.type, "run_started");
  assert.equal(events.at(-1)!.type, "completed");
  for (const e of events) {
    assert.match(e.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok("task" in e && "shard" in e);
  }
  const command = events.find((e) =>
    e.type === "command_run" && e.task === "A"
  );
  assert.ok(command && command.type === "command_run");
  assert.equal(command.cmd, "echo a >> order.txt");
  assert.equal(command.status, 0);
  assert.equal(typeof command.duration_ms, "number");
  assert.equal(command.output, null, "nothing printed: no output file");
  const passed = events.find((e) => e.type === "acceptance_passed");
  assert.ok(
    passed && passed.type === "acceptance_passed" &&
      passed.check === "Contains",
  );
});

Deno.test("run: with --concurrency 1 two runs give the same event sequence", async () => {
  const strip = (events: Awaited<ReturnType<typeof latestEvents>>) =>
    events.map((e) => {
      const { ts: _ts, run: _run, ...rest } = e as unknown as Record<
        string,
        unknown
      >;
      for (
        const key of [
          "duration_ms",
          "output",
          "ci",
          "deno_version",
          "plan_hash",
        ]
      ) delete rest[key];
      return JSON.stringify(rest);
    });
  const a = await tempProject({ "orchestrator.yml": DIAMOND });
  const b = await tempProject({ "orchestrator.yml": DIAMOND });
  assert.equal((await cli(["run", "--concurrency", "1"], { cwd: a })).code, 0);
  assert.equal((await cli(["run", "--concurrency", "1"], { cwd: b })).code, 0);
  assert.deepEqual(strip(await latestEvents(a)), strip(await latestEvents(b)));
});

Deno.test("run --task: runs the task and its dependencies only; a shard id selects its task", async () => {
  const plan = `version: 1
tasks:
  - { id: A, title: a, commands: { x: "touch a" } }
  - { id: B, title: b, dependencies: [A], commands: { x: "touch b" } }
  - { id: C, title: c, dependencies: [A], commands: { x: "touch c" }, shards: [{ id: C1, title: c1 }] }
  - { id: D, title: d, commands: { x: "touch d" } }
`;
  const dir = await tempProject({ "orchestrator.yml": plan });
  const r = await cli(["run", "--task", "B"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const exists = (f: string) =>
    Deno.stat(join(dir, f)).then(() => true, () => false);
  assert.deepEqual(await Promise.all(["a", "b", "c", "d"].map(exists)), [
    true,
    true,
    false,
    false,
  ]);
  const skipped = (await latestEvents(dir)).filter((e) => e.type === "skipped");
  assert.deepEqual(
    skipped.map((e) => [e.task, e.type === "skipped" && e.reason]),
    [
      ["C", "outside the selection"],
      ["D", "outside the selection"],
    ],
  );
  const viaShard = await tempProject({ "orchestrator.yml": plan });
  assert.equal((await cli(["run", "--task", "C1"], { cwd: viaShard })).code, 0);
  assert.equal(
    await Deno.stat(join(viaShard, "c")).then(() => true, () => false),
    true,
  );
  const unknown = await cli(["run", "--task", "Z"], { cwd: viaShard });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown task "Z"/);
});

const FAILING = (strategy: string) =>
  `version: 1
orchestrator: { strategy: ${strategy}, concurrency: 1 }
tasks:
  - { id: BAD, title: fails, commands: { test: "sh -c 'echo boom; exit 3'" } }
  - { id: AFTER, title: depends on the failure, dependencies: [BAD], commands: { x: "touch after" } }
  - { id: LATER, title: depends on that, dependencies: [AFTER], commands: { x: "touch later" } }
  - { id: OTHER, title: independent, commands: { x: "touch other" } }
`;

Deno.test("run: a failure blocks its dependents; conservative stops scheduling, keep_going does not", async () => {
  const conservative = await tempProject({
    "orchestrator.yml": FAILING("conservative"),
  });
  const r = await cli(["run"], { cwd: conservative });
  assert.equal(r.code, 1);
  const events = await latestEvents(conservative);
  const failed = events.find((e) => e.type === "task_failed");
  assert.ok(failed && failed.type === "task_failed");
  assert.equal(failed.reason, "command_failed");
  assert.match(failed.detail, /command "test" exited 3/);
  const blocked = events.filter((e) => e.type === "task_blocked");
  assert.deepEqual(blocked.map((e) => e.task), ["AFTER", "LATER"]);
  assert.ok(blocked.every((e) => e.type === "task_blocked" && e.by === "BAD"));
  assert.equal(
    await Deno.stat(join(conservative, "other")).then(() => true, () => false),
    false,
  );
  const output = events.find((e) =>
    e.type === "command_run" && e.task === "BAD"
  );
  assert.ok(output && output.type === "command_run");
  assert.equal(
    await Deno.readTextFile(join(conservative, output.output!)),
    "boom\n",
  );

  const keepGoing = await tempProject({
    "orchestrator.yml": FAILING("keep_going"),
  });
  assert.equal((await cli(["run"], { cwd: keepGoing })).code, 1);
  assert.equal(
    await Deno.stat(join(keepGoing, "other")).then(() => true, () => false),
    true,
  );
  assert.equal(
    await Deno.stat(join(keepGoing, "after")).then(() => true, () => false),
    false,
  );
});

Deno.test("run: retries a failing command with backoff, each attempt an event", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: FLAKY
    title: fails twice, then passes
    commands:
      test:
        run: "sh -c 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; [ $n -ge 3 ]'"
        retry: { attempts: 4, backoff: 10ms, max_backoff: 20ms }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const events = await latestEvents(dir);
  const runs = events.filter((e) => e.type === "command_run");
  assert.deepEqual(
    runs.map((e) =>
      e.type === "command_run" && [e.attempt, e.attempts, e.status]
    ),
    [
      [1, 4, 1],
      [2, 4, 1],
      [3, 4, 0],
    ],
  );
  const delays = events.filter((e) => e.type === "retry_scheduled").map((e) =>
    e.type === "retry_scheduled" && e.delay_ms
  );
  assert.deepEqual(delays, [10, 20]);
});

Deno.test("run: a timebox kills the task's command and its whole process group", async () => {
  const marker = `sleep 37.${Math.floor(Math.random() * 1e6)}`;
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: SLOW
    title: too slow
    commands: { wait: "sh -c '${marker} & ${marker}; echo done'" }
    constraints: { timebox: 300ms }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1);
  const failed = (await latestEvents(dir)).find((e) =>
    e.type === "task_failed"
  );
  assert.ok(failed && failed.type === "task_failed");
  assert.equal(failed.reason, "timeout");
  assert.equal(
    await processWith(marker),
    false,
    "the sleep grandchild must be gone",
  );
});

Deno.test("run: SIGINT stops the children, records the interruption, exits 130", async () => {
  const marker = `sleep 41.${Math.floor(Math.random() * 1e6)}`;
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: LONG, title: long, commands: { wait: "sh -c '${marker} & ${marker}'" } }
  - { id: NEXT, title: next, dependencies: [LONG], commands: { x: "touch next" } }
`,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "-A",
      new URL("../../src/main.ts", import.meta.url).pathname,
      "run",
    ],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let exited = false;
  child.status.then(() => exited = true);
  while (!(await processWith(marker))) {
    assert.ok(!exited, "the run ended before its command started");
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGINT");
  const out = await child.output();
  assert.equal(out.code, 130);
  const events = await latestEvents(dir);
  const types = sequence(events, ["task_failed", "interrupted", "completed"]);
  assert.deepEqual(types, ["task_failed LONG", "interrupted", "completed"]);
  assert.equal(await processWith(marker), false);
  assert.ok(
    await Deno.stat(join(dir, "TASKS.md")).then(() => true, () => false),
    "TASKS.md written",
  );
  assert.equal(
    await Deno.stat(join(dir, ".codex/lock")).then(() => true, () => false),
    false,
    "lock released",
  );
});

Deno.test("run: a second run while one is live is refused; a stale lock is taken over", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "true" } }\n`,
  });
  await Deno.mkdir(join(dir, ".codex"), { recursive: true });
  const hostname = Deno.hostname();
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const live = {
      pid: sleeper.pid,
      host: hostname,
      run: "other",
      started: "2026-01-01T00:00:00Z",
    };
    await Deno.writeTextFile(join(dir, ".codex/lock"), JSON.stringify(live));
    const refused = await cli(["run"], { cwd: dir });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Another run \(other, pid \d+/);
    assert.equal(await runCount(dir), 0, "nothing recorded");
  } finally {
    sleeper.kill();
    await sleeper.status;
  }
  const stale = {
    pid: sleeper.pid,
    host: hostname,
    run: "old",
    started: "2026-01-01T00:00:00Z",
  };
  await Deno.writeTextFile(join(dir, ".codex/lock"), JSON.stringify(stale));
  const taken = await cli(["run"], { cwd: dir });
  assert.equal(taken.code, 0, taken.stderr);
  assert.match(taken.stderr, /stale lock/);
});

Deno.test("run: up to date tasks are skipped; --force runs them; a changed input re-runs", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: GEN
    title: generate
    inputs: ["src/**"]
    commands: { gen: "sh -c 'cat src/in.txt > out.txt; echo x >> count'" }
    acceptance: ["File exists: out.txt"]
`,
    "src/in.txt": "one\n",
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const second = await latestEvents(dir);
  const skip = second.find((e) => e.type === "skipped");
  assert.ok(skip && skip.type === "skipped");
  assert.equal(skip.reason, "up to date");
  assert.equal(await Deno.readTextFile(join(dir, "count")), "x\n");
  assert.equal((await cli(["run", "--force"], { cwd: dir })).code, 0);
  assert.equal(await Deno.readTextFile(join(dir, "count")), "x\nx\n");
  await Deno.writeTextFile(join(dir, "src/in.txt"), "two\n");
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.equal(await Deno.readTextFile(join(dir, "out.txt")), "two\n");
  await Deno.remove(join(dir, "out.txt"));
  assert.equal(
    (await cli(["run"], { cwd: dir })).code,
    0,
    "acceptance no longer holds: runs again",
  );
  assert.equal(await Deno.readTextFile(join(dir, "count")), "x\nx\nx\nx\n");
});

Deno.test("run: approval gates pause the run (exit 3) until approve + resume", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { approvals: { required: [deploy] } }
project: { build: { release: "touch released" } }
tasks:
  - { id: BUILD, title: build, commands: { x: "touch built" } }
  - { id: SHIP, title: ship, type: deploy, dependencies: [BUILD], commands: { x: "touch shipped" } }
`,
  });
  const first = await cli(["run"], { cwd: dir });
  assert.equal(first.code, 3, first.stderr);
  const exists = (f: string) =>
    Deno.stat(join(dir, f)).then(() => true, () => false);
  assert.deepEqual([
    await exists("built"),
    await exists("shipped"),
    await exists("released"),
  ], [true, false, false]);
  const wrong = await cli(["approve", "deplyo"], { cwd: dir });
  assert.equal(wrong.code, 2);
  assert.equal(
    (await cli(["approve", "deploy", "--task", "SHIP"], { cwd: dir })).code,
    0,
  );
  const resumed = await cli(["resume"], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual([await exists("shipped"), await exists("released")], [
    true,
    true,
  ]);
  assert.deepEqual(sequence(await latestEvents(dir), ["task_started"]), [
    "task_started BUILD",
    "task_started SHIP",
  ]);
});

Deno.test("run --concurrency: -1, 0, abc and 1.5 each say what is wrong (exit 2, one line)", async () => {
  const dir = await tempProject({ "orchestrator.yml": DIAMOND });
  const cases: [string[], RegExp][] = [
    [["--concurrency", "-1"], /at least 1; got -1$/],
    [["-j", "-1"], /at least 1; got -1$/],
    [["--concurrency=-1"], /at least 1; got -1$/],
    [["--concurrency", "0"], /at least 1; got 0$/],
    [["--concurrency", "abc"], /"abc" is not a number$/],
    [["--concurrency", "1.5"], /"1\.5" is not a whole number$/],
  ];
  for (const [args, why] of cases) {
    for (const command of ["run", "resume"]) {
      const r = await cli([command, ...args], { cwd: dir });
      const where = `${command} ${args.join(" ")}`;
      assert.equal(r.code, 2, where);
      const first = r.stderr.split("\n")[0]!;
      assert.match(
        first,
        /^error: --concurrency must be a whole number/,
        where,
      );
      assert.match(first, why, where);
    }
  }
  assert.equal(await runCount(dir), 0, "nothing ran");
});

Deno.test("run --task: an unknown id gets a did-you-mean from the task and shard ids, before anything runs", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: EXC-001, title: a, commands: { x: "touch a" } }
  - { id: DOC-002, title: b, commands: { x: "touch b" }, shards: [{ id: API-DOCS, title: c }] }
`,
  });
  for (
    const [args, near] of [
      [["run", "--task", "EXC-01"], "EXC-001"],
      [["run", "--task", "API-DOC", "--dry-run"], "API-DOCS"],
    ] as const
  ) {
    const r = await cli([...args], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr.split("\n")[0],
      `error: Unknown task "${
        args[2]
      }": no task or shard has that id; did you mean "${near}"?`,
    );
  }
  assert.equal(await runCount(dir), 0);
});

/** Runs the CLI with stdout (and stderr, if asked) piped to a reader that is closed at once. */
async function cliWithClosedOutput(
  args: string[],
  cwd: string,
  closeStderr: boolean,
): Promise<{ code: number; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      repoPath("src/main.ts"),
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await child.stdout.cancel();
  let stderr = "";
  if (closeStderr) await child.stderr.cancel();
  else stderr = await new Response(child.stderr).text();
  const { code } = await child.status;
  return { code, stderr };
}

Deno.test("run: stdout (and stderr) closed by the reader (EPIPE): the run goes on, records every task and exits with its code", async () => {
  const tasks = Array.from(
    { length: 40 },
    (_, i) =>
      `  - { id: T-${i}, title: "Task ${i}", commands: { say: "echo ${i}" } }`,
  );
  tasks.push(`  - { id: BAD, title: bad, commands: { fail: "exit 4" } }`);
  const plan = `version: 1
orchestrator: { concurrency: 2, strategy: keep_going }
tasks:
${tasks.join("\n")}
`;
  for (const closeStderr of [false, true]) {
    const dir = await tempProject({
      "orchestrator.yml": plan,
      // A hand-written TASKS.md: the run says on stderr where the dashboard went.
      "TASKS.md": "# My own notes\n",
    });
    const r = await cliWithClosedOutput(["run"], dir, closeStderr);
    assert.equal(r.code, 1, `closeStderr=${closeStderr}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /Internal error|BrokenPipe/);
    const events = await latestEvents(dir);
    const completed = events.filter((e) => e.type === "task_completed");
    assert.equal(completed.length, 40);
    assert.ok(events.some((e) => e.type === "task_failed" && e.task === "BAD"));
    assert.equal(events.at(-1)!.type, "completed");
    await assert.rejects(Deno.stat(join(dir, ".codex/lock")), "lock released");
  }
});

/** Targets of the Markdown links in `md`, resolved against `dir`. */
function linkTargets(md: string, dir: string): string[] {
  return [...md.matchAll(/\]\(([^)]+)\)/g)].map((m) =>
    join(dir, decodeURI(m[1]!))
  );
}

Deno.test("run: a hand-written TASKS.md is never overwritten; the dashboard goes to .codex/TASKS.md, said once, with working links", async () => {
  const own = "# My notes\n\n- [ ] buy milk\n";
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { strategy: keep_going }
tasks:
  - { id: A, title: a, commands: { x: "echo hello" } }
  - { id: B, title: b, commands: { x: "echo oops; exit 3" } }
`,
    "TASKS.md": own,
  });
  for (let round = 0; round < 2; round++) {
    const r = await cli(["run", "--force"], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "TASKS.md")), own);
    const notes = r.stderr.split("\n").filter((l) => l.includes("TASKS.md"));
    assert.deepEqual(notes, [
      "note: TASKS.md was not written by orchestrate, so it is left alone; the dashboard is in .codex/TASKS.md",
    ]);
    const aside = await Deno.readTextFile(join(dir, ".codex/TASKS.md"));
    assert.match(aside, /^<!-- generated by orchestrate /);
    assert.match(aside, /- \[ \] B — b \(failed: /);
    const targets = linkTargets(aside, join(dir, ".codex"));
    assert.equal(targets.length, 2, aside); // the log and B's output
    for (const target of targets) {
      assert.ok((await Deno.stat(target)).isFile, `${target} exists`);
    }
  }
});

Deno.test("run: a TASKS.md that orchestrate wrote (now or by an earlier version) is rewritten", async () => {
  const legacy = `# Tasks — Status Dashboard

<!-- Generated by orchestrate from the run log; edits are overwritten. -->

1 pending
`;
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, commands: { x: "true" } }
`,
    "TASKS.md": legacy,
  });
  for (let round = 0; round < 2; round++) {
    const r = await cli(["run", "--force"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /TASKS\.md/);
    const md = await Deno.readTextFile(join(dir, "TASKS.md"));
    assert.match(md, /^<!-- generated by orchestrate /);
    assert.match(md, /- \[x\] A — a \(completed\)/);
  }
  await assert.rejects(Deno.stat(join(dir, ".codex/TASKS.md")));
});

/** The CLI's raw stdout and stderr (the rig strips ANSI colour codes, which would hide an escape in a title). */
async function rawCli(args: string[], cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, repoPath("src/main.ts"), ...args],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

Deno.test("run, dry run, status and TASKS.md escape control characters in titles, checks and gates", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
project: { name: "evil\\e[2Jname" }
tasks:
  - id: A
    title: "Evil\\e]0;pwned\\a\\rtitle\\n- [x] FAKE done"
    commands: { x: "true" }
    acceptance: ["Contains in README.md: \\e]2;owned\\a"]
    shards: [{ id: A1, title: "shard\\e[31m red\\u202e" }]
  - { id: B, title: "gated", approvals: ["ok\\e[5m"], commands: { x: "true" } }
`,
    "README.md": "nothing here\n",
  });
  // deno-lint-ignore no-control-regex
  const unsafe = /[\x00-\x09\x0b-\x1f\x7f\u202e]/;
  const show = (text: string) => JSON.stringify(text);
  const outputs = [
    await rawCli(["plan", "validate"], dir),
    await rawCli(["run", "--dry-run"], dir),
    await rawCli(["run"], dir),
    await rawCli(["status"], dir),
  ];
  for (const r of outputs) {
    assert.doesNotMatch(r.stdout, unsafe, show(r.stdout));
    assert.doesNotMatch(r.stderr, unsafe, show(r.stderr));
  }
  assert.match(
    outputs[1]!.stdout,
    /Evil\\x1b\]0;pwned\\x07\\rtitle\\n- \[x\] FAKE done/,
  );
  assert.match(
    outputs[2]!.stdout,
    /acceptance failed: Contains in README\.md: \\x1b\]2;owned\\x07/,
  );
  const md = await Deno.readTextFile(join(dir, "TASKS.md"));
  assert.doesNotMatch(md, unsafe, show(md));
  assert.doesNotMatch(
    md,
    /^\s*- \[x\] FAKE/m,
    "a newline in a title starts no list item",
  );
  assert.match(md, /^- \[ \] A — Evil.*FAKE done \(failed/m);
});

Deno.test("run: a failed command that printed nothing is shown as such, never '(see null)' or a dead link", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: QUIET, title: quiet, commands: { x: "exit 3" } }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stdout, /null/);
  assert.match(
    r.stdout,
    /^\[QUIET\] ✗ command "x" exited 3 in \S+ \(no output\)$/m,
  );
  const md = await Deno.readTextFile(join(dir, "TASKS.md"));
  assert.match(md, /^- \[ \] QUIET — quiet \(failed: .*\) · \S+ · no output$/m);
  for (const target of linkTargets(md, dir)) {
    assert.ok((await Deno.stat(target)).isFile, `${target} exists`);
  }
});

Deno.test("run: the approval hint names the task when several tasks share the gate", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { approvals: { required: [deploy, legal] }, concurrency: 1 }
tasks:
  - { id: SHIP-EU, title: eu, type: deploy, commands: { x: "true" } }
  - { id: SHIP-US, title: us, type: deploy, commands: { x: "true" } }
  - { id: LEGAL, title: legal, approvals: [legal], commands: { x: "true" } }
`,
  });
  const r = await cli(["run"], { cwd: dir });
  assert.equal(r.code, 3, r.stderr);
  const hints = r.stdout.split("\n").filter((l) => l.includes("awaiting"));
  assert.deepEqual(hints.sort(), [
    "[LEGAL] ⏸ awaiting approval: legal (orchestrate approve legal)",
    "[SHIP-EU] ⏸ awaiting approval: deploy (orchestrate approve deploy --task SHIP-EU)",
    "[SHIP-US] ⏸ awaiting approval: deploy (orchestrate approve deploy --task SHIP-US)",
  ]);
  const approved = await cli(["approve", "deploy", "--task", "SHIP-EU"], {
    cwd: dir,
  });
  assert.equal(approved.code, 0, approved.stderr);
});

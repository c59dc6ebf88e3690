import assert from "node:assert/strict";
import { sealApproval } from "../../src/events/approval_seal.ts";
import { join } from "node:path";
import { cli, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";
import { RunStore } from "../../src/events/store.ts";
import { LockedError } from "../../src/events/lock.ts";
import { foldLogText } from "../../src/events/fold_log.ts";
import { approvalFor } from "../../src/events/fold.ts";

const ONE_TASK =
  `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "sh -c 'echo x >> ran'" } }\n`;

Deno.test("store: the latest run is the one that started last, whatever its name says (a clock gone backwards, a hand-named log)", async () => {
  const dir = await tempProject({ "orchestrator.yml": ONE_TASK });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const store = new RunStore(dir);
  const first = (await store.latest())!;
  // A log whose name sorts after every real run: named by hand, or written under a clock set ahead.
  const bogus =
    `{"ts":"2999-01-01T00:00:00.000Z","run":"99990101T000000.000Z","type":"run_started","task":null,"shard":null,"plan_file":"orchestrator.yml","plan_hash":"h","task_hashes":{},"tool_version":"0","deno_version":"0","selection":null,"selected":[],"concurrency":1,"strategy":"conservative","force":false,"ci":{}}\n`;
  await Deno.writeTextFile(
    join(dir, ".codex/runs/99990101T000000.000Z.jsonl"),
    bogus,
  );
  assert.equal(
    await store.latest(),
    first,
    "a log the index never named is older",
  );
  const status = await cli(["status", "--json"], { cwd: dir });
  assert.equal(JSON.parse(status.stdout).run, first);
  assert.equal(status.code, 0, status.stderr);
  const resume = await cli(["resume"], { cwd: dir });
  assert.match(resume.stderr, new RegExp(`Nothing to resume: run ${first}`));
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const second = (await store.latest())!;
  assert.notEqual(second, first);
  assert.deepEqual((await store.runs()).slice(-2), [first, second]);
});

Deno.test("store: without an index, runs are in name order", async () => {
  const dir = await tempProject({
    ".codex/runs/20250101T000000.000Z.jsonl": "",
    ".codex/runs/20250102T000000.000Z.jsonl": "",
  });
  assert.equal(await new RunStore(dir).latest(), "20250102T000000.000Z");
});

Deno.test("store: open() takes the lock (a second open is refused), records the run, repairs a torn tail; close() releases", async () => {
  const dir = await tempProject();
  const store = new RunStore(dir);
  await Deno.mkdir(join(dir, ".codex/runs"), { recursive: true });
  await Deno.writeTextFile(
    join(dir, ".codex/runs/R1.jsonl"),
    '{"ts":"t","run":"R1","type":"task_started","task":"A","shard":null}\n{"ts":"t","ty',
  );
  const writer = await store.open("R1");
  await assert.rejects(store.open("R2"), LockedError);
  assert.deepEqual(await store.live(), {
    run: "R1",
    pid: Deno.pid,
    host: Deno.hostname(),
  });
  writer.append({ type: "task_started", task: "B", shard: null });
  writer.close();
  writer.close();
  assert.equal(await store.live(), null);
  const { state, warnings } = await store.fold("R1");
  assert.deepEqual(warnings, []);
  assert.deepEqual([...state.tasks.keys()], ["A", "B"]);
  assert.equal(await Deno.readTextFile(join(dir, ".codex/runs/index")), "R1\n");
});

Deno.test("store: approvals() re-reads only what the journal gained; grant() journals while a run is live", async () => {
  const dir = await tempProject();
  const store = new RunStore(dir);
  const writer = await store.open("R");
  const grant = (gate: string) =>
    new RunStore(dir).grant("R", {
      type: "approval_granted",
      task: null,
      shard: null,
      gate,
      by: "ann",
      plan_hash: "p",
      task_hashes: { A: "h" },
    });
  assert.deepEqual(await store.approvals("R"), []);
  assert.equal(await grant("one"), "journal");
  assert.deepEqual((await store.approvals("R")).map((g) => g.gate), ["one"]);
  // A line being written (no newline yet) waits for the next read.
  const journal = store.journalPath("R");
  const two = JSON.stringify(sealApproval({
    ts: "t",
    run: "R",
    type: "approval_granted",
    task: null,
    shard: null,
    gate: "two",
    by: "b",
    plan_hash: "p",
  }));
  await Deno.writeTextFile(journal, two.slice(0, 32), { append: true });
  assert.deepEqual((await store.approvals("R")).map((g) => g.gate), ["one"]);
  await Deno.writeTextFile(journal, `${two.slice(32)}\n`, { append: true });
  assert.equal(await grant("three"), "journal");
  assert.deepEqual(
    (await store.approvals("R")).map((g) => g.gate),
    ["one", "two", "three"],
  );
  writer.close();
  assert.equal(await grant("four"), "log");
  const { state } = await store.fold("R");
  assert.deepEqual([...state.approvals].sort(), [
    "four",
    "one",
    "three",
    "two",
  ]);
});

Deno.test("history: run --task A does not make B forget it was up to date", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, inputs: ["a.txt"], commands: { x: "sh -c 'echo A >> ran'" } }
  - { id: B, title: b, inputs: ["b.txt"], commands: { x: "sh -c 'echo B >> ran'" } }
`,
    "a.txt": "a\n",
    "b.txt": "b\n",
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(join(dir, "a.txt"), "a2\n");
  assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  assert.deepEqual(
    (await Deno.readTextFile(join(dir, "ran"))).trim().split("\n").sort(),
    ["A", "A", "B"],
    "B ran once: the --task A run said nothing about it",
  );
  const skipped = (await latestEvents(dir)).filter((e) => e.type === "skipped");
  assert.deepEqual(
    skipped.map((e) => e.type === "skipped" && [e.task, e.reason]).sort(),
    [["A", "up to date"], ["B", "up to date"]],
  );
});

Deno.test("store: task ids like constructor and toString are plain ids to the fold and to resume", async () => {
  const plan = (extra: string) =>
    `version: 1
tasks:
  - { id: constructor, title: c, commands: { x: "sh -c 'echo c >> ran; test -f ok'" } }
${extra}`;
  const dir = await tempProject({ "orchestrator.yml": plan("") });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    plan(
      `  - { id: toString, title: t, commands: { x: "sh -c 'echo t >> ran'" } }\n`,
    ),
  );
  await Deno.writeTextFile(join(dir, "ok"), "");
  const resumed = await cli(["resume"], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  const updated = (await latestEvents(dir)).find((e) =>
    e.type === "plan_updated"
  );
  assert.ok(updated?.type === "plan_updated");
  assert.deepEqual(
    updated.added,
    ["toString"],
    "a new task, not a changed one",
  );
  assert.deepEqual(updated.changed, []);
  const store = new RunStore(dir);
  const { state } = await store.fold((await store.latest())!);
  assert.equal(Object.getPrototypeOf(state.task_hashes), null);
  assert.equal("hasOwnProperty" in state.task_hashes, false);
  assert.equal(state.tasks.get("toString")!.state, "completed");
  assert.equal(
    (await Deno.readTextFile(join(dir, "ran"))).split("\n").sort().join(""),
    "cct",
  );
});

Deno.test("fold: __proto__ in task_hashes and approval hashes is a plain key", () => {
  const events = [
    '{"ts":"t","run":"r","type":"run_started","task":null,"shard":null,"plan_file":"p","plan_hash":"h","task_hashes":{"__proto__":"h1"},"tool_version":"0","deno_version":"0","selection":null,"selected":[],"concurrency":1,"strategy":"conservative","force":false,"ci":{}}',
    JSON.stringify(sealApproval(JSON.parse(
      '{"ts":"t","run":"r","type":"approval_granted","task":null,"shard":null,"gate":"g","by":"b","plan_hash":"h","task_hashes":{"__proto__":"h1"}}',
    ))),
  ].join("\n") + "\n";
  const { state, warnings } = foldLogText(events, "x.jsonl");
  assert.deepEqual(warnings, []);
  assert.equal(state.task_hashes["__proto__"], "h1");
  assert.deepEqual(Object.keys(state.task_hashes), ["__proto__"]);
  assert.equal(approvalFor(state, "g", "__proto__", "h1"), "granted");
  assert.equal(approvalFor(state, "g", "constructor", "h1"), "missing");
});

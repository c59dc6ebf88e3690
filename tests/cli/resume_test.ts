import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { cli, PERMISSIONS, tempProject } from "../_cli.ts";
import { latestEvents, sequence } from "../engine/_events.ts";
import { parseLog } from "../../src/events/log.ts";
import { mutate, mutations } from "../events/_mutate.ts";

const CHAIN = `version: 1
orchestrator: { concurrency: 2 }
tasks:
  - { id: T1, title: one, commands: { x: "sh -c 'sleep 0.15; echo T1 >> done.txt'" } }
  - { id: T2, title: two, dependencies: [T1], commands: { x: "sh -c 'sleep 0.15; echo T2 >> done.txt'" } }
  - { id: T3, title: three, dependencies: [T1], commands: { x: "sh -c 'sleep 0.15; echo T3 >> done.txt'" } }
  - { id: T4, title: four, dependencies: [T2, T3], commands: { x: "sh -c 'sleep 0.15; echo T4 >> done.txt'" } }
  - { id: T5, title: five, dependencies: [T4], shards: [{ id: T5A, title: five a, commands: { x: "sleep 0.1" } }], commands: { x: "sh -c 'echo T5 >> done.txt'" } }
`;

async function logText(dir: string): Promise<string> {
  const runs = join(dir, ".codex/runs");
  const name = (await Array.fromAsync(Deno.readDir(runs))).map((e) => e.name)
    .filter((n) => n.endsWith(".jsonl"))[0]!;
  return await Deno.readTextFile(join(runs, name));
}

for (const killAfter of [1, 3, 5, 8, 12, 16]) {
  Deno.test(`resume: kill -9 after ${killAfter} events, then resume finishes the plan without re-running completed tasks`, async () => {
    const dir = await tempProject({ "orchestrator.yml": CHAIN });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...PERMISSIONS,
        new URL("../../src/main.ts", import.meta.url).pathname,
        "run",
      ],
      cwd: dir,
      stdout: "null",
      stderr: "null",
    }).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    let lines = 0;
    while (lines < killAfter) {
      assert.ok(!exited, `the run ended before writing ${killAfter} events`);
      await new Promise((r) => setTimeout(r, 5));
      lines = await logText(dir).then((t) => t.split("\n").length - 1, () => 0);
    }
    child.kill("SIGKILL");
    await child.status;
    const before = parseLog(await logText(dir), "log");
    const completedBefore = before.events.filter((e) =>
      e.type === "task_completed"
    ).map((e) => e.task);

    const r = await cli(["resume"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const events = await latestEvents(dir);
    const completed = events.filter((e) => e.type === "task_completed").map((
      e,
    ) => e.task).sort();
    assert.deepEqual(
      completed,
      ["T1", "T2", "T3", "T4", "T5"],
      "every task completed exactly once",
    );
    const startedAfterResume = sequence(
      events.slice(events.findIndex((e) => e.type === "resumed")),
      ["task_started"],
    );
    for (const id of completedBefore) {
      assert.ok(
        !startedAfterResume.includes(`task_started ${id}`),
        `${id} re-ran`,
      );
    }
    assert.equal(events.at(-1)!.type, "completed");
    const done = (await Deno.readTextFile(join(dir, "done.txt"))).trim().split(
      "\n",
    );
    assert.deepEqual([...new Set(done)].sort(), ["T1", "T2", "T3", "T4", "T5"]);
  });
}

Deno.test("resume: a changed plan emits plan_updated and re-runs the changed task and its dependents", async () => {
  const plan = (b: string) =>
    `version: 1
tasks:
  - { id: A, title: a, commands: { x: "sh -c 'echo A >> log.txt'" } }
  - { id: B, title: b, dependencies: [A], commands: { x: "sh -c 'echo ${b} >> log.txt'" } }
  - { id: C, title: c, dependencies: [B], commands: { x: "sh -c 'echo C >> log.txt'" } }
  - { id: D, title: d, commands: { x: "sh -c 'echo D >> log.txt; exit 1'" } }
`;
  const dir = await tempProject({ "orchestrator.yml": plan("B1") });
  assert.equal(
    (await cli(["run", "--concurrency", "1"], { cwd: dir })).code,
    1,
  );
  await Deno.writeTextFile(join(dir, "orchestrator.yml"), plan("B2"));
  const r = await cli(["resume", "--concurrency", "1"], { cwd: dir });
  assert.equal(r.code, 1);
  const events = await latestEvents(dir);
  const updated = events.find((e) => e.type === "plan_updated");
  assert.ok(updated && updated.type === "plan_updated");
  assert.deepEqual(updated.changed, ["B", "C"]);
  const resumed = events.find((e) => e.type === "resumed");
  assert.ok(resumed && resumed.type === "resumed");
  assert.deepEqual(resumed.rerun, ["B", "C", "D"]);
  assert.equal(
    await Deno.readTextFile(join(dir, "log.txt")),
    "A\nB1\nC\nD\nB2\nC\nD\n",
  );
});

Deno.test("resume: a torn last line is ignored with a warning", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "true" } }\n  - { id: B, title: b, dependencies: [A], commands: { x: "test -f ok" } }\n`,
  });
  assert.equal(
    (await cli(["run"], { cwd: dir })).code,
    1,
    "B fails until ok exists",
  );
  await Deno.writeTextFile(join(dir, "ok"), "");
  const runs = join(dir, ".codex/runs");
  const name = (await Array.fromAsync(Deno.readDir(runs))).map((e) => e.name)
    .find((n) => n.endsWith(".jsonl"))!;
  await Deno.writeTextFile(
    join(runs, name),
    '{"ts":"2026-01-01T00:00:00Z","type":"task_sta',
    { append: true },
  );
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /torn last line/);
  const text = await Deno.readTextFile(join(runs, name));
  assert.equal(
    parseLog(text, name).warnings.length,
    0,
    "the torn line was cut before appending",
  );
});

Deno.test("resume: nothing to resume is a clear error", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1\ntasks: []\n`,
  });
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Nothing to resume/);
});

Deno.test("resume: a completed run with an unchanged plan has nothing to resume", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "true" } }\n`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const before = await latestEvents(dir);
  const r = await cli(["resume"], { cwd: dir });
  assert.equal(r.code, 0);
  assert.match(r.stderr, /Nothing to resume: run \S+ completed/);
  assert.equal(
    (await latestEvents(dir)).length,
    before.length,
    "nothing appended",
  );
});

Deno.test("resume: output of the first attempt is kept beside the resumed attempt's", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      `version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "sh -c 'echo try; exit 1'" } }\n`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  assert.equal((await cli(["resume"], { cwd: dir })).code, 1);
  const outputs = (await latestEvents(dir)).flatMap((e) =>
    e.type === "command_run" && e.output ? [e.output] : []
  );
  assert.equal(outputs.length, 2);
  assert.notEqual(outputs[0], outputs[1]);
  for (const output of outputs) {
    assert.equal(await Deno.readTextFile(join(dir, output)), "try\n");
  }
});

Deno.test("resume and status: random damage to a real log never crashes them; exit codes stay documented", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - { id: A, title: a, commands: { x: "true" }, shards: [{ id: A1, title: a1 }] }
  - { id: B, title: b, dependencies: [A], commands: { x: "test -f ok" } }
  - { id: C, title: c, dependencies: [A], approvals: [ship], commands: { x: "true" } }
`,
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const runs = join(dir, ".codex/runs");
  const name = (await Array.fromAsync(Deno.readDir(runs))).map((e) => e.name)
    .find((n) => n.endsWith(".jsonl"))!;
  const real = await Deno.readTextFile(join(runs, name));
  const internal = /Internal error|^\s+at /m;
  for (const list of fc.sample(mutations, { numRuns: 8, seed: 6 })) {
    const damaged = mutate(real, list);
    await Deno.writeTextFile(join(runs, name), damaged);
    const status = await cli(["status"], { cwd: dir });
    assert.ok(
      [0, 1, 3, 130].includes(status.code),
      `status exited ${status.code}: ${status.stderr}\n${damaged}`,
    );
    assert.doesNotMatch(status.stderr, internal, damaged);
    const resume = await cli(["resume"], { cwd: dir });
    assert.ok(
      [0, 1, 2, 3, 130].includes(resume.code),
      `resume exited ${resume.code}: ${resume.stderr}\n${damaged}`,
    );
    assert.doesNotMatch(resume.stderr, internal, damaged);
  }
});

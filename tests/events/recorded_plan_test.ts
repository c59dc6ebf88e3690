import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempDir, tempProject } from "../_cli.ts";
import { RunStore } from "../../src/events/store.ts";
import type { Plan } from "../../src/plan/ir.ts";
import { planHash } from "../../src/plan/load.ts";
import { sha256 } from "../../src/plan/hash.ts";
import { latestEvents } from "../engine/_events.ts";

const PLAN = { version: 1, tasks: [{ id: "A" }] } as unknown as Plan;

Deno.test("recorded plan: written by the lock holder, named by its hash, read back only while it matches it", async () => {
  const store = new RunStore(await tempDir());
  const writer = await store.open("r1");
  let hash: string;
  try {
    hash = await writer.recordPlan(PLAN);
    assert.equal(await writer.recordPlan(PLAN), hash, "the same IR once");
  } finally {
    writer.close();
  }
  assert.equal(hash, await planHash(PLAN));
  assert.deepEqual(await store.recordedPlan("r1", hash), {
    kind: "found",
    plan: PLAN,
    hash,
  });
  assert.deepEqual(await store.recordedPlan("r1", null), { kind: "missing" });
  assert.deepEqual(await store.recordedPlan("r1", "0".repeat(64)), {
    kind: "missing",
  });
  const path = join(store.artifactDir("r1"), `plan-${hash}.json`);
  await Deno.writeTextFile(path, JSON.stringify({ ...PLAN, version: 2 }));
  const damaged = await store.recordedPlan("r1", hash);
  assert.equal(damaged.kind, "damaged");
  // A file whose name is its own hash but is not JSON (made by hand) is damaged too, not a crash.
  const forged = "not json";
  const name = await sha256(forged);
  await Deno.writeTextFile(
    join(store.artifactDir("r1"), `plan-${name}.json`),
    forged,
  );
  assert.equal((await store.recordedPlan("r1", name)).kind, "damaged");
});

const CHAIN = (b: string) =>
  `version: 1
tasks:
  - { id: A, title: a, commands: { x: "echo A >> log.txt" } }
  - { id: B, title: b, dependencies: [A], commands: { x: "echo ${b} >> log.txt; test -f ok" } }
`;

Deno.test("recorded plan: a run without one (recorded before IRs were kept) or with a damaged one resumes from the plan file, as before", async () => {
  for (const damage of ["remove", "edit"] as const) {
    const dir = await tempProject({ "orchestrator.yml": CHAIN("B1") });
    assert.equal((await cli(["run"], { cwd: dir })).code, 1);
    const started = (await latestEvents(dir))[0]!;
    assert.ok(started.type === "run_started");
    const file = join(
      dir,
      ".codex/runs",
      started.run,
      `plan-${started.plan_hash}.json`,
    );
    if (damage === "remove") await Deno.remove(file);
    else await Deno.writeTextFile(file, "{}");
    await Deno.writeTextFile(join(dir, "orchestrator.yml"), CHAIN("B2"));
    const status = await cli(["status", "--json"], { cwd: dir });
    assert.equal(status.code, 1, status.stderr);
    assert.equal(JSON.parse(status.stdout).plan.recorded, false);
    if (damage === "edit") {
      assert.match(status.stderr, /does not match its hash/);
    }
    await Deno.writeTextFile(join(dir, "ok"), "");
    const r = await cli(["resume"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^ {2}B: its definition changed$/m);
    assert.equal(
      await Deno.readTextFile(join(dir, "log.txt")),
      "A\nB1\nB2\n",
      damage,
    );
  }
});

Deno.test("recorded plan: a re-run records its own copy of the IR, taken from the run before only when that copy still has the hash", async () => {
  const dir = await tempProject({ "orchestrator.yml": CHAIN("B1") });
  await Deno.writeTextFile(join(dir, "ok"), "");
  const recorded = async () => {
    const started = (await latestEvents(dir))[0]!;
    assert.ok(started.type === "run_started");
    return join(
      dir,
      ".codex/runs",
      started.run,
      `plan-${started.plan_hash}.json`,
    );
  };
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const first = await recorded();
  const text = await Deno.readTextFile(first);
  // The first run's copy edited by hand: the next run does not take it.
  await Deno.writeTextFile(first, text.replace('"B1', '"B9'));
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const second = await recorded();
  assert.notEqual(second, first);
  assert.equal(await Deno.readTextFile(second), text);
  // Its own copy intact: the next run takes it, as it is.
  assert.equal((await cli(["run"], { cwd: dir })).code, 0);
  const third = await recorded();
  assert.notEqual(third, second);
  assert.equal(await Deno.readTextFile(third), text);
  assert.equal((await Deno.lstat(third)).mode! & 0o777, 0o600);
  const status = await cli(["status", "--json"], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).plan.recorded, true);
});

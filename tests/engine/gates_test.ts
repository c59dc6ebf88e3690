/**
 * Gates through the real CLI: an approval covers the definition that was
 * approved, and an approval given while a run is live lets the waiting
 * task start in that run.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, repoPath, SOURCE_FLAGS, tempProject } from "../_cli.ts";
import { latestEvents } from "./_events.ts";

const GATED = (command: string) =>
  `version: 1
tasks:
  - id: BUILD
    title: Build
    commands: { x: "true" }
  - id: SHIP
    title: Ship
    type: deploy
    approvals: [deploy]
    dependencies: [BUILD]
    commands: { x: "${command}" }
`;

Deno.test("gates: an approval covers the approved definition; after a change, resume asks again and says why", async () => {
  const dir = await tempProject({
    "orchestrator.yml": GATED("echo v1 >> shipped.txt"),
  });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  assert.equal((await cli(["approve", "deploy"], { cwd: dir })).code, 0);
  await Deno.writeTextFile(
    join(dir, "orchestrator.yml"),
    GATED("echo v2 >> shipped.txt"),
  );
  const again = await cli(["resume"], { cwd: dir });
  assert.equal(again.code, 3, again.stderr + again.stdout);
  assert.match(
    again.stdout + again.stderr,
    /deploy was approved for an earlier definition of the task/,
  );
  await assert.rejects(Deno.stat(join(dir, "shipped.txt")));
  const waiting = (await latestEvents(dir)).findLast((e) =>
    e.type === "awaiting_approval"
  );
  assert.ok(waiting?.type === "awaiting_approval");
  assert.deepEqual(waiting.stale, ["deploy"]);
  const dry = await cli(["resume", "--dry-run"], { cwd: dir });
  assert.match(dry.stdout, /earlier definition/);

  assert.equal((await cli(["approve", "deploy"], { cwd: dir })).code, 0);
  const done = await cli(["resume"], { cwd: dir });
  assert.equal(done.code, 0, done.stderr + done.stdout);
  assert.equal(await Deno.readTextFile(join(dir, "shipped.txt")), "v2\n");
});

Deno.test("gates: an approval given while the run is live starts the waiting task in that run", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
orchestrator: { concurrency: 2 }
tasks:
  - id: SLOW
    title: Runs until the test says go
    commands:
      x: { run: "while [ ! -f go ]; do sleep 0.05; done", timeout: 60s }
  - id: SHIP
    title: Ship
    approvals: [deploy]
    commands: { x: "echo shipped >> shipped.txt" }
`,
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...SOURCE_FLAGS, repoPath("src/main.ts"), "run"],
    cwd: dir,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    // Wait (bounded) for the run to pause SHIP at its gate.
    for (let i = 0; i < 600; i++) {
      const events = await latestEvents(dir).catch(() => []);
      if (events.some((e) => e.type === "awaiting_approval")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const approve = await cli(["approve", "deploy"], { cwd: dir });
    assert.equal(approve.code, 0, approve.stderr);
    await Deno.writeTextFile(join(dir, "go"), "");
    const out = await child.output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
    assert.equal(
      await Deno.readTextFile(join(dir, "shipped.txt")),
      "shipped\n",
    );
    const events = await latestEvents(dir);
    assert.equal(
      events.filter((e) => e.type === "awaiting_approval").length,
      1,
    );
    assert.ok(
      events.some((e) => e.type === "task_completed" && e.task === "SHIP"),
    );
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already ended.
    }
  }
});

Deno.test("gates: a Manual: check on a shard is a gate of its task and can be approved", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: DOC
    title: Docs
    shards:
      - id: DOC-A
        title: Reviewed by a person
        acceptance: ["Manual: the wording reads well"]
    commands: { x: "echo done >> done.txt" }
`,
  });
  const first = await cli(["run"], { cwd: dir });
  assert.equal(first.code, 3, first.stderr + first.stdout);
  const approve = await cli(["approve", "manual"], { cwd: dir });
  assert.equal(approve.code, 0, approve.stderr);
  const done = await cli(["resume"], { cwd: dir });
  assert.equal(done.code, 0, done.stderr + done.stdout);
  assert.equal(await Deno.readTextFile(join(dir, "done.txt")), "done\n");
  const passed = (await latestEvents(dir)).find((e) =>
    e.type === "acceptance_passed" && e.shard === "DOC-A"
  );
  assert.ok(passed);
});

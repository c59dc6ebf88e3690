/**
 * A gate left waiting survives a later run: after `run` stops at `deploy`
 * and `run --task A` completes, `approve deploy` finds the run that waits,
 * `resume` continues it, and `status` shows the project as it stands.
 * `approve`, `resume` and `status` take `--run ID`.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";

const PLAN = `version: 1
orchestrator:
  approvals:
    required: [deploy]
tasks:
  - id: A
    title: build
    commands: { x: "true" }
  - id: SHIP
    title: ship
    type: deploy
    commands: { x: "touch shipped" }
`;

async function runIds(dir: string): Promise<string[]> {
  return (await Deno.readTextFile(join(dir, ".codex/runs/index"))).trim()
    .split("\n");
}

Deno.test("waiting run: approve finds the run waiting at the gate behind a later run, and resume continues it", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  const [waiting, later] = await runIds(dir);
  assert.ok(waiting && later && waiting !== later);

  const approve = await cli(["approve", "deploy"], { cwd: dir });
  assert.equal(approve.code, 0, approve.stderr);
  assert.match(approve.stdout, new RegExp(`in run ${waiting}\\.`));
  assert.match(
    approve.stdout,
    new RegExp(`Continue with: orchestrate resume --run ${waiting}`),
  );

  const resume = await cli(["resume"], { cwd: dir });
  assert.equal(resume.code, 0, resume.stderr + resume.stdout);
  assert.ok(await exists(join(dir, "shipped")));

  const status = JSON.parse(
    (await cli(["status", "--json"], { cwd: dir })).stdout,
  );
  const ship = status.tasks.find((t: { id: string }) => t.id === "SHIP");
  assert.equal(ship.state, "completed");
  assert.equal(ship.run, waiting);
});

Deno.test("waiting run: approve refuses when no run waits at the gate; --run names a run, an unknown one is refused with did you mean", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run", "--task", "A"], { cwd: dir })).code, 0);
  const none = await cli(["approve", "deploy"], { cwd: dir });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /No run waits at "deploy"/);

  assert.equal((await cli(["run"], { cwd: dir })).code, 3);
  const [first, second] = await runIds(dir);
  const bad = await cli(["approve", "deploy", "--run", `${second}x`], {
    cwd: dir,
  });
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    new RegExp(`Unknown run "${second}x": did you mean "${second}"\\?`),
  );
  const wrong = await cli(["approve", "deploy", "--run", first!], { cwd: dir });
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    new RegExp(`No run waits at "deploy" in run ${first}`),
  );
  const right = await cli(["approve", "deploy", "--run", second!], {
    cwd: dir,
  });
  assert.equal(right.code, 0, right.stderr);

  const status = await cli(["status", "--run", first!, "--json"], { cwd: dir });
  assert.equal(status.code, 0, status.stderr);
  assert.equal(JSON.parse(status.stdout).run, first);
  const unknown = await cli(["resume", "--run", "nope"], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown run "nope"/);
  const resumed = await cli(["resume", "--run", second!], { cwd: dir });
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(await exists(join(dir, "shipped")));
});

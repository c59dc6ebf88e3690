import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const PLAN = `version: 1
orchestrator:
  approvals:
    required: [deploy]
tasks:
  - id: BUILD
    title: Build the crate
    commands: { build: "true" }
  - id: TEST
    title: Run the tests
    dependencies: [BUILD]
    commands: { test: "false" }
    shards:
      - id: TEST-A
        title: Unit
      - id: TEST-B
        title: Integration
  - id: SHIP
    title: Ship it
    type: deploy
    dependencies: [TEST]
`;

Deno.test("list: every task with its title and pending state before any run, dependencies, shards and gates", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  const r = await cli(["list"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      "Tasks (3):",
      "  BUILD  Build the crate  pending",
      "  TEST   Run the tests    pending  needs BUILD · 2 shards",
      "  SHIP   Ship it          pending  needs TEST · gate deploy",
      "",
    ].join("\n"),
  );
});

Deno.test("list: states come from the latest run; --json gives the same as data", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  assert.equal((await cli(["run"], { cwd: dir })).code, 1);
  const r = await cli(["list"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}BUILD +Build the crate +completed$/m);
  assert.match(r.stdout, /^ {2}TEST +Run the tests +failed +needs BUILD/m);
  assert.match(
    r.stdout,
    /^ {2}SHIP +Ship it +blocked +needs TEST · gate deploy$/m,
  );
  const json = await cli(["list", "--json"], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  const tasks = JSON.parse(json.stdout);
  assert.deepEqual(
    tasks.map((t: { id: string; state: string }) => [t.id, t.state]),
    [["BUILD", "completed"], ["TEST", "failed"], ["SHIP", "blocked"]],
  );
  assert.deepEqual(tasks[1].shards, ["TEST-A", "TEST-B"]);
  assert.deepEqual(tasks[2].gates, ["deploy"]);
});

Deno.test("list: an invalid plan is a located error, exit 2", async () => {
  const dir = await tempProject({
    "orchestrator.yml": "version: 1\ntasks:\n  - id: A\n    titel: typo\n",
  });
  const r = await cli(["list"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /orchestrator\.yml:\d+:\d+: /);
});

/**
 * Issue 15, class 11: `approve`, `status` and `report` never see a run
 * whose log does not exist yet (a run that holds the lock but has not
 * opened its log: the moment between the two steps of its start).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliAs, projectAs, securityTest, type TestUser } from "./_rig.ts";

const PLAN = `version: 1
tasks:
  - id: build
    title: Build
    type: chore
    commands:
      build: "true"
  - id: deploy
    title: Deploy
    type: chore
    dependencies: [build]
    approvals: [deploy]
    commands:
      ship: "touch shipped.txt"
`;

/**
 * A project with one run paused at `deploy`, then the moment a second run
 * has taken the lock (a live process of ours) and not yet written its log.
 */
async function starting(user: TestUser) {
  const dir = await projectAs(user, { "orchestrator.yml": PLAN });
  const first = await cliAs(user, ["run"], { cwd: dir });
  assert.equal(first.code, 3, first.stderr);
  const holder = new Deno.Command("sleep", { args: ["60"] }).spawn();
  const lock = {
    pid: holder.pid,
    host: Deno.hostname(),
    run: "29991231T235959.999Z",
    started: new Date().toISOString(),
  };
  await Deno.writeTextFile(join(dir, ".codex/lock"), JSON.stringify(lock));
  if (user.uid !== 0) {
    await Deno.chown(join(dir, ".codex/lock"), user.uid, user.gid);
  }
  return {
    dir,
    stop: async () => {
      holder.kill("SIGKILL");
      await holder.status;
    },
  };
}

securityTest(
  "class 11: status and report while a run starts show the runs that have a log",
  async (user) => {
    const { dir, stop } = await starting(user);
    try {
      for (const args of [["status"], ["status", "--json"], ["report"]]) {
        const r = await cliAs(user, args, { cwd: dir });
        assert.notEqual(r.code, 74, `${args.join(" ")}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /No such file|NotFound/);
        assert.doesNotMatch(r.stdout + r.stderr, /29991231T235959/);
      }
    } finally {
      await stop();
    }
  },
);

securityTest(
  "class 11: approve while a run starts never exits 74 and never names the run without a log",
  async (user) => {
    const { dir, stop } = await starting(user);
    try {
      const r = await cliAs(user, ["approve", "deploy"], { cwd: dir });
      assert.notEqual(r.code, 74, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /29991231T235959/);
      assert.equal(r.code, 0, r.stderr);
    } finally {
      await stop();
    }
  },
);

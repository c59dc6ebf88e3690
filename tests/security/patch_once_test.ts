/**
 * Issue 15, class 6: a patch lands exactly once across crashes. A kill -9
 * leaves the log ending at some event and the working tree with or without
 * the change; for every such point from the approval to after
 * `patch_applied`, `resume` never runs the agent again for a patch that
 * landed and never applies it twice.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { SOURCE_FLAGS } from "../_cli.ts";
import {
  chownTree,
  cliAs,
  outsideDirAs,
  securityTest,
  type TestUser,
} from "./_rig.ts";
import {
  agentPlan,
  BOUND,
  gitProjectAs,
  latestLog,
  ofType,
  runEvents,
} from "./_agent_rig.ts";

const LINE = "added by the agent";

securityTest(
  "patch once: a resume after a crash anywhere from approval to after patch_applied applies the patch once and never reruns the agent",
  async (user) => {
    const outside = await outsideDirAs(user);
    const counter = join(outside, "agent-runs");
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      // Appends, so a second apply (or a second agent run applied) shows.
      "agent.sh":
        `cat > /dev/null\necho run >> "$AGENT_COUNTER"\necho '${LINE}' >> greet.txt\n`,
      "greet.txt": "hi\n",
    });
    const env = { AGENT_COUNTER: counter };
    const opts = { cwd: dir, env, ...BOUND };
    const run = await cliAs(user, ["run", "--sandbox", "off"], opts);
    assert.equal(run.code, 3, run.stdout + run.stderr);
    const approve = await cliAs(user, ["approve", "apply_patch"], opts);
    assert.equal(approve.code, 0, approve.stdout + approve.stderr);
    const done = await cliAs(user, ["resume", "--sandbox", "off"], opts);
    assert.equal(done.code, 0, done.stdout + done.stderr);

    const log = await latestLog(dir);
    const lines = (await Deno.readTextFile(log)).trim().split("\n");
    const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    const approvedAt = types.indexOf("approval_granted");
    const appliedAt = types.indexOf("patch_applied");
    assert.ok(approvedAt > 0 && appliedAt > approvedAt, types.join(" "));
    const before = "hi\n", after = `hi\n${LINE}\n`;
    assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), after);

    // A crash after line `cut`: the tree holds the change once git applied
    // it, which is somewhere between the approval and `patch_applied`.
    const cases: { cut: number; landed: boolean }[] = [];
    for (let cut = approvedAt + 1; cut <= lines.length; cut++) {
      if (cut <= appliedAt) cases.push({ cut, landed: false });
      if (cut >= appliedAt) cases.push({ cut, landed: true });
    }
    for (const { cut, landed } of cases) {
      const what = `crash after "${types[cut - 1]}" (line ${cut}), change ${
        landed ? "landed" : "not landed"
      }`;
      await Deno.writeTextFile(log, lines.slice(0, cut).join("\n") + "\n");
      await Deno.writeTextFile(join(dir, "greet.txt"), landed ? after : before);
      await Deno.writeTextFile(counter, "run\n");
      await chownTree(dir, user);
      await chownTree(outside, user);
      const resume = await cliAs(user, ["resume", "--sandbox", "off"], opts);
      const complete = cut === lines.length;
      // A run that had completed has nothing to resume; any other resumes to success.
      if (!complete) {
        assert.equal(
          resume.code,
          0,
          `${what}: ${resume.stdout}${resume.stderr}`,
        );
      }
      assert.equal(
        await Deno.readTextFile(join(dir, "greet.txt")),
        after,
        `${what}: the project`,
      );
      assert.equal(
        await Deno.readTextFile(counter),
        "run\n",
        `${what}: the agent ran again`,
      );
      const events = await runEvents(dir);
      assert.equal(
        ofType(events, "task_completed").filter((e) => e.task === "FIX-1")
          .length,
        1,
        what,
      );
    }
  },
);

/** Starts `orchestrate args` as `user` and returns the process (to kill it mid-run). */
async function spawnAs(
  user: TestUser,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Deno.ChildProcess> {
  const home = await outsideDirAs(user);
  const deno = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...SOURCE_FLAGS,
    new URL("../../src/main.ts", import.meta.url).pathname,
    ...args,
  ];
  const argv = [...user.wrap, ...deno];
  return new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd,
    env: {
      NO_COLOR: "1",
      XDG_CACHE_HOME: join(home, "cache"),
      XDG_STATE_HOME: join(home, "state"),
      ...user.env,
      ...env,
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

securityTest(
  "patch once: kill -9 of a real resume as it records the apply, then resume: applied once, agent not rerun",
  async (user) => {
    for (
      const marker of ["patch_applying", "patch_applied", "task_completed"]
    ) {
      const outside = await outsideDirAs(user);
      const counter = join(outside, "agent-runs");
      const dir = await gitProjectAs(user, {
        // A slow check after the apply keeps the run alive past `patch_applied`.
        "orchestrator.yml": agentPlan({ acceptance: ["Tests pass: sleep 2"] }),
        "agent.sh":
          `cat > /dev/null\necho run >> "$AGENT_COUNTER"\necho '${LINE}' >> greet.txt\n`,
        "greet.txt": "hi\n",
      });
      const env = { AGENT_COUNTER: counter };
      const opts = { cwd: dir, env, ...BOUND };
      const run = await cliAs(user, ["run", "--sandbox", "off"], opts);
      assert.equal(run.code, 3, run.stdout + run.stderr);
      const approve = await cliAs(user, ["approve", "apply_patch"], opts);
      assert.equal(approve.code, 0, approve.stdout + approve.stderr);
      const log = await latestLog(dir);
      const child = await spawnAs(
        user,
        ["resume", "--sandbox", "off"],
        dir,
        env,
      );
      // Killed the moment the marker is on disk (the apply may or may not have run).
      let exited = false;
      const status = child.status.then(() => exited = true);
      while (
        !exited &&
        !(await Deno.readTextFile(log)).includes(`"type":"${marker}"`)
      ) await new Promise((r) => setTimeout(r, 1));
      try {
        child.kill("SIGKILL");
      } catch {
        // It had ended.
      }
      await status;
      const resume = await cliAs(user, ["resume", "--sandbox", "off"], opts);
      const what = `killed at ${marker}`;
      assert.ok(
        resume.code === 0 || /nothing to resume|already/i.test(resume.stdout),
        `${what}: ${resume.stdout}${resume.stderr}`,
      );
      assert.equal(
        await Deno.readTextFile(join(dir, "greet.txt")),
        `hi\n${LINE}\n`,
        `${what}: the project`,
      );
      assert.equal(await Deno.readTextFile(counter), "run\n", `${what}: rerun`);
    }
  },
);

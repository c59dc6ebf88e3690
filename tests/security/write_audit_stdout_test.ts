/**
 * Issue 15, class 10: the write audit never blames a task for the files
 * orchestrate's own standard output and error go to (`orchestrate run >
 * build.log` inside the project), and still blames it for its own writes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli } from "../_cli.ts";
import { chownTree, projectAs, securityTest, type TestUser } from "./_rig.ts";

const PLAN = `version: 1
tasks:
  - id: confined
    title: Writes only its folder
    type: chore
    permissions:
      write: [out]
    commands:
      first: "sh -c 'echo 1 > out/a'"
      second: "sh -c 'sleep 0.3; echo 2 > out/b'"
      third: "sh -c 'echo 3 > out/c'"
  - id: later
    title: Runs after it
    type: chore
    dependencies: [confined]
    permissions:
      write: [out]
    commands:
      last: "sh -c 'echo 4 > out/d'"
`;

/** Runs `orchestrate run` as `user` with its output sent where `redirect` says (a shell redirection). */
async function runRedirected(
  user: TestUser,
  dir: string,
  redirect: string,
  args: string[] = [],
) {
  return await cli(["run", ...args], {
    cwd: dir,
    wrap: [...user.wrap, "sh", "-c", `exec "$@" ${redirect}`, "sh"],
    env: { ...user.env },
    killAfterMs: 120_000,
  });
}

/** The reasons tasks failed for, from the run's log. */
async function failures(dir: string): Promise<string[]> {
  const runs = join(dir, ".codex/runs");
  const out: string[] = [];
  for await (const e of Deno.readDir(runs)) {
    if (!e.name.endsWith(".jsonl")) continue;
    for (
      const line of (await Deno.readTextFile(join(runs, e.name))).split("\n")
    ) {
      if (line.includes('"task_failed"')) {
        const event = JSON.parse(line);
        out.push(`${event.task}: ${event.reason}: ${event.detail}`);
      }
    }
  }
  return out;
}

for (
  const [what, redirect, file] of [
    ["stdout and stderr", "> build.log 2>&1", "build.log"],
    ["stdout only", "> logs/run.txt", "logs/run.txt"],
    ["stdout through a symlink", "> link.log 2>&1", "logs/real.log"],
  ] as const
) {
  securityTest(
    `write audit: orchestrate's own ${what} file in the project is not blamed on a task`,
    async (user) => {
      const dir = await projectAs(user, {
        "orchestrator.yml": PLAN,
        "out/.keep": "",
        "logs/real.log": "",
      });
      await Deno.symlink("logs/real.log", join(dir, "link.log"));
      await chownTree(dir, user);
      const r = await runRedirected(user, dir, redirect);
      assert.deepEqual(await failures(dir), []);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.ok((await Deno.stat(join(dir, file))).size > 0);
      assert.equal(await Deno.readTextFile(join(dir, "out/d")), "4\n");
    },
  );
}

securityTest(
  "write audit: a file beside orchestrate's output is still blamed",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": PLAN.replace(
        `"sh -c 'echo 3 > out/c'"`,
        `"sh -c 'echo 3 > out/c; echo x >> build.log.1'"`,
      ),
      "out/.keep": "",
      "build.log.1": "",
    });
    // Without a sandbox the audit is the only guard: it must still see this.
    const r = await runRedirected(user, dir, "> build.log 2>&1", [
      "--sandbox",
      "off",
    ]);
    assert.equal(r.code, 1);
    const failed = await failures(dir);
    assert.equal(failed.length, 1, failed.join("\n"));
    assert.match(failed[0]!, /^confined: write_denied: .*build\.log\.1/);
    assert.doesNotMatch(failed[0]!, /build\.log(,|$)/);
  },
);

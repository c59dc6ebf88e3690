/**
 * Class 4, the /proc half: a task sees no other process of the run. A task
 * that is not sandboxed (no permissions, or only `env:`) could read the
 * orchestrator's /proc/<pid>/environ, or another task's, and get every
 * secret it was denied.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { textOr } from "./_places.ts";
import { cliAs, projectAs, securityTest } from "./_rig.ts";

/** Reads the orchestrator's environment and greps every process's for `value`, into out/found.txt. */
function snoop(value: string): string {
  const orchestrator = "${ORCHESTRATE_COMMAND_TAG%%.*}";
  return JSON.stringify(
    `sh -c 'tr "\\\\0" "\\\\n" < /proc/${orchestrator}/environ > out/found.txt 2>/dev/null; grep -a -h -o "${value}" /proc/[0-9]*/environ >> out/found.txt 2>/dev/null; echo searched >> out/found.txt'`,
  );
}

const PERMISSIONS = {
  "no permissions": "",
  "only env": "\n    permissions: { env: [PATH, HOME] }",
  "write limits": "\n    permissions: { write: [out] }",
};

for (const [who, permissions] of Object.entries(PERMISSIONS)) {
  securityTest(
    `/proc: a task with ${who} cannot read the orchestrator's environment`,
    async (user) => {
      const value = `s3cr3t-${crypto.randomUUID()}`;
      const dir = await projectAs(user, {
        "orchestrator.yml": `version: 1
tasks:
  - id: snoop
    title: Reads the orchestrator's environment
    type: chore${permissions}
    commands:
      snoop: ${snoop(value)}
`,
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], {
        cwd: dir,
        env: { DEPLOY_TOKEN: value },
        killAfterMs: 60_000,
      });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      const found = (await textOr(join(dir, "out/found.txt"))) ?? "";
      assert.ok(found.includes("searched"), `the task ran: ${found}`);
      assert.equal(found.includes(value), false, found);
    },
  );
}

securityTest(
  "/proc: a task without permissions cannot read the environment of another task running beside it",
  async (user) => {
    const value = `s3cr3t-${crypto.randomUUID()}`;
    const wait =
      "i=0; while [ ! -f out/done ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done";
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: holder
    title: Holds the secret while the other looks
    type: chore
    permissions: { env: [PATH, DEPLOY_TOKEN] }
    commands:
      hold: ${JSON.stringify(`sh -c '${wait}'`)}
  - id: snoop
    title: Looks for it
    type: chore
    commands:
      ready: "sh -c 'sleep 0.3'"
      snoop: ${snoop(value)}
      done: "touch out/done"
`,
      "out/.keep": "",
    });
    const r = await cliAs(user, ["run", "--concurrency", "2"], {
      cwd: dir,
      env: { DEPLOY_TOKEN: value },
      killAfterMs: 60_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const found = (await textOr(join(dir, "out/found.txt"))) ?? "";
    assert.ok(found.includes("searched"), `the task ran: ${found}`);
    assert.equal(found.includes(value), false, found);
  },
);

for (const [who, permissions] of Object.entries(PERMISSIONS)) {
  securityTest(
    `/proc: a task with ${who} cannot signal the orchestrator`,
    async (user) => {
      const orchestrator = "${ORCHESTRATE_COMMAND_TAG%%.*}";
      const dir = await projectAs(user, {
        "orchestrator.yml": `version: 1
tasks:
  - id: signal
    title: Stops the orchestrator
    type: chore${permissions}
    commands:
      stop: "sh -c 'kill -STOP ${orchestrator}; kill -TERM ${orchestrator}; echo tried > out/tried.txt'"
`,
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.equal(await textOr(join(dir, "out/tried.txt")), "tried\n");
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /1 completed/);
    },
  );
}

securityTest(
  "/proc: a task without permissions that unmounts its /proc (root) still cannot read the orchestrator's environment",
  async (user) => {
    const value = `s3cr3t-${crypto.randomUUID()}`;
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: unmount
    title: Uncovers the host's /proc, then looks
    type: chore
    commands:
      unmount: "sh -c 'umount -l /proc 2>/dev/null; echo $? > out/umount.txt'"
      snoop: ${snoop(value)}
`,
      "out/.keep": "",
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: { DEPLOY_TOKEN: value },
      killAfterMs: 60_000,
    });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.notEqual(await textOr(join(dir, "out/umount.txt")), "0\n");
    const found = (await textOr(join(dir, "out/found.txt"))) ?? "";
    assert.ok(found.includes("searched"), `the task ran: ${found}`);
    assert.equal(found.includes(value), false, found);
  },
);

securityTest(
  "/proc: root's task without permissions keeps the capabilities of ordinary root work (chown, setuid) in its pid namespace",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": `version: 1
tasks:
  - id: own
    title: Gives a file away and runs as another user
    type: chore
    commands:
      give: "sh -c 'touch out/f; chown 1 out/f; stat -c %u out/f > out/owner.txt'"
      become: "sh -c 'setpriv --reuid=1 --regid=1 --clear-groups id -u > out/uid.txt'"
`,
      "out/.keep": "",
    });
    const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
    if (user.name !== "root") {
      // Anyone else has no capability to keep.
      assert.notEqual(r.code, 0);
      return;
    }
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await textOr(join(dir, "out/owner.txt")), "1\n");
    assert.equal(await textOr(join(dir, "out/uid.txt")), "1\n");
  },
);

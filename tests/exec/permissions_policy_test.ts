/** The process policy a task gets: defaults, the plan's layers, the run's flags. */
import assert from "node:assert/strict";
import { type AccessSource, TaskAccess } from "../../src/exec/permissions.ts";
import { normalizePlan } from "../../src/plan/normalize.ts";
import type { TaskInput } from "../../src/plan/schema.ts";

const ENV = {
  PATH: "/usr/bin:/bin",
  HOME: "/home/me",
  LANG: "C.UTF-8",
  EDITOR: "vi",
  NPM_TOKEN: "npm-secret-1",
  AWS_SECRET_ACCESS_KEY: "aws-secret-2",
};

function access(task: TaskInput, flags: AccessSource["flags"] = {}) {
  const [t] = normalizePlan({ version: 1, tasks: [task] }, [], "p").tasks;
  return new TaskAccess({ root: "/repo", flags, env: ENV }, t!, null, {
    ORCHESTRATE_TASK_ID: t!.id,
  });
}

Deno.test("policy: a task without permissions runs, reads and writes anything but its forbidden paths, no secrets", () => {
  const { policy } = access({
    id: "A",
    title: "a",
    paths: { forbidden: ["vendor"] },
    constraints: { forbidden_paths: ["secrets/"] },
  });
  assert.equal(policy.run, "all");
  assert.equal(policy.read, "all");
  assert.equal(policy.net, true);
  assert.equal(policy.write, "all");
  assert.deepEqual(policy.forbidden, ["/repo/vendor", "/repo/secrets"]);
  assert.deepEqual(Object.keys(policy.env).sort(), [
    "EDITOR",
    "HOME",
    "LANG",
    "ORCHESTRATE_TASK_ID",
    "PATH",
  ]);
  // Withheld, yet masked: a task may print a secret it found some other way.
  assert.deepEqual(policy.secrets, ["npm-secret-1", "aws-secret-2"]);
});

Deno.test("policy: the plan's grants meet the run's flags (intersection), named secrets pass and are listed", () => {
  const { policy } = access(
    {
      id: "A",
      title: "a",
      permissions: {
        write: ["dist", "target"],
        net: ["registry.npmjs.org", "example.com:443"],
        env: ["NPM_TOKEN", "AWS_*"],
      },
    },
    { write: ["dist/sub", "src"], net: ["registry.npmjs.org:443"] },
  );
  assert.deepEqual(policy.write, ["/repo/dist/sub"]);
  assert.deepEqual(policy.net, ["registry.npmjs.org:443"]);
  assert.equal(policy.env.NPM_TOKEN, "npm-secret-1");
  assert.equal(
    policy.env.AWS_SECRET_ACCESS_KEY,
    undefined,
    "a pattern never grants a secret",
  );
  assert.equal(policy.env.EDITOR, undefined);
  assert.deepEqual(policy.secrets, ["npm-secret-1", "aws-secret-2"]);
});

Deno.test("policy: --allow-net=none and net: false cut the network; run lists become real paths", () => {
  assert.equal(access({ id: "A", title: "a" }, { net: [] }).policy.net, false);
  assert.equal(
    access({ id: "A", title: "a", permissions: { net: false } }).policy.net,
    false,
  );
  const { policy } = access({
    id: "A",
    title: "a",
    permissions: { run: ["sh"] },
  });
  assert.ok(Array.isArray(policy.run) && policy.run.length > 0);
  assert.ok(policy.run.every((p) => p.startsWith("/")));
  assert.ok(policy.run.includes(Deno.realPathSync("/bin/sh")));
});

/**
 * Issue 15, class 17 (secrets are decided by name and value, not by
 * prefix; masking touches free text only; weak values are reported) and
 * the masking half of class 4 (a withheld secret a task prints anyway is
 * masked too).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliAs, projectAs, securityTest } from "./_rig.ts";

/** The run's events (the only log of the project). */
async function events(dir: string): Promise<Record<string, unknown>[]> {
  const runs = join(dir, ".codex/runs");
  for await (const e of Deno.readDir(runs)) {
    if (e.name.endsWith(".jsonl")) {
      const text = await Deno.readTextFile(join(runs, e.name));
      return text.trim().split("\n").map((l) => JSON.parse(l));
    }
  }
  throw new Error("no run log");
}

/** Everything the run recorded: its log and every file of its run folder. */
async function recorded(dir: string): Promise<string> {
  let all = "";
  const walk = async (path: string) => {
    for await (const e of Deno.readDir(path)) {
      const child = join(path, e.name);
      if (e.isDirectory) await walk(child);
      else if (e.isFile) all += await Deno.readTextFile(child);
    }
  };
  await walk(join(dir, ".codex"));
  return all;
}

const plan = (tasks: string) => `version: 1\ntasks:\n${tasks}`;

securityTest(
  "secrets: an ORCHESTRATE_-prefixed secret is withheld like any other",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`  - id: open
    title: Unconfined
    type: chore
    commands:
      show: "sh -c 'echo \${ORCHESTRATE_TOKEN:-unset} > open.txt; echo \${ORCHESTRATE_DEBUG_KEY:-unset} >> open.txt'"
  - id: listed
    title: Lists its variables
    type: chore
    permissions:
      env: [EDITOR]
    commands:
      show: "sh -c 'echo \${ORCHESTRATE_TOKEN:-unset} > listed.txt; echo \${ORCHESTRATE_EXTRA:-unset} >> listed.txt'"
`),
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: {
        ORCHESTRATE_TOKEN: "orch-token-8f2k1x",
        ORCHESTRATE_DEBUG_KEY: "orch-key-7q2m9z",
        ORCHESTRATE_EXTRA: "plain-value",
      },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      await Deno.readTextFile(join(dir, "open.txt")),
      "unset\nunset\n",
    );
    // An explicit list gets only the base and what it names: no prefix passes.
    assert.equal(
      await Deno.readTextFile(join(dir, "listed.txt")),
      "unset\nunset\n",
    );
  },
);

securityTest(
  "secrets: a variable whose value is a known token format is withheld",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`  - id: open
    title: Unconfined
    type: chore
    commands:
      show: "sh -c 'echo \${UPLOAD_URL:-unset} > open.txt'"
`),
    });
    const token = "ghp_" + "Ab3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6";
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: { UPLOAD_URL: token },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "open.txt")), "unset\n");
  },
);

securityTest(
  "secrets: a withheld secret a task prints anyway is masked in its output and the log",
  async (user) => {
    const value = "withheld-9c1e5a7b3d";
    const dir = await projectAs(user, {
      "leak.txt": `the key is ${value}\n`,
      "orchestrator.yml": plan(`  - id: prints
    title: Prints a file that holds a secret
    type: chore
    commands:
      cat: "cat leak.txt"
  - id: fails
    title: Fails with the secret in its message
    type: chore
    commands:
      cat: "sh -c 'cat leak.txt >&2; exit 3'"
`),
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: { DEPLOY_TOKEN: value },
    });
    assert.equal(r.code, 1, r.stderr);
    const all = await recorded(dir);
    assert.ok(!all.includes(value), "the value is in the run's files");
    assert.ok(all.includes("the key is ***"), all);
    assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value));
  },
);

securityTest(
  "secrets: a withheld secret equal to a task id leaves the log intact",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`  - id: test
    title: Runs the tests
    type: test
    commands:
      test: "true"
  - id: deploy-prod
    title: Depends on it
    type: chore
    dependencies: [test]
    commands:
      go: "true"
  - id: release-candidate-eu
    title: Its id holds a secret that is masked
    type: chore
    commands:
      go: "echo release-candidate"
`),
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: {
        API_KEY: "test",
        DEPLOY_SECRET: "deploy-prod",
        RELEASE_SECRET: "release-candidate",
      },
    });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(!r.stderr.includes("Internal error"), r.stderr);
    const log = await events(dir);
    const completed = log.filter((e) => e.type === "task_completed").map((e) =>
      e.task
    );
    assert.deepEqual(completed.sort(), [
      "deploy-prod",
      "release-candidate-eu",
      "test",
    ]);
    assert.ok(log.every((e) => typeof e.type === "string" && e.type !== "***"));
    // Reported by name, not applied blindly.
    assert.match(r.stderr, /secret variable API_KEY is not masked/);
    assert.match(r.stderr, /secret variable DEPLOY_SECRET is not masked/);
    const status = await cliAs(user, ["status"], { cwd: dir });
    assert.ok(!status.stdout.includes("***"), status.stdout);
  },
);

securityTest(
  "secrets: a value too short or too common to mask is reported by name, never by value",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": plan(`  - id: one
    title: One
    type: chore
    commands:
      say: "echo done"
`),
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: { DB_PASSWORD: "zq9", SERVICE_TOKEN: "localhost" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /DB_PASSWORD is not masked[^\n]*shorter than/);
    assert.match(r.stderr, /SERVICE_TOKEN is not masked[^\n]*common word/);
    assert.ok(!r.stderr.includes("zq9"), r.stderr);
  },
);

securityTest(
  "secrets: a withheld secret read from the orchestrator's /proc environ never lands unmasked in the run's files",
  async (user) => {
    const value = "proc-environ-4b8d2f6a1c";
    const dir = await projectAs(user, {
      "peek.sh":
        'cat /proc/$PPID/environ /proc/*/environ 2>/dev/null | tr "\\000" "\\n" | grep DEPLOY_TOKEN\ntrue\n',
      "orchestrator.yml": plan(`  - id: peek
    title: Reads its parent's environment
    type: chore
    commands:
      peek: "sh peek.sh"
`),
    });
    const r = await cliAs(user, ["run"], {
      cwd: dir,
      env: { DEPLOY_TOKEN: value },
    });
    assert.equal(r.code, 0, r.stderr);
    const all = await recorded(dir);
    assert.ok(!all.includes(value), "the value is in the run's files");
    assert.ok(!r.stdout.includes(value) && !r.stderr.includes(value));
  },
);

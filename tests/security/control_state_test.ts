/**
 * Issue 15, class 1: a confined task cannot reach the run's control state
 * (approvals journal, log, run index, recorded plan, lock) nor the plan's
 * own files, whatever its `write` grants; its writable areas are elsewhere.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  chownTree,
  cliAs,
  projectAs,
  securityTest,
  type TestUser,
} from "./_rig.ts";

/**
 * A plan whose first task runs `attack.sh` confined by `permissions`, and
 * whose second, gated `deploy`, writes `shipped.txt` once it runs.
 */
function plan(permissions: string): string {
  return `version: 1
tasks:
  - id: attack
    title: Attack
    type: chore
    permissions: ${permissions}
    commands:
      attack: "sh attack.sh"
  - id: deploy
    title: Deploy
    type: chore
    dependencies: [attack]
    approvals: [deploy]
    commands:
      ship: "sh -c 'echo shipped > shipped.txt'"
`;
}

/** Shell that finds the run, and the deploy task's hash in `run_started`. */
const FIND_RUN = `log=$(ls .codex/runs/*.jsonl | head -1)
run=$(basename "$log" .jsonl)
hash=$(grep -o '"deploy":"[^"]*"' "$log" | head -1 | sed 's/.*:"\\(.*\\)"/\\1/')
grant='{"ts":"2026-01-01T00:00:00.000Z","run":"'$run'","type":"approval_granted","task":null,"shard":null,"gate":"deploy","by":"task","plan_hash":"x","task_hashes":{"deploy":"'$hash'"}}'
`;

/** Appends a forged approval to the journal (and the log); notes what it could write. */
const FORGE = `${FIND_RUN}
mkdir -p out
echo "$grant" >> ".codex/runs/$run/approvals.jsonl" && echo journal >> out/wrote
echo "$grant" >> "$log" && echo log >> out/wrote
echo x >> .codex/runs/index && echo index >> out/wrote
for f in .codex/runs/$run/plan-*.json; do echo x >> "$f" && echo plan >> out/wrote; done
echo x >> .codex/lock && echo lock >> out/wrote
sed -i "s/approvals: \\\\[deploy\\\\]/approvals: []/" orchestrator.yml && echo orchestrator.yml >> out/wrote
exit 0
`;

async function attack(user: TestUser, permissions: string) {
  const dir = await projectAs(user, {
    "orchestrator.yml": plan(permissions),
    "attack.sh": FORGE,
  });
  const r = await cliAs(user, ["run", "--sandbox", "bwrap"], { cwd: dir });
  let wrote: string[] = [];
  try {
    wrote = (await Deno.readTextFile(join(dir, "out/wrote"))).split("\n")
      .filter((l) => l !== "");
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return { dir, r, wrote };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

for (
  const [label, permissions] of [
    ["write: [out]", "{ write: [out] }"],
    ["write: [.] (the whole project)", '{ write: ["."] }'],
    ["write: [.codex]", "{ write: [out, .codex] }"],
    ["write: [.codex/runs]", "{ write: [out, .codex/runs] }"],
    ["only net: false (write everything)", "{ net: false }"],
  ] as const
) {
  securityTest(
    `class 1: a confined task with ${label} cannot grant itself an approval nor touch control files`,
    async (user) => {
      const { dir, r, wrote } = await attack(user, permissions);
      // The gated task waits for a person: exit 3, never shipped.
      assert.equal(r.code, 3, r.stderr + r.stdout);
      assert.equal(await exists(join(dir, "shipped.txt")), false);
      assert.deepEqual(wrote, []);
      const yml = await Deno.readTextFile(join(dir, "orchestrator.yml"));
      assert.match(yml, /approvals: \[deploy\]/);
      const status = await cliAs(user, ["status"], { cwd: dir });
      assert.match(status.stdout, /awaiting approval: deploy/, status.stderr);
    },
  );
}

securityTest(
  "class 1: a confined task cannot replace the approvals journal with a folder",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": plan("{ write: [out] }"),
      "attack.sh": `${FIND_RUN}
rm -f ".codex/runs/$run/approvals.jsonl"
mkdir -p ".codex/runs/$run/approvals.jsonl" ".codex/runs/$run/x"
exit 0
`,
    });
    const r = await cliAs(user, ["run", "--sandbox", "bwrap"], { cwd: dir });
    assert.equal(r.code, 3, r.stderr);
    for (const args of [["status"], ["approve", "deploy"], ["resume"]]) {
      const again = await cliAs(user, args, { cwd: dir });
      assert.notEqual(again.code, 74, `${args}: ${again.stderr}`);
    }
    assert.equal(await exists(join(dir, "shipped.txt")), true);
  },
);

/** A committed git project owned by `user`, whose task is done by `agent.sh`. */
async function agentProject(user: TestUser, permissions: string) {
  const dir = await projectAs(user, {
    "orchestrator.yml": `version: 1
orchestrator:
  approvals: { required: [apply_patch] }
  agent: { command: "sh agent.sh" }
tasks:
  - id: FIX
    title: Make greet.txt say hello
    permissions: ${permissions}
    commands:
      test: "grep -q hello greet.txt"
    agent: true
`,
    "greet.txt": "hi\n",
    // From its worktree, .codex/work/<run>/agent/FIX/worktree, up to the project.
    "agent.sh": `cat > /dev/null
root=$(cd ../../../../../.. && pwd)
test -f "$root/orchestrator.yml" || exit 9
echo hello > greet.txt
echo planted > "$root/.codex/runs/$ORCHESTRATE_RUN_ID/agent/FIX/attempt-1/planted"
echo forged >> "$root/.codex/runs/$ORCHESTRATE_RUN_ID/approvals.jsonl"
echo forged >> "$root/.codex/runs/$ORCHESTRATE_RUN_ID.jsonl"
sed -i "s/required: \\\\[apply_patch\\\\]/required: []/" "$root/orchestrator.yml"
exit 0
`,
  });
  for (
    const args of [["init", "-q"], ["add", "-A"], [
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@t",
      "commit",
      "-qm",
      "init",
    ]]
  ) {
    const out = await new Deno.Command("git", {
      args: ["-c", "safe.directory=*", ...args],
      cwd: dir,
    }).output();
    assert.ok(out.success, `git ${args.join(" ")}`);
  }
  await chownTree(dir, user);
  return dir;
}

for (
  const [label, permissions] of [
    ["write: [.]", '{ write: ["."] }'],
    ["net: false (write everything)", "{ net: false }"],
  ] as const
) {
  securityTest(
    `class 1: a confined agent with ${label} writes its worktree under .codex/work, never the control state or the plan`,
    async (user) => {
      const dir = await agentProject(user, permissions);
      const r = await cliAs(user, ["run", "--sandbox", "bwrap"], {
        cwd: dir,
        killAfterMs: 120_000,
      });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.match(r.stdout, /awaiting approval: apply_patch/);
      const runs = join(dir, ".codex/runs");
      const log = [...Deno.readDirSync(runs)].find((e) =>
        e.name.endsWith(".jsonl")
      )!.name;
      const text = await Deno.readTextFile(join(runs, log));
      assert.doesNotMatch(text, /forged/);
      assert.match(text, /"type":"patch_validated".*"files":\["greet.txt"\]/);
      const journal = join(runs, log.slice(0, -6), "approvals.jsonl");
      assert.equal(await exists(journal), false);
      const attempt = join(runs, log.slice(0, -6), "agent/FIX/attempt-1");
      assert.equal(await exists(join(attempt, "planted")), false);
      assert.match(
        await Deno.readTextFile(join(dir, "orchestrator.yml")),
        /required: \[apply_patch\]/,
      );
    },
  );
}

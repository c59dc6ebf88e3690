/**
 * Issue 15, class 1 for tasks without permissions (they run with the
 * user's rights and can write `.codex/`): an approval is honoured only with
 * the seal `orchestrate approve` puts on it, under a key kept outside the
 * project; a line written by anything else is refused with a warning.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliAs, projectAs, securityTest, type TestUser } from "./_rig.ts";

const PLAN = `version: 1
tasks:
  - id: attack
    title: Attack
    type: chore
    commands:
      attack: "sh attack.sh"
  - id: deploy
    title: Deploy
    type: chore
    dependencies: [attack]
    approvals: [deploy]
    commands:
      ship: "touch shipped.txt"
`;

/** Appends a forged approval of `deploy` (its hash from `run_started`) to `where` ("journal" or "log"). */
function forge(where: "journal" | "log" | "none"): string {
  if (where === "none") return "exit 0\n";
  return `log=$(ls .codex/runs/*.jsonl | head -1)
run=$(basename "$log" .jsonl)
hash=$(grep -o '"deploy":"[^"]*"' "$log" | head -1 | sed 's/.*:"\\(.*\\)"/\\1/')
grant='{"ts":"2026-01-01T00:00:00.000Z","run":"'$run'","type":"approval_granted","task":null,"shard":null,"gate":"deploy","by":"task","plan_hash":"x","task_hashes":{"deploy":"'$hash'"},"mac":"00"}'
${
    where === "journal"
      ? `mkdir -p ".codex/runs/$run"\necho "$grant" >> ".codex/runs/$run/approvals.jsonl"`
      : `echo "$grant" >> "$log"`
  }
`;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

function logOf(dir: string): string {
  const runs = join(dir, ".codex/runs");
  const name =
    [...Deno.readDirSync(runs)].find((e) => e.name.endsWith(".jsonl"))!.name;
  return join(runs, name);
}

for (const where of ["journal", "log"] as const) {
  securityTest(
    `class 1 (unconfined): an approval a task writes into the ${where} is refused, with a warning naming the line`,
    async (user) => {
      const dir = await projectAs(user, {
        "orchestrator.yml": PLAN,
        "attack.sh": forge(where),
      });
      const r = await cliAs(user, ["run"], { cwd: dir });
      assert.equal(r.code, 3, r.stdout + r.stderr);
      assert.equal(await exists(join(dir, "shipped.txt")), false);
      const resume = await cliAs(user, ["resume"], { cwd: dir });
      assert.equal(resume.code, 3, resume.stdout + resume.stderr);
      assert.equal(await exists(join(dir, "shipped.txt")), false);
      const status = await cliAs(user, ["status"], { cwd: dir });
      const file = where === "journal" ? "approvals\\.jsonl" : "\\.jsonl";
      assert.match(
        status.stderr,
        new RegExp(`${file}:\\d+: not honouring the approval of "deploy"`),
      );
      // A real approval still works.
      const ok = await cliAs(user, ["approve", "deploy"], { cwd: dir });
      assert.equal(ok.code, 0, ok.stderr);
      const done = await cliAs(user, ["resume"], { cwd: dir });
      assert.equal(done.code, 0, done.stdout + done.stderr);
      assert.equal(await exists(join(dir, "shipped.txt")), true);
    },
  );
}

/** A run paused at `deploy`, for lines written by hand afterwards. */
async function paused(user: TestUser): Promise<string> {
  const dir = await projectAs(user, {
    "orchestrator.yml": PLAN,
    "attack.sh": forge("none"),
  });
  const r = await cliAs(user, ["run"], { cwd: dir });
  assert.equal(r.code, 3, r.stdout + r.stderr);
  return dir;
}

securityTest(
  "class 1 (unconfined): an approval without a seal (an old log, a hand-written line) is not honoured, and says so",
  async (user) => {
    const dir = await paused(user);
    const log = logOf(dir);
    const text = await Deno.readTextFile(log);
    const started = JSON.parse(
      text.split("\n").find((l) => l.includes('"run_started"'))!,
    );
    const line = JSON.stringify({
      ts: new Date().toISOString(),
      run: started.run,
      type: "approval_granted",
      task: null,
      shard: null,
      gate: "deploy",
      by: "someone",
      plan_hash: started.plan_hash,
      task_hashes: { deploy: started.task_hashes.deploy },
    });
    await Deno.writeTextFile(log, line + "\n", { append: true });
    const resume = await cliAs(user, ["resume"], { cwd: dir });
    assert.equal(resume.code, 3, resume.stdout + resume.stderr);
    assert.match(
      resume.stderr,
      /not honouring the approval of "deploy": it has no seal/,
    );
    assert.equal(await exists(join(dir, "shipped.txt")), false);
  },
);

securityTest(
  "class 1 (unconfined): a sealed approval edited, or replayed for another gate, is refused",
  async (user) => {
    const dir = await projectAs(user, {
      "orchestrator.yml": PLAN.replace(
        "approvals: [deploy]",
        "approvals: [deploy, prod]",
      ),
      "attack.sh": forge("none"),
    });
    const r = await cliAs(user, ["run"], { cwd: dir });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const ok = await cliAs(user, ["approve", "deploy"], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    const log = logOf(dir);
    const lines = (await Deno.readTextFile(log)).trimEnd().split("\n");
    const grant = lines.findLast((l) => l.includes('"approval_granted"'))!;
    // Same seal, another gate: it covers `deploy` only.
    await Deno.writeTextFile(
      log,
      grant.replace('"gate":"deploy"', '"gate":"prod"') + "\n",
      { append: true },
    );
    const resume = await cliAs(user, ["resume"], { cwd: dir });
    assert.equal(resume.code, 3, resume.stdout + resume.stderr);
    assert.match(resume.stdout, /awaiting approval: prod/);
    assert.match(
      resume.stderr,
      /not honouring the approval of "prod": its seal does not match/,
    );
    assert.equal(await exists(join(dir, "shipped.txt")), false);
  },
);

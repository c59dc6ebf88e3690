/**
 * Issue 15, classes 7 and 14: a patch is judged by every path it touches
 * (a rename's old path too), may not write `.codex/`, the plan or a symlink
 * leading out of the project, and the gate shows renames, mode changes and
 * symlinks as such. Also: `.codex/` in the project's `.gitignore` does
 * not break agent tasks.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cliAs, securityTest } from "./_rig.ts";
import {
  agentPlan,
  BOUND,
  exists,
  gitProjectAs,
  ofType,
  runEvents,
} from "./_agent_rig.ts";

/** Runs a project whose agent runs `script`, without a sandbox: the patch check is what is tested. */
async function refused(
  user: Parameters<Parameters<typeof securityTest>[1]>[0],
  script: string,
  files: Record<string, string> = {},
  forbidden: string[] = [],
) {
  const dir = await gitProjectAs(user, {
    "orchestrator.yml": agentPlan({ gated: false, forbidden }),
    "agent.sh": `cat > /dev/null\n${script}\ntrue\n`,
    "greet.txt": "hi\n",
    ...files,
  });
  const run = await cliAs(user, ["run", "--sandbox", "off"], {
    cwd: dir,
    ...BOUND,
  });
  const events = await runEvents(dir);
  const failures = ofType(events, "agent_attempt_failed");
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual(
    failures.map((e) => e.reason),
    ["forbidden_path", "forbidden_path"],
    run.stdout,
  );
  assert.equal(ofType(events, "patch_validated").length, 0);
  assert.equal(ofType(events, "patch_applied").length, 0);
  return { dir, detail: failures[0]!.detail };
}

securityTest(
  "patch paths: renaming a forbidden file is refused by its old path",
  async (user) => {
    const { dir, detail } = await refused(
      user,
      "mv locked.cfg renamed.cfg",
      { "locked.cfg": "secret\n" },
      ["locked.cfg"],
    );
    assert.match(detail, /locked\.cfg is forbidden/);
    assert.equal(await Deno.readTextFile(join(dir, "locked.cfg")), "secret\n");
    assert.equal(await exists(join(dir, "renamed.cfg")), false);
  },
);

securityTest(
  "patch paths: copying a forbidden folder's file out and deleting it is refused",
  async (user) => {
    const { dir, detail } = await refused(
      user,
      "mkdir -p open && mv vault/key open/key",
      { "vault/key": "secret-key-material\n" },
      ["vault"],
    );
    assert.match(detail, /vault\/key is forbidden/);
    assert.equal(await exists(join(dir, "open/key")), false);
  },
);

securityTest(
  "patch paths: a patch may not create files under .codex/, even re-included through .gitignore",
  async (user) => {
    for (
      const script of [
        "printf '!.codex/runs/\\n' >> .gitignore && mkdir -p .codex/runs && echo forged > .codex/runs/forged.approvals.jsonl",
        "mkdir -p .codex/runs && echo forged > .codex/forged.approvals.jsonl",
      ]
    ) {
      const { dir, detail } = await refused(user, script);
      assert.match(
        detail,
        /\.codex\/\S*forged\.approvals\.jsonl is orchestrate's own folder/,
      );
      for (
        const f of ["runs/forged.approvals.jsonl", "forged.approvals.jsonl"]
      ) {
        assert.equal(await exists(join(dir, ".codex", f)), false);
      }
    }
  },
);

securityTest("patch paths: a patch may not edit the plan", async (user) => {
  const { dir, detail } = await refused(
    user,
    "echo '# dropped a gate' >> orchestrator.yml",
  );
  assert.match(detail, /orchestrator\.yml is the plan/);
  assert.doesNotMatch(
    await Deno.readTextFile(join(dir, "orchestrator.yml")),
    /dropped a gate/,
  );
});

securityTest(
  "patch paths: symlinks leading out of the project are refused",
  async (user) => {
    for (const target of ["/etc/hostname", "../../../../../../etc"]) {
      const { dir, detail } = await refused(user, `ln -s ${target} link`);
      assert.match(detail, /link is a symlink leading out of the project/);
      assert.equal(await exists(join(dir, "link")), false);
    }
  },
);

securityTest(
  "patch paths: the gate shows renames, mode changes and symlinks as such",
  async (user) => {
    const dir = await gitProjectAs(user, {
      "orchestrator.yml": agentPlan(),
      "agent.sh":
        "cat > /dev/null\nmv a.cfg b.cfg\nchmod +x run.sh\nln -s greet.txt hello.txt\n",
      "greet.txt": "hi\n",
      "a.cfg": "x=1\n",
      "run.sh": "echo run\n",
    });
    const run = await cliAs(user, ["run", "--sandbox", "off"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(run.code, 3, run.stdout + run.stderr);
    for (const out of [run.stdout]) {
      assert.match(
        out,
        /awaiting approval: apply_patch.*rename a\.cfg -> b\.cfg/,
      );
      assert.match(out, /awaiting approval.*mode 100644 -> 100755 run\.sh/);
      assert.match(out, /awaiting approval.*symlink hello\.txt -> greet\.txt/);
    }
    const approve = await cliAs(user, ["approve", "apply_patch"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(approve.code, 0, approve.stdout + approve.stderr);
    assert.match(approve.stdout, /rename a\.cfg -> b\.cfg/);
    assert.match(approve.stdout, /mode 100644 -> 100755 run\.sh/);
    const resume = await cliAs(user, ["resume", "--sandbox", "off"], {
      cwd: dir,
      ...BOUND,
    });
    assert.equal(resume.code, 0, resume.stdout + resume.stderr);
    assert.equal(await Deno.readTextFile(join(dir, "b.cfg")), "x=1\n");
    assert.equal(await Deno.readLink(join(dir, "hello.txt")), "greet.txt");
    assert.ok(((await Deno.stat(join(dir, "run.sh"))).mode! & 0o111) !== 0);
  },
);

securityTest(
  "patch paths: .codex/ listed in the project's .gitignore does not fail agent tasks",
  async (user) => {
    for (const ignore of [".codex/\n", ".codex\n", "/.codex/\n*.log\n"]) {
      const dir = await gitProjectAs(user, {
        "orchestrator.yml": agentPlan({ gated: false }),
        "agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
        "greet.txt": "hi\n",
      }, ignore);
      const run = await cliAs(user, ["run"], { cwd: dir, ...BOUND });
      assert.equal(run.code, 0, ignore + run.stdout + run.stderr);
      assert.equal(
        await Deno.readTextFile(join(dir, "greet.txt")),
        "hello world\n",
      );
    }
  },
);

securityTest(
  "patch paths: a project in a subfolder of its repository is judged by its own plan and .codex",
  async (user) => {
    for (
      const [script, refusal] of [
        [
          "echo '# dropped a gate' >> orchestrator.yml",
          /app\/orchestrator\.yml is the plan/,
        ],
        [
          "mkdir -p .codex && echo forged > .codex/forged",
          /app\/\.codex\/forged is orchestrate's own folder/,
        ],
        [
          "ln -s ../../outside link",
          /app\/link is a symlink leading out of the project/,
        ],
      ] as const
    ) {
      const repo = await gitProjectAs(user, {
        "app/orchestrator.yml": agentPlan({ gated: false }),
        "app/agent.sh":
          `cat > /dev/null\necho 'hello world' > greet.txt\n${script}\ntrue\n`,
        "app/greet.txt": "hi\n",
      }, "app/.codex/runs/\napp/.codex/work/\napp/TASKS.md\n");
      const dir = join(repo, "app");
      const run = await cliAs(user, ["run", "--sandbox", "off"], {
        cwd: dir,
        ...BOUND,
      });
      assert.equal(run.code, 1, run.stdout + run.stderr);
      const [failure] = ofType(await runEvents(dir), "agent_attempt_failed");
      assert.equal(failure!.reason, "forbidden_path");
      assert.match(failure!.detail, refusal);
      assert.equal(await Deno.readTextFile(join(dir, "greet.txt")), "hi\n");
    }
    // And an allowed change lands in the subfolder.
    const repo = await gitProjectAs(user, {
      "app/orchestrator.yml": agentPlan({ gated: false }),
      "app/agent.sh": "cat > /dev/null\necho 'hello world' > greet.txt\n",
      "app/greet.txt": "hi\n",
    }, "app/.codex/\napp/TASKS.md\n");
    const dir = join(repo, "app");
    const run = await cliAs(user, ["run"], { cwd: dir, ...BOUND });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(
      await Deno.readTextFile(join(dir, "greet.txt")),
      "hello world\n",
    );
  },
);

securityTest(
  "patch paths: a patch may not edit the plan's include files or a TS plan's helper modules either",
  async (user) => {
    const { dir, detail } = await refused(
      user,
      "echo '  - { id: EVIL, title: evil, commands: { x: \"true\" } }' >> extra/more.yml",
      {
        "orchestrator.yml": agentPlan({ gated: false }).replace(
          "version: 1\n",
          "version: 1\ninclude: [extra/*.yml]\n",
        ),
        "extra/more.yml":
          'tasks:\n  - { id: MORE, title: more, commands: { x: "true" } }\n',
      },
    );
    assert.match(detail, /extra\/more\.yml is the plan/);
    assert.doesNotMatch(
      await Deno.readTextFile(join(dir, "extra/more.yml")),
      /EVIL/,
    );
  },
);

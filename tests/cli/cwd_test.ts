import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, exists, tempProject } from "../_cli.ts";

const PLAN = `version: 1
project: { name: elsewhere }
tasks:
  - id: MARK
    title: Leave a mark where commands run
    commands: { mark: "echo here > mark.txt" }
    acceptance: ["File exists: mark.txt"]
`;

/** A project (with a .git boundary) and an unrelated folder to start from. */
async function withTwoFolders(
  test: (project: string, away: string) => Promise<void>,
): Promise<void> {
  const project = await tempProject({
    "orchestrator.yml": PLAN,
    ".git/HEAD": "",
    "src/keep.txt": "",
  });
  const away = await tempProject({ ".git/HEAD": "" });
  try {
    await test(project, away);
  } finally {
    await Deno.remove(project, { recursive: true });
    await Deno.remove(away, { recursive: true });
  }
}

Deno.test("-C DIR before the command: plan validate, run and status act on DIR's project", async () => {
  await withTwoFolders(async (project, away) => {
    const v = await cli(["-C", project, "plan", "validate"], { cwd: away });
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /^orchestrator\.yml: valid plan "elsewhere"/);
    const r = await cli(["-C", project, "run"], { cwd: away });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.ok(await exists(join(project, "mark.txt")));
    assert.ok(await exists(join(project, "TASKS.md")));
    assert.deepEqual(
      [...Deno.readDirSync(away)].map((e) => e.name),
      [".git"],
      "nothing written where the command was started",
    );
    const s = await cli(["--cwd", project, "status"], { cwd: away });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /MARK\s+completed/);
  });
});

Deno.test("-C/--cwd among a command's flags, and relative to the folder before it", async () => {
  await withTwoFolders(async (project, away) => {
    const v = await cli(["plan", "validate", "-C", project], { cwd: away });
    assert.equal(v.code, 0, v.stderr);
    const s = await cli(["status", `--cwd=${project}`, "--json"], {
      cwd: away,
    });
    assert.equal(s.code, 1, s.stderr); // no run yet
    assert.equal(JSON.parse(s.stdout).tasks[0].id, "MARK");
    // -C src, inside the project: the plan is found above it.
    const inner = await cli(["-C", project, "-C", "src", "run", "--dry-run"], {
      cwd: away,
    });
    assert.equal(inner.code, 0, inner.stderr);
    assert.equal(inner.stderr, "using ../orchestrator.yml\n");
    assert.match(inner.stdout, /\$ echo here > mark\.txt/);
    // --file is read from the folder -C names.
    const file = await cli(
      ["run", "-C", project, "--dry-run", "--file", "orchestrator.yml"],
      { cwd: away },
    );
    assert.equal(file.code, 0, file.stderr);
  });
});

Deno.test("-C with a missing folder, a file or no value is a usage error (exit 2) and runs nothing", async () => {
  await withTwoFolders(async (project, away) => {
    const missing = await cli(["-C", "missing", "run"], { cwd: project });
    assert.equal(missing.code, 2);
    assert.equal(
      missing.stderr,
      'error: Cannot change to "missing" (-C): no such folder\n',
    );
    const leaf = await cli(["run", "--cwd", "missing"], { cwd: project });
    assert.equal(leaf.code, 2);
    assert.match(leaf.stderr, /^error: Cannot change to "missing" \(-C\)/);
    const file = await cli(["-C", "orchestrator.yml", "status"], {
      cwd: project,
    });
    assert.equal(file.code, 2);
    assert.match(file.stderr, /"orchestrator\.yml" \(-C\): not a folder/);
    const bare = await cli(["-C"], { cwd: away });
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^error: Option "-C" needs a folder: -C DIR/);
    assert.equal(await exists(join(project, ".codex")), false);
  });
});

Deno.test("-C on init writes the plan in that folder", async () => {
  await withTwoFolders(async (_project, away) => {
    const target = join(away, "new");
    await Deno.mkdir(target);
    const r = await cli(["-C", "new", "init"], { cwd: away });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await exists(join(target, "orchestrator.yml")));
    assert.equal(await exists(join(away, "orchestrator.yml")), false);
  });
});

Deno.test("help lists -C/--cwd at the top and on every command", async () => {
  const away = await tempProject();
  try {
    for (const args of [["--help"], ["run", "--help"], ["init", "-h"]]) {
      const r = await cli(args, { cwd: away });
      assert.equal(r.code, 0);
      assert.match(
        r.stdout,
        /^\s+-C, --cwd <DIR>\s+Run as if started in DIR$/m,
      );
    }
  } finally {
    await Deno.remove(away, { recursive: true });
  }
});

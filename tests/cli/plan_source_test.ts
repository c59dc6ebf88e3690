import assert from "node:assert/strict";
import { join } from "node:path";
import { MAX_SHOWN } from "../../src/cli/plan_source.ts";
import { cli, exists, tempProject } from "../_cli.ts";

Deno.test("plan validate: past MAX_SHOWN diagnostics only the first are printed, and the total is said", async () => {
  const tasks = Array.from(
    { length: MAX_SHOWN + 50 },
    (_, i) => `  - { id: T${i}, title: t, dependencies: [NOPE${i}] }`,
  );
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1\ntasks:\n${tasks.join("\n")}\n`,
  });
  const r = await cli(["plan", "validate"], { cwd });
  assert.equal(r.code, 2);
  const lines = r.stderr.split("\n").filter((l) =>
    /^orchestrator\.yml:\d+:\d+: /.test(l)
  );
  assert.equal(lines.length, MAX_SHOWN);
  assert.match(
    r.stderr,
    new RegExp(
      `${
        MAX_SHOWN + 50
      } errors in orchestrator\\.yml \\(the first ${MAX_SHOWN} shown\\)`,
    ),
  );
});

// A task that leaves a mark in the folder it runs in, and checks it there.
const MARKING_PLAN = `version: 1
project: { name: walked }
tasks:
  - id: MARK
    title: Leave a mark where commands run
    commands: { mark: "echo here > mark.txt" }
    acceptance: ["File exists: mark.txt"]
`;

async function withProject(
  files: Record<string, string>,
  test: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await tempProject(files);
  try {
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("discovery: run from a nested subfolder uses the plan above, says so, and runs at the project root", async () => {
  await withProject({
    "orchestrator.yml": MARKING_PLAN,
    ".git/HEAD": "ref: refs/heads/main\n",
    "src/deep/code.txt": "",
  }, async (root) => {
    const deep = join(root, "src", "deep");
    const r = await cli(["run"], { cwd: deep });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.equal(r.stderr.split("\n")[0], "using ../../orchestrator.yml");
    assert.ok(await exists(join(root, "mark.txt")), "commands run at the root");
    assert.ok(await exists(join(root, "TASKS.md")), "TASKS.md at the root");
    assert.ok(
      await exists(join(root, ".codex", "runs")),
      ".codex/ at the root",
    );
    for (const stray of ["mark.txt", "TASKS.md", ".codex"]) {
      assert.equal(await exists(join(deep, stray)), false, stray);
    }
    const status = await cli(["status"], { cwd: deep });
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /MARK\s+completed/);
    // From the plan's own folder, nothing is said about which plan.
    const here = await cli(["plan", "validate"], { cwd: root });
    assert.equal(here.code, 0, here.stderr);
    assert.equal(here.stderr, "");
  });
});

Deno.test("discovery: the nearest plan wins, and diagnostics name it by its path from here", async () => {
  await withProject({
    "orchestrator.yml": MARKING_PLAN,
    "sub/orchestrator.json": '{"version": 1, "tasks": [{"id": "A"}]}',
    "sub/inner/keep.txt": "",
  }, async (root) => {
    const r = await cli(["plan", "validate"], {
      cwd: join(root, "sub", "inner"),
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^using \.\.\/orchestrator\.json$/m);
    assert.match(r.stderr, /^\.\.\/orchestrator\.json:1:\d+: /m);
  });
});

Deno.test("discovery: a .git folder or file is the boundary; a plan above it is not used", async () => {
  for (const marker of [".git/HEAD", ".git"]) { // a repository, a worktree
    await withProject({
      "orchestrator.yml": MARKING_PLAN,
      [`repo/${marker}`]: marker === ".git" ? "gitdir: /elsewhere\n" : "",
      "repo/src/keep.txt": "",
    }, async (outer) => {
      const r = await cli(["plan", "validate"], {
        cwd: join(outer, "repo", "src"),
      });
      assert.equal(r.code, 2, marker);
      assert.match(
        r.stderr,
        /^error: No plan found: expected orchestrator\.yml, orchestrator\.ts, orchestrator\.json here or in a folder above, up to .*repo \(the top of the git repository\); run "orchestrate init" to start one/,
      );
      assert.doesNotMatch(r.stderr, /using/);
    });
  }
});

Deno.test("discovery: the boundary folder itself is searched", async () => {
  await withProject({
    "orchestrator.ts":
      `export default { version: 1, project: { name: "top" }, tasks: [] };\n`,
    ".git/HEAD": "",
    "a/b/c/keep.txt": "",
  }, async (root) => {
    const r = await cli(["plan", "validate"], {
      cwd: join(root, "a", "b", "c"),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "using ../../../orchestrator.ts\n");
    assert.match(
      r.stdout,
      /^\.\.\/\.\.\/\.\.\/orchestrator\.ts: valid plan "top"/,
    );
  });
});

Deno.test("discovery: --file is taken as given, from the working folder, without walking up", async () => {
  await withProject({
    "orchestrator.yml": MARKING_PLAN,
    "sub/keep.txt": "",
  }, async (root) => {
    const r = await cli(["plan", "validate", "--file", "orchestrator.yml"], {
      cwd: join(root, "sub"),
    });
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^orchestrator\.yml:1:1: Cannot read plan: no such file/m,
    );
  });
});

Deno.test("discovery: a folder named orchestrator.yml is reported as what it is, not as no plan", async () => {
  const dir = await tempProject({});
  await Deno.mkdir(join(dir, "orchestrator.yml"));
  const r = await cli(["plan", "validate"], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.doesNotMatch(r.stderr, /No plan found/);
  assert.match(r.stderr, /orchestrator\.yml/);
  assert.match(r.stderr, /folder|directory/i);
});

Deno.test("discovery: with orchestrator.yml and orchestrator.ts (and .json) side by side, one line says which is used; --file says nothing", async () => {
  const ts =
    'import { definePlan } from "orchestrate";\nexport default definePlan({ version: 1, tasks: [] });\n';
  await withProject({
    "orchestrator.yml": MARKING_PLAN,
    "orchestrator.ts": ts,
  }, async (root) => {
    const r = await cli(["plan", "validate"], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stderr,
      "using orchestrator.yml, not orchestrator.ts beside it (pass --file to choose)\n",
    );
    assert.match(r.stdout, /^orchestrator\.yml: valid plan /);
    await Deno.writeTextFile(join(root, "orchestrator.json"), "{}");
    await Deno.mkdir(join(root, "sub"));
    const below = await cli(["status"], { cwd: join(root, "sub") });
    assert.equal(
      below.stderr.split("\n")[0],
      "using ../orchestrator.yml, not orchestrator.ts and orchestrator.json beside it (pass --file to choose)",
    );
    const chosen = await cli(
      ["plan", "validate", "--file", "orchestrator.ts"],
      {
        cwd: root,
      },
    );
    assert.equal(chosen.code, 0, chosen.stderr);
    assert.equal(chosen.stderr, "");
  });
});

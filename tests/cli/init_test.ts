import assert from "node:assert/strict";
import { basename, join } from "node:path";
import {
  cli,
  exists,
  FIFO_BOUND_MS,
  mkfifo,
  repoPath,
  tempProject,
} from "../_cli.ts";

const read = (dir: string, path: string) => Deno.readTextFile(join(dir, path));

Deno.test("init: writes orchestrator.yml pointing at .codex/orchestrator.schema.json, and it validates", async () => {
  const cwd = await tempProject();
  const r = await cli(["init"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const plan = await read(cwd, "orchestrator.yml");
  assert.equal(
    plan.split("\n")[0],
    "# yaml-language-server: $schema=./.codex/orchestrator.schema.json",
  );
  assert.deepEqual(
    JSON.parse(await read(cwd, ".codex/orchestrator.schema.json")),
    JSON.parse(
      await Deno.readTextFile(repoPath("schema/orchestrator.schema.json")),
    ),
  );
  const v = await cli(["plan", "validate"], { cwd });
  assert.equal(v.code, 0, v.stderr);
  assert.equal(
    v.stdout,
    `orchestrator.yml: valid plan "${basename(cwd)}" — 1 task, 0 shards\n`,
  );
});

Deno.test("init --ts: writes orchestrator.ts and the DSL; it validates and passes deno check offline", async () => {
  const cwd = await tempProject();
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  for (const file of ["orchestrator.ts", ".codex/orchestrate.ts"]) {
    const text = await read(cwd, file);
    assert.doesNotMatch(
      text,
      /from\s+["'](npm:|jsr:|https?:)/,
      `${file} must work offline`,
    );
  }
  const v = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
  });
  assert.equal(v.code, 0, v.stderr);
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-remote", "--no-npm", "orchestrator.ts"],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
});

Deno.test("init and init --ts describe the same starter plan (identical IR)", async () => {
  const cwd = await tempProject();
  assert.equal((await cli(["init"], { cwd })).code, 0);
  assert.equal((await cli(["init", "--ts", "--force"], { cwd })).code, 0);
  const yaml = await cli(["plan", "compile", "--file", "orchestrator.yml"], {
    cwd,
  });
  const ts = await cli(["plan", "compile", "--file", "orchestrator.ts"], {
    cwd,
  });
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.equal(ts.stdout, yaml.stdout);
});

Deno.test("init: never overwrites without --force; --force does", async () => {
  for (
    const [args, file] of [[["init"], "orchestrator.yml"], [
      ["init", "--ts"],
      "orchestrator.ts",
    ]] as const
  ) {
    const cwd = await tempProject({ [file]: "# mine\n" });
    const r = await cli([...args], { cwd });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(
      r.stderr,
      new RegExp(
        `^error: ${file.replace(".", "\\.")} already exists; use --force`,
      ),
    );
    assert.equal(await read(cwd, file), "# mine\n");
    const forced = await cli([...args, "--force"], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(await read(cwd, file), "# mine\n");
  }
});

Deno.test("init: refuses to add a second plan beside an existing one (it would shadow it)", async () => {
  const cwd = await tempProject({ "orchestrator.json": '{"version": 1}' });
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /orchestrator\.json already exists \(a plan is already here\)/,
  );
  await assert.rejects(() => Deno.stat(join(cwd, "orchestrator.ts")));
});

// ---- init knows the project ------------------------------------------------

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

interface Ir {
  project: {
    name: string;
    language?: string;
    build: { name: string; run: string }[];
  };
  tasks: {
    id: string;
    commands: { name: string; run: string }[];
    acceptance: unknown[];
  }[];
}

/** `init` (or `init --ts`), then the plan as compiled: asserting both succeed. */
async function initAndCompile(cwd: string, args: string[] = []): Promise<Ir> {
  const init = await cli(["init", ...args], { cwd });
  assert.equal(init.code, 0, init.stderr);
  const file = args.includes("--ts") ? "orchestrator.ts" : "orchestrator.yml";
  const v = await cli(["plan", "validate", "--file", file], { cwd });
  assert.equal(v.code, 0, v.stderr);
  const c = await cli(["plan", "compile", "--file", file], { cwd });
  assert.equal(c.code, 0, c.stderr);
  return JSON.parse(c.stdout);
}

const buildOf = (ir: Ir) =>
  Object.fromEntries(ir.project.build.map((c) => [c.name, c.run]));
const commandsOf = (ir: Ir, id: string) =>
  ir.tasks.find((t) => t.id === id)?.commands.map((c) => c.run);

async function dryRun(cwd: string): Promise<string> {
  const r = await cli(["run", "--dry-run"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
}

function onPath(program: string): boolean {
  return (Deno.env.get("PATH") ?? "").split(":").some((dir) => {
    try {
      return Deno.statSync(join(dir, program)).isFile;
    } catch {
      return false;
    }
  });
}

Deno.test("init: an npm project gets its name, language, package manager and scripts; the README is found as readme.md", async () => {
  await withProject({
    "package.json": JSON.stringify({
      name: "my-lib",
      scripts: { lint: "eslint .", test: "vitest run", build: "tsc" },
      devDependencies: { typescript: "5.0.0" },
    }),
    "yarn.lock": "",
    "readme.md": "# my-lib\n",
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(ir.project.name, "my-lib");
    assert.equal(ir.project.language, "typescript");
    assert.deepEqual(buildOf(ir), {
      lint: "yarn run lint",
      test: "yarn run test",
      build: "yarn run build",
    });
    assert.deepEqual(ir.tasks.map((t) => t.id), [
      "SETUP-001",
      "DOCS-001",
      "TEST-001",
    ]);
    assert.deepEqual(ir.tasks[1]!.acceptance, [
      { kind: "file_exists", path: "readme.md" },
    ]);
    assert.deepEqual(commandsOf(ir, "TEST-001"), [
      "yarn run lint",
      "yarn run test",
    ]);
    const plan = await dryRun(cwd);
    assert.match(plan, /\$ yarn run lint\s+\[lint\]/);
    assert.match(plan, /\$ yarn run test\s+\[test\]/);
    assert.match(plan, /check File exists: readme\.md/);
    // The TypeScript starter is the same plan.
    const ts = await initAndCompile(cwd, ["--ts", "--force"]);
    assert.deepEqual(ts, ir);
  });
});

Deno.test("init: npm's placeholder test script is no test, and no starter task runs it", async () => {
  await withProject({
    "package.json": JSON.stringify({
      name: "fresh",
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
    }),
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(ir.project.language, "javascript");
    assert.deepEqual(ir.project.build, []);
    assert.deepEqual(ir.tasks.map((t) => t.id), ["SETUP-001"]);
    const run = await cli(["run"], { cwd });
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });
});

Deno.test({
  name:
    "init: the starter plan of an npm project runs and passes (npm run lint, npm run test)",
  ignore: !onPath("npm") || !onPath("node"),
  async fn() {
    await withProject({
      "package.json": JSON.stringify({
        name: "runs",
        scripts: { lint: "node -e 0", test: "node -e 0" },
      }),
      "README.md": "# runs\n",
    }, async (cwd) => {
      const ir = await initAndCompile(cwd);
      assert.deepEqual(commandsOf(ir, "TEST-001"), [
        "npm run lint",
        "npm run test",
      ]);
      const r = await cli(["run"], { cwd });
      assert.equal(r.code, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /done: 3 completed/);
    });
  },
});

Deno.test("init: a Deno project: deno.jsonc tasks (with comments) become deno task commands", async () => {
  await withProject({
    "deno.jsonc":
      '{\n  // my project\n  "name": "@me/dino",\n  "tasks": { "test": "deno test -A", "lint": "deno lint", },\n}\n',
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(ir.project.name, "@me/dino");
    assert.deepEqual(buildOf(ir), {
      lint: "deno task lint",
      test: "deno task test",
    });
    assert.match(await dryRun(cwd), /\$ deno task test\s+\[test\]/);
  });
});

Deno.test("init: a Deno project without tasks: deno lint and deno test; the starter runs deno test (there is a test) and passes", async () => {
  await withProject({
    "deno.json": "{}",
    "src/math_test.ts":
      'Deno.test("adds", () => {\n  if (1 + 1 !== 2) throw new Error("no");\n});\n',
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.deepEqual(buildOf(ir), { lint: "deno lint", test: "deno test" });
    // A guessed lint may fail on the project as it is: only the test runs.
    assert.deepEqual(commandsOf(ir, "TEST-001"), ["deno test"]);
    const r = await cli(["run"], { cwd });
    assert.equal(r.code, 0, r.stderr + r.stdout);
  });
  // No test file: `deno test` would fail, so no starter task runs it.
  await withProject({ "deno.json": "{}" }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(buildOf(ir).test, "deno test");
    assert.equal(commandsOf(ir, "TEST-001"), undefined);
  });
});

Deno.test("init: a Cargo project: crate name, rust, cargo clippy/test/build (a release build is not every task's build)", async () => {
  await withProject({
    "Cargo.toml":
      '[package]\nname = "crab" # the crate\nversion = "0.1.0"\n\n[dependencies]\nname = "not-this"\n',
    "src/main.rs": "fn main() {}\n",
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(ir.project.name, "crab");
    assert.equal(ir.project.language, "rust");
    assert.deepEqual(buildOf(ir), {
      lint: "cargo clippy",
      test: "cargo test",
      build: "cargo build",
    });
    assert.deepEqual(commandsOf(ir, "TEST-001"), ["cargo test"]);
    assert.match(await dryRun(cwd), /\$ cargo test\s+\[test\]/);
  });
});

Deno.test("init: a Python project: name from pyproject.toml, pytest through the python on PATH, run only when there are tests", async () => {
  const bin = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(bin, "python3"), "#!/bin/sh\n");
    const env = { PATH: bin }; // python3, no python
    await withProject({
      "pyproject.toml": '[project]\nname = "snake"\n',
      "tests/test_app.py": "def test_ok():\n    assert True\n",
    }, async (cwd) => {
      const init = await cli(["init"], { cwd, env });
      assert.equal(init.code, 0, init.stderr);
      const ir: Ir = JSON.parse(
        (await cli(["plan", "compile"], { cwd })).stdout,
      );
      assert.equal(ir.project.name, "snake");
      assert.equal(ir.project.language, "python");
      assert.deepEqual(buildOf(ir), { test: "python3 -m pytest" });
      assert.deepEqual(commandsOf(ir, "TEST-001"), ["python3 -m pytest"]);
      assert.match(await dryRun(cwd), /\$ python3 -m pytest\s+\[test\]/);
    });
    // pytest exits 5 when it finds no test: no starter task runs it then.
    await withProject({
      "pyproject.toml": '[tool.poetry]\nname = "poem"\n',
    }, async (cwd) => {
      const ir = await initAndCompile(cwd);
      assert.equal(ir.project.name, "poem");
      assert.ok(buildOf(ir).test?.endsWith("pytest"));
      assert.equal(commandsOf(ir, "TEST-001"), undefined);
    });
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("init: a src-layout Python package gets PYTHONPATH=src for its tests, and init says why; a pytest config that sets pythonpath keeps the plain command", async () => {
  const bin = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(bin, "python3"), "#!/bin/sh\n");
    const env = { PATH: bin };
    await withProject({
      "pyproject.toml": '[project]\nname = "snake"\n',
      "src/snake/__init__.py": "",
      "tests/test_app.py": "def test_ok():\n    assert True\n",
    }, async (cwd) => {
      const init = await cli(["init"], { cwd, env });
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /src layout: .*PYTHONPATH=src.*installed copy/);
      const ir: Ir = JSON.parse(
        (await cli(["plan", "compile"], { cwd })).stdout,
      );
      assert.deepEqual(buildOf(ir), {
        test: "PYTHONPATH=src python3 -m pytest",
      });
    });
    await withProject({
      "pyproject.toml":
        '[project]\nname = "snake"\n[tool.pytest.ini_options]\npythonpath = ["src"]\n',
      "src/snake/__init__.py": "",
      "tests/test_app.py": "def test_ok():\n    assert True\n",
    }, async (cwd) => {
      const init = await cli(["init"], { cwd, env });
      assert.equal(init.code, 0, init.stderr);
      const ir: Ir = JSON.parse(
        (await cli(["plan", "compile"], { cwd })).stdout,
      );
      assert.deepEqual(buildOf(ir), { test: "python3 -m pytest" });
    });
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

Deno.test("init: go.mod and a Makefile: the project's own make targets win over a tool's conventions", async () => {
  await withProject({
    "go.mod": "module example.com/gopher/v2\n\ngo 1.22\n",
    "Makefile": "GO := go\nall: bin\n\ntest:\n\t$(GO) test ./...\n",
  }, async (cwd) => {
    const ir = await initAndCompile(cwd);
    assert.equal(ir.project.name, "gopher");
    assert.equal(ir.project.language, "go");
    assert.deepEqual(buildOf(ir), {
      lint: "go vet ./...",
      test: "make test",
      build: "make all",
    });
  });
});

Deno.test("init: .gitignore gets orchestrate's run files once, and init says what to commit", async () => {
  await withProject({ ".gitignore": "node_modules/" }, async (cwd) => {
    const r = await cli(["init"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Added to \.gitignore: \.codex\/runs\/ /m);
    assert.match(
      r.stdout,
      /^Commit: orchestrator\.yml, \.codex\/orchestrator\.schema\.json, \.gitignore$/m,
    );
    const once = await read(cwd, ".gitignore");
    assert.equal(
      once,
      "node_modules/\n\n# orchestrate: run logs, locks and caches (not for commit)\n" +
        ".codex/runs/\n.codex/work/\n.codex/cache/\n.codex/index.json\n.codex/lock\n" +
        ".codex/lock.takeover\n.codex/TASKS.md\n.codex/.*.tmp\n/TASKS.md\n",
    );
    assert.match(
      r.stdout,
      /^Not committed: TASKS\.md, the dashboard every run rebuilds .*remove \/TASKS\.md from \.gitignore to commit it\)$/m,
    );
    const again = await cli(["init", "--ts", "--force"], { cwd });
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /\.gitignore:/);
    assert.match(
      again.stdout,
      /^Commit: orchestrator\.ts, \.codex\/orchestrate\.ts, deno\.json, \.gitignore$/m,
    );
    assert.equal(await read(cwd, ".gitignore"), once);
  });
  await withProject({}, async (cwd) => {
    const r = await cli(["init"], { cwd });
    assert.match(r.stdout, /^Created \.gitignore: /m);
    assert.match(
      await read(cwd, ".gitignore"),
      /^# orchestrate: .*\n\.codex\/runs\/\n/,
    );
    // The starter plan passes as it is: its one task checks that block.
    const run = await cli(["run"], { cwd });
    assert.equal(run.code, 0, run.stderr + run.stdout);
  });
});

Deno.test("init: a broken manifest is a warning, not a failure", async () => {
  await withProject({ "package.json": "{ broken" }, async (cwd) => {
    const r = await cli(["init"], { cwd });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: Cannot read package\.json: .*; skipped$/m,
    );
    const v = await cli(["plan", "validate"], { cwd });
    assert.equal(v.code, 0, v.stderr);
  });
});

Deno.test("init: a manifest that is a FIFO or a symlink loop is skipped with a warning, never waited on; the plan is written", async () => {
  for (
    const make of [
      (dir: string) => mkfifo(join(dir, "package.json")),
      (dir: string) =>
        Deno.symlink(join(dir, "Cargo.toml"), join(dir, "Cargo.toml")),
    ]
  ) {
    const cwd = await tempProject();
    await make(cwd);
    const r = await cli(["init"], { cwd, killAfterMs: FIFO_BOUND_MS });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: Cannot read (package\.json|Cargo\.toml): .+; skipped$/m,
    );
    assert.ok(await exists(join(cwd, "orchestrator.yml")));
    const v = await cli(["plan", "validate"], { cwd });
    assert.equal(v.code, 0, v.stderr);
  }
});

Deno.test("init: a .gitignore init cannot edit (a folder, a FIFO) is a warning naming the lines to add; the plan is still written", async () => {
  for (
    const make of [
      (dir: string) => Deno.mkdir(join(dir, ".gitignore")),
      (dir: string) => mkfifo(join(dir, ".gitignore")),
    ]
  ) {
    const cwd = await tempProject();
    await make(cwd);
    const r = await cli(["init"], { cwd, killAfterMs: FIFO_BOUND_MS });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /^warning: Cannot update \.gitignore: .+; add these lines to it yourself: \.codex\/runs\/ /m,
    );
    assert.ok(await exists(join(cwd, "orchestrator.yml")));
  }
});

Deno.test("init: a FIFO where init would write (the schema copy, the DSL copy) is refused before anything is written, exit 74", async () => {
  for (
    const [args, fifo] of [
      [["init"], ".codex/orchestrator.schema.json"],
      [["init", "--ts"], ".codex/orchestrate.ts"],
      [["init", "--ts", "--update"], ".codex/orchestrate.ts"],
    ] as const
  ) {
    const cwd = await tempProject({ "deno.json": "{}\n" });
    await Deno.mkdir(join(cwd, ".codex"));
    await mkfifo(join(cwd, fifo));
    const r = await cli([...args], { cwd, killAfterMs: FIFO_BOUND_MS });
    assert.equal(r.code, 74, r.stderr);
    assert.equal(
      r.stderr,
      `error: Not a regular file (a pipe, socket or device): '${fifo}'\n`,
    );
    assert.equal(await read(cwd, "deno.json"), "{}\n", args.join(" "));
    for (const plan of ["orchestrator.yml", "orchestrator.ts"]) {
      assert.ok(!await exists(join(cwd, plan)), `${args.join(" ")}: ${plan}`);
    }
  }
});

Deno.test("init: in a subfolder of a project that has a plan, init refuses and names the plan above; --force writes a separate one", async () => {
  await withProject({
    "orchestrator.yml": "version: 1\ntasks: []\n",
    "pkg/a/README.md": "# a\n",
  }, async (dir) => {
    const cwd = join(dir, "pkg", "a");
    const r = await cli(["init"], { cwd });
    assert.equal(r.code, 2, r.stdout);
    assert.match(
      r.stderr,
      /This folder is already in the project of \.\.\/\.\.\/orchestrator\.yml: orchestrate commands run here use that plan/,
    );
    assert.equal(await exists(join(cwd, "orchestrator.yml")), false);
    const ts = await cli(["init", "--ts"], { cwd });
    assert.equal(ts.code, 2);
    assert.equal(await exists(join(cwd, "orchestrator.ts")), false);
    const forced = await cli(["init", "--force"], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await exists(join(cwd, "orchestrator.yml")), true);
  });
});

Deno.test("init: after a run, git status shows none of orchestrate's own files (logs, dashboard, index, work areas)", async () => {
  await withProject({ "README.md": "# p\n" }, async (cwd) => {
    const git = (...args: string[]) =>
      new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" })
        .output();
    await git("init", "-q");
    assert.equal((await cli(["init"], { cwd })).code, 0);
    const run = await cli(["run"], { cwd });
    assert.equal(run.code, 0, run.stderr + run.stdout);
    assert.ok(await exists(join(cwd, "TASKS.md")));
    await Deno.mkdir(join(cwd, ".codex", "work", "r1"), { recursive: true });
    await Deno.writeTextFile(join(cwd, ".codex", "work", "r1", "f"), "x");
    await Deno.writeTextFile(join(cwd, ".codex", "index.json"), "{}");
    const status = new TextDecoder().decode(
      (await git("status", "--porcelain", "--untracked-files=all")).stdout,
    );
    assert.deepEqual(status.trim().split("\n").map((l) => l.slice(3)).sort(), [
      ".codex/orchestrator.schema.json",
      ".gitignore",
      "README.md",
      "orchestrator.yml",
    ]);
  });
});

/**
 * `plan validate` on the corpus of invalid plans in tests/fixtures/invalid:
 * each fixture must fail with exit code 2, without an internal error or a
 * stack trace, and print exactly the diagnostics of its `.expected` file.
 * `UPDATE_EXPECTED=1 deno task test tests/cli/plan_validate_test.ts`
 * rewrites the expected files; review every change before committing it.
 *
 * Also: the examples and the README's plans validate.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, type CliResult, repoPath, tempProject } from "../_cli.ts";

const CORPUS = repoPath("tests/fixtures/invalid");
const DIAGNOSTIC = /^\S+:\d+:\d+: /;
const UPDATE = Deno.env.get("UPDATE_EXPECTED") === "1";
/** CLI runs in flight at once: the corpus is large, each run is a process. */
const PARALLEL = Math.min(4, Math.max(2, navigator.hardwareConcurrency));

interface Fixture {
  name: string;
  cwd: string;
  file: string;
  expected: string;
}

function corpus(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const entry of Deno.readDirSync(CORPUS)) {
    const m = /^(\d\d-[a-z0-9-]+)(\.(yml|json|ts))?$/.exec(entry.name);
    if (!m || entry.isDirectory !== (m[2] === undefined)) continue;
    const expected = join(CORPUS, `${m[1]}.expected`);
    if (entry.isFile) {
      fixtures.push({
        name: entry.name,
        cwd: CORPUS,
        file: entry.name,
        expected,
      });
      continue;
    }
    const dir = join(CORPUS, entry.name);
    const file = ["orchestrator.yml", "orchestrator.ts", "orchestrator.json"]
      .find((f) => exists(join(dir, f)));
    assert.ok(file, `${entry.name}/ holds no orchestrator.{yml,ts,json}`);
    fixtures.push({ name: `${entry.name}/`, cwd: dir, file, expected });
  }
  return fixtures.sort((a, b) => a.name.localeCompare(b.name));
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const fixtures = corpus();

/** Runs every fixture through the CLI, `PARALLEL` at a time, once. */
let runs: Map<string, Promise<CliResult>> | undefined;
function resultOf(fixture: Fixture): Promise<CliResult> {
  if (!runs) {
    runs = new Map();
    const lanes: Promise<unknown>[] = Array(PARALLEL).fill(Promise.resolve());
    fixtures.forEach((f, i) => {
      const run = lanes[i % PARALLEL]!.then(() =>
        cli(["plan", "validate", "--file", f.file], { cwd: f.cwd })
      );
      lanes[i % PARALLEL] = run.catch(() => {});
      runs!.set(f.name, run);
    });
  }
  return runs.get(fixture.name)!;
}

Deno.test("plan validate: the invalid corpus has at least 45 fixtures, each with its .expected file", () => {
  assert.ok(fixtures.length >= 45, `only ${fixtures.length} fixtures`);
  const names = new Set(fixtures.map((f) => f.expected));
  for (const entry of Deno.readDirSync(CORPUS)) {
    if (entry.name.endsWith(".expected")) {
      assert.ok(
        names.has(join(CORPUS, entry.name)),
        `${entry.name} has no fixture`,
      );
    }
  }
  if (!UPDATE) {
    for (const f of fixtures) {
      assert.ok(exists(f.expected), `${f.name} has no .expected`);
    }
  }
});

for (const fixture of fixtures) {
  Deno.test({
    name: `plan validate: ${fixture.name}`,
    // Runs are started together and finish in later tests.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const r = await resultOf(fixture);
      const output = r.stdout + r.stderr;
      assert.equal(r.code, 2, output);
      assert.doesNotMatch(output, /Internal error/);
      assert.doesNotMatch(output, /^\s+at /m, "stack trace in the output");
      const lines = r.stderr.split("\n").filter((l) => DIAGNOSTIC.test(l));
      assert.ok(lines.length > 0, output);
      const n = lines.length;
      assert.match(
        r.stderr,
        new RegExp(`\\n${n} error${n === 1 ? "" : "s"} in `),
        "the summary counts every diagnostic",
      );
      if (UPDATE) {
        await Deno.writeTextFile(fixture.expected, lines.join("\n") + "\n");
        return;
      }
      const expected = (await Deno.readTextFile(fixture.expected))
        .split("\n").filter((l) => l !== "");
      assert.deepEqual(lines, expected, output);
    },
  });
}

Deno.test("plan validate: the examples are valid plans", async () => {
  for (
    const [dir, file] of [
      ["examples/exc-001", "orchestrator.yml"],
      ["examples/minimal", "orchestrator.yml"],
      ["examples/multi", "orchestrator.yml"],
      ["examples/multi", "orchestrator.ts"],
    ]
  ) {
    const r = await cli(["plan", "validate", "--file", file!], {
      cwd: repoPath(dir!),
    });
    assert.equal(r.code, 0, `${dir}/${file}: ${r.stderr}`);
    assert.match(r.stdout, /valid plan/);
  }
});

Deno.test("plan validate: the PRD's plans (examples/exc-001, examples/minimal) load as written", async () => {
  const r = await cli(["plan", "compile"], {
    cwd: repoPath("examples/minimal"),
  });
  assert.equal(r.code, 0, r.stderr);
  const task = JSON.parse(r.stdout).tasks[0];
  assert.equal(task.id, "DOC-001");
  assert.deepEqual(task.commands, []); // `commands: {}` means none
  assert.deepEqual(task.acceptance, [{
    kind: "file_exists",
    path: "docs/orchestrator/orchestration-workflow-management-prd.md",
  }]);
});

Deno.test("plan validate: the README's YAML and TypeScript plans are valid", async () => {
  const readme = await Deno.readTextFile(repoPath("README.md"));
  const block = (lang: string) =>
    [...readme.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))]
      .map((m) => m[1]!);
  const [yaml] = block("yaml");
  const [ts] = block("ts");
  assert.ok(yaml && ts, "README has a ```yaml and a ```ts block");
  const cwd = await tempProject({
    "orchestrator.yml": yaml,
    "tasks/extra.yml": "tasks:\n  - { id: EXTRA-001, title: Extra }\n",
    "orchestrator.ts": ts,
    ".codex/orchestrate.ts": "// mapped to the built-in DSL\n",
  });
  for (const file of ["orchestrator.yml", "orchestrator.ts"]) {
    const r = await cli(["plan", "validate", "--file", file], { cwd });
    assert.equal(r.code, 0, `${file}: ${r.stderr}`);
  }
});

Deno.test("plan validate: no plan here is a usage error naming the files looked for", async () => {
  const cwd = await tempProject();
  const r = await cli(["plan", "validate"], { cwd });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /No plan found: expected orchestrator\.yml/);
  const missing = await cli(["plan", "validate", "--file", "nope.yml"], {
    cwd,
  });
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /^nope\.yml:1:1: Cannot read plan: no such file/m,
  );
});

Deno.test("plan validate: the error count names the files the errors are in", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": "version: 1\ninclude: [tasks/*.yml]\ntasks: []\n",
    "tasks/a.yml": "tasks:\n  - { id: A, titel: a }\n  - { id: B }\n",
  });
  const r = await cli(["plan", "validate"], { cwd });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\n2 errors in tasks\/a\.yml\n/);

  await Deno.writeTextFile(
    join(cwd, "orchestrator.yml"),
    "version: 1\ninclude: [tasks/*.yml]\ntasks:\n  - { id: C, title: c, typ: x }\n",
  );
  const both = await cli(["plan", "validate"], { cwd });
  assert.equal(both.code, 2);
  assert.match(
    both.stderr,
    /\n3 errors in 2 files: orchestrator\.yml \(1\), tasks\/a\.yml \(2\)\n/,
  );
});

Deno.test("plan validate: an include that leads outside the project through a symbolic link is refused where it is written", async () => {
  const elsewhere = await tempProject({
    "evil.yml":
      "tasks:\n  - { id: EVIL, title: e, commands: { x: echo pwned } }\n",
    "more/evil.yml": "tasks:\n  - { id: EVIL2, title: e }\n",
  });
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1
include:
  - tasks/*.yml
  - linked/*.yml
  - one.yml
tasks: []
`,
    "tasks/a.yml": "tasks:\n  - { id: A, title: a }\n",
    "inside/b.yml": "tasks:\n  - { id: B, title: b }\n",
  });
  await Deno.symlink(join(elsewhere, "evil.yml"), join(cwd, "tasks/evil.yml"));
  await Deno.symlink(join(elsewhere, "more"), join(cwd, "linked"));
  await Deno.symlink(join(elsewhere, "evil.yml"), join(cwd, "one.yml"));
  // A link that stays inside the project is followed.
  await Deno.symlink(join(cwd, "inside/b.yml"), join(cwd, "tasks/b.yml"));
  const real = await Deno.realPath(elsewhere);
  const r = await cli(["plan", "validate"], { cwd });
  assert.equal(r.code, 2, r.stdout);
  const lines = r.stderr.split("\n").filter((l) => DIAGNOSTIC.test(l));
  assert.deepEqual(lines, [
    `orchestrator.yml:3:5: Include "tasks/*.yml" leads outside the project root through a symbolic link: tasks/evil.yml -> ${real}/evil.yml`,
    `orchestrator.yml:4:5: Include "linked/*.yml" leads outside the project root through a symbolic link: linked -> ${real}/more`,
    `orchestrator.yml:5:5: Include "one.yml" leads outside the project root through a symbolic link: one.yml -> ${real}/evil.yml`,
  ]);

  await Deno.remove(join(cwd, "tasks/evil.yml"));
  await Deno.writeTextFile(
    join(cwd, "orchestrator.yml"),
    "version: 1\ninclude: [tasks/*.yml]\ntasks: []\n",
  );
  const ok = await cli(["plan", "compile"], { cwd });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(
    JSON.parse(ok.stdout).tasks.map((t: { id: string }) => t.id),
    ["A", "B"],
  );
});

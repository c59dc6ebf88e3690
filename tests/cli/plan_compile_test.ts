import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };
import { fastHash } from "../../src/plan/fast_hash.ts";
import { cli, repoPath, tempProject } from "../_cli.ts";

Deno.test("plan compile: YAML (with includes) and TS versions of examples/multi give byte-identical IR", async () => {
  const cwd = repoPath("examples/multi");
  const yaml = await cli(["plan", "compile", "--file", "orchestrator.yml"], {
    cwd,
  });
  const ts = await cli(["plan", "compile", "--file", "orchestrator.ts"], {
    cwd,
  });
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.equal(ts.code, 0, ts.stderr);
  assert.equal(ts.stdout, yaml.stdout);
  const ir = JSON.parse(yaml.stdout);
  assert.deepEqual(ir.tasks.map((t: { id: string }) => t.id), [
    "CORE-001",
    "TEST-001",
    "DOC-001",
    "REL-001",
  ]);
  // Derived facts, computed once in normalize, identical from both sources.
  assert.deepEqual(
    ir.tasks.map((t: { gates: string[] }) => t.gates),
    [[], [], [], ["deploy"]],
  );
  assert.deepEqual(
    ir.project.final_build.map((c: { name: string }) => c.name),
    [
      "release",
    ],
  );
});

Deno.test("plan compile: acceptance strings become structured checks", async () => {
  const cwd = repoPath("examples/exc-001");
  const r = await cli(["plan", "compile"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const task = JSON.parse(r.stdout).tasks[0];
  assert.deepEqual(task.acceptance, [
    { kind: "tests_pass", command: "cargo test --package codex-agentic" },
    { kind: "file_exists", path: "codex-agentic/src/error.rs" },
    { kind: "contains", text: "enum AppError" },
  ]);
  assert.deepEqual(task.shards.map((s: { id: string }) => s.id), [
    "EXC-001A",
    "EXC-001B",
  ]);
});

Deno.test("plan compile: output is stable across runs", async () => {
  const cwd = await tempProject({
    "orchestrator.json": JSON.stringify({
      version: 1,
      tasks: [{ id: "A", title: "a", acceptance: ["Manual: ok"] }],
    }),
  });
  const a = await cli(["plan", "compile"], { cwd });
  const b = await cli(["plan", "compile"], { cwd });
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, b.stdout);
  assert.equal(JSON.parse(a.stdout).tasks[0].acceptance[0].kind, "manual");
});

Deno.test("plan compile: a byte order mark at the start of a JSON or YAML plan is ignored", async () => {
  const cwd = await tempProject({
    "plan.json": '\uFEFF{"version": 1, "tasks": [{"id": "A", "title": "a"}]}',
    "plan.yml": "\uFEFFversion: 1\ntasks:\n  - { id: A, title: a }\n",
  });
  const json = await cli(["plan", "compile", "--file", "plan.json"], { cwd });
  const yaml = await cli(["plan", "compile", "--file", "plan.yml"], { cwd });
  assert.equal(json.code, 0, json.stderr);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.equal(json.stdout, yaml.stdout);
  assert.equal(JSON.parse(json.stdout).tasks[0].id, "A");
});

Deno.test("plan compile: ids and command names like constructor, toString, hasOwnProperty are kept", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1
project:
  build: { valueOf: echo build }
tasks:
  - id: constructor
    title: c
    commands:
      constructor: echo ran-constructor
      toString: echo ran-toString
    shards:
      - id: toString
        title: s
        commands: { hasOwnProperty: echo ran-shard }
  - id: hasOwnProperty
    title: h
    dependencies: [constructor]
`,
  });
  const r = await cli(["plan", "compile"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const ir = JSON.parse(r.stdout);
  assert.deepEqual(ir.project.build, [{ name: "valueOf", run: "echo build" }]);
  const [c, h] = ir.tasks;
  assert.deepEqual(c.commands, [
    { name: "constructor", run: "echo ran-constructor" },
    { name: "toString", run: "echo ran-toString" },
  ]);
  assert.equal(c.shards[0].id, "toString");
  assert.deepEqual(c.shards[0].commands, [
    { name: "hasOwnProperty", run: "echo ran-shard" },
  ]);
  assert.equal(h.id, "hasOwnProperty");
  assert.deepEqual(h.dependencies, ["constructor"]);
  assert.deepEqual(h.commands, [{ name: "valueOf", run: "echo build" }]);
});

Deno.test("plan compile: a tampered plan cache is never used: the plan's own command is what compiles", async () => {
  const cwd = await tempProject({
    "orchestrator.yml":
      "version: 1\ntasks:\n  - { id: A, title: a, commands: { t: echo real } }\n",
    ".codex/runs/.keep": "",
  });
  const home = await tempProject();
  const env = {
    XDG_CACHE_HOME: join(home, "cache"),
    XDG_STATE_HOME: join(home, "state"),
  };
  const first = await cli(["plan", "compile"], { cwd, env });
  assert.equal(first.code, 0, first.stderr);
  const plans = join(home, "cache", "orchestrate", "plans");
  const [entry] = await Array.fromAsync(Deno.readDir(plans));
  assert.ok(entry, "the check was cached in the user's cache folder");
  // An attacker edits the cached IR, as a restored CI cache could...
  const path = join(plans, entry.name);
  const text = await Deno.readTextFile(path);
  assert.match(text, /echo real/);
  await Deno.writeTextFile(path, text.replace("echo real", "echo pwned"));
  // ...or plants an entry where caches used to live, inside the project.
  const real = await Deno.realPath(join(cwd, "orchestrator.yml"));
  const plan = JSON.parse(first.stdout.replace("echo real", "echo pwned"));
  const planted = {
    format: 1,
    tool: config.version,
    main: fastHash(await Deno.readTextFile(real)),
    include: [],
    files: [],
    plan,
    hash: null,
  };
  await Deno.mkdir(join(cwd, ".codex", "cache"));
  for (
    const name of [real, join(cwd, "orchestrator.yml"), "orchestrator.yml"]
  ) {
    await Deno.writeTextFile(
      join(cwd, ".codex", "cache", `plan.${fastHash(name).slice(0, 16)}.json`),
      JSON.stringify(planted),
    );
  }
  const again = await cli(["plan", "compile"], { cwd, env });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /pwned/);
  assert.equal(again.stdout, first.stdout);
});

Deno.test("plan compile: a Manual: check on a shard makes manual a gate of its task", async () => {
  const cwd = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: A
    title: a
    shards:
      - { id: A1, title: a1, acceptance: ["Manual: the page looks right"] }
  - { id: B, title: b }
`,
  });
  const r = await cli(["plan", "compile"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const ir = JSON.parse(r.stdout);
  assert.deepEqual(ir.tasks.map((t: { gates: string[] }) => t.gates), [
    ["manual"],
    [],
  ]);
});

import assert from "node:assert/strict";
import fc from "fast-check";
import { FINAL_BUILD_STEPS, normalizePlan } from "../../src/plan/normalize.ts";
import { PlanIRSchema } from "../../src/plan/ir.ts";
import {
  type PlanFile,
  PlanFileSchema,
  type TaskInput,
} from "../../src/plan/schema.ts";

const BUILD = {
  lint: "cargo clippy",
  test: "cargo test",
  build: "cargo build",
  release: "cargo build --release",
  install: "cp target/release/app ~/bin",
};

function plan(tasks: TaskInput[], extra: Partial<PlanFile> = {}): PlanFile {
  return PlanFileSchema.parse({ version: 1, ...extra, tasks });
}

Deno.test("normalize: defaults of a bare task", () => {
  const ir = normalizePlan(plan([{ id: "A", title: "a" }]), [], "demo");
  assert.deepEqual(ir, {
    version: 1,
    project: { name: "demo", root: ".", build: [], final_build: [] },
    orchestrator: { strategy: "conservative", approvals: { required: [] } },
    tasks: [{
      id: "A",
      title: "a",
      description: "",
      type: "chore",
      paths: { preferred: [], forbidden: [] },
      commands: [],
      acceptance: [],
      dependencies: [],
      shards: [],
      constraints: { forbidden_paths: [] },
      approvals: [],
      gates: [],
      inputs: [],
      outputs: [],
      skip_when_accepted: false,
    }],
  });
  assert.ok(PlanIRSchema.safeParse(ir).success);
});

Deno.test("normalize: omitted commands inherit project.build except release and install", () => {
  const ir = normalizePlan(
    plan([{ id: "A", title: "a" }], { project: { build: BUILD } }),
    [],
    "p",
  );
  assert.deepEqual(ir.tasks[0]!.commands.map((c) => c.name), [
    "lint",
    "test",
    "build",
  ]);
  assert.deepEqual(ir.project.build.map((c) => c.name), Object.keys(BUILD));
  assert.deepEqual([...FINAL_BUILD_STEPS], ["release", "install"]);
  assert.deepEqual(
    ir.project.final_build.map((c) => c.name),
    Object.keys(BUILD).filter((n) => n === "release" || n === "install"),
  );
});

Deno.test("normalize: `commands: {}` means none; given commands replace the defaults", () => {
  const ir = normalizePlan(
    plan([
      { id: "A", title: "a", commands: {} },
      { id: "B", title: "b", commands: { check: "make check" } },
    ], { project: { build: BUILD } }),
    [],
    "p",
  );
  assert.deepEqual(ir.tasks[0]!.commands, []);
  assert.deepEqual(ir.tasks[1]!.commands, [{
    name: "check",
    run: "make check",
  }]);
});

Deno.test("normalize: shards never inherit build commands", () => {
  const ir = normalizePlan(
    plan([{ id: "A", title: "a", shards: [{ id: "A1", title: "s" }] }], {
      project: { build: BUILD },
    }),
    [],
    "p",
  );
  assert.deepEqual(ir.tasks[0]!.shards[0]!.commands, []);
});

Deno.test("normalize: commands keep their declared order", () => {
  const ir = normalizePlan(
    plan([{ id: "A", title: "a", commands: { z: "1", a: "2", m: "3" } }]),
    [],
    "p",
  );
  assert.deepEqual(ir.tasks[0]!.commands.map((c) => c.name), ["z", "a", "m"]);
});

Deno.test("normalize: retry defaults (1s backoff, 30s cap), task over plan, command's own; retry: N is N retries (N + 1 attempts)", () => {
  const ir = normalizePlan(
    plan([
      { id: "A", title: "a" },
      { id: "B", title: "b", retry: { attempts: 5, backoff: "200ms" } },
      {
        id: "C",
        title: "c",
        commands: {
          t: { run: "x", retry: 2, timeout: "10m" },
          u: { run: "y" },
        },
      },
    ], { orchestrator: { retry: 3 } }),
    [],
    "p",
  );
  const [a, b, c] = ir.tasks;
  assert.deepEqual(a!.retry, {
    attempts: 4,
    backoff_ms: 1000,
    max_backoff_ms: 30_000,
  });
  assert.deepEqual(b!.retry, {
    attempts: 5,
    backoff_ms: 200,
    max_backoff_ms: 30_000,
  });
  assert.deepEqual(c!.commands, [
    {
      name: "t",
      run: "x",
      retry: { attempts: 3, backoff_ms: 1000, max_backoff_ms: 30_000 },
      timeout_ms: 600_000,
    },
    { name: "u", run: "y" },
  ]);
  const none = normalizePlan(plan([{ id: "A", title: "a" }]), [], "p");
  assert.equal("retry" in none.tasks[0]!, false);
});

Deno.test("normalize: string and object checks give the same IR, keys in one order", () => {
  const ir = normalizePlan(
    plan([{
      id: "A",
      title: "a",
      acceptance: [
        "Matches in a.txt: /x/i",
        { file: "a.txt", flags: "i", pattern: "x", kind: "matches" },
      ],
    }]),
    [],
    "p",
  );
  const [s, o] = ir.tasks[0]!.acceptance;
  assert.deepEqual(s, o);
  assert.equal(JSON.stringify(s), JSON.stringify(o));
  assert.deepEqual(Object.keys(o!), ["kind", "pattern", "flags", "file"]);
});

Deno.test("normalize: paths as a list are preferred paths; timebox in ms; included tasks last", () => {
  const ir = normalizePlan(
    plan([{
      id: "A",
      title: "a",
      paths: ["src/"],
      constraints: { timebox: "1h30m", style: "rustfmt" },
    }], { project: { name: "n", root: "app", language: "rust" } }),
    [{ id: "Z", title: "z" }],
    "ignored",
  );
  assert.deepEqual(ir.tasks[0]!.paths, { preferred: ["src/"], forbidden: [] });
  assert.deepEqual(ir.tasks[0]!.constraints, {
    forbidden_paths: [],
    style: "rustfmt",
    timebox_ms: 5_400_000,
  });
  assert.deepEqual(ir.tasks.map((t) => t.id), ["A", "Z"]);
  assert.deepEqual(ir.project, {
    name: "n",
    root: "app",
    build: [],
    final_build: [],
    language: "rust",
  });
});

Deno.test("normalize: the IR re-read as a plan file normalizes to itself (property)", () => {
  const id = fc.stringMatching(/^[A-Z][A-Z0-9-]{0,6}$/);
  const task = fc.record({
    id,
    title: fc.string({ minLength: 1, maxLength: 10 }),
    type: fc.constantFrom("code_change", "docs", "test", "chore"),
    acceptance: fc.array(
      fc.constantFrom(
        "Tests pass: make",
        "Contains: x",
        "Matches: /a/i",
        "Manual: ok",
      ),
      { maxLength: 3 },
    ),
    commands: fc.option(
      fc.dictionary(fc.stringMatching(/^[a-z]{1,5}$/), fc.constant("make")),
      {
        nil: undefined,
      },
    ),
    retry: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
  }, { requiredKeys: ["id", "title"] });
  fc.assert(
    fc.property(fc.array(task, { maxLength: 5 }), (tasks) => {
      const first = normalizePlan(
        plan(tasks as TaskInput[], {
          project: { build: { test: "t", release: "r" } },
        }),
        [],
        "p",
      );
      assert.ok(PlanIRSchema.safeParse(first).success);
      // Feed the IR back in the plan-file shape: same IR.
      const again = normalizePlan(
        plan(
          first.tasks.map((t) => ({
            id: t.id,
            title: t.title,
            description: t.description,
            type: t.type,
            commands: Object.fromEntries(
              t.commands.map((c) => [c.name, c.run]),
            ),
            acceptance: t.acceptance,
            ...(t.retry ? { retry: { attempts: t.retry.attempts } } : {}),
          })),
          { project: { build: { test: "t", release: "r" } } },
        ),
        [],
        "p",
      );
      assert.deepEqual(again, first);
    }),
  );
});

Deno.test("normalize: each task's gates are derived once: approvals, required type, manual checks of the task or a shard", () => {
  const ir = normalizePlan(
    plan([
      { id: "D", title: "d", type: "deploy", approvals: ["security"] },
      { id: "R", title: "r", type: "release" },
      { id: "M", title: "m", acceptance: ["Manual: looks right"] },
      {
        id: "S",
        title: "s",
        approvals: ["manual"],
        shards: [{ id: "S1", title: "s1", acceptance: ["Manual: ok"] }],
      },
      { id: "P", title: "p", type: "deploy" },
    ], { orchestrator: { approvals: { required: ["deploy"] } } }),
    [],
    "p",
  );
  assert.deepEqual(
    Object.fromEntries(ir.tasks.map((t) => [t.id, t.gates])),
    {
      D: ["security", "deploy"],
      R: [], // release is a gate only when required
      M: ["manual"],
      S: ["manual"],
      P: ["deploy"],
    },
  );
  assert.ok(PlanIRSchema.safeParse(ir).success);
});

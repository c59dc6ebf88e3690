import assert from "node:assert/strict";
import {
  type CheckDefinition,
  command,
  contains,
  type DefinedPlan,
  type DefinedTask,
  definePlan,
  defineTask,
  type Duration,
  fileExists,
  manual,
  matches,
  notContains,
  testsPass,
} from "../../src/dsl/dsl.ts";
import * as mod from "../../mod.ts";
import { CheckObjectSchema, PlanFileSchema } from "../../src/plan/schema.ts";
import type { IsExact } from "./_type_assert.ts";

// Type-level tests: checked by `deno check` / `deno test`, nothing to run.
const _deps: IsExact<ReturnType<typeof defineTask>["dependencies"], string[]> =
  true;
const _task: IsExact<ReturnType<typeof defineTask>, DefinedTask> = true;
const _plan: IsExact<ReturnType<typeof definePlan>, DefinedPlan> = true;
const _check: IsExact<ReturnType<typeof matches>, CheckDefinition> = true;
const _duration: IsExact<"1h30m" extends Duration ? true : false, true> = true;
const _noUnit: IsExact<"90" extends Duration ? true : false, false> = true;
void [_deps, _task, _plan, _check, _duration, _noUnit];

function typeErrors(): void {
  const a = defineTask({ id: "A", title: "a" });
  // @ts-expect-error: a dependency is a task or an id, not a number
  defineTask({ id: "B", title: "b", dependencies: [42] });
  // @ts-expect-error: nor an object that is not a defined task
  defineTask({ id: "C", title: "c", dependencies: [{ id: "A" }] });
  defineTask({ id: "D", title: "d", dependencies: [a, "A"] }); // both fine
  // @ts-expect-error: misspelt keys are caught
  defineTask({ id: "E", title: "e", dependecies: [a] });
  // @ts-expect-error: only version 1
  definePlan({ version: 2, tasks: [] });
  // @ts-expect-error: unknown task type
  defineTask({ id: "F", title: "f", type: "bugfix" });
  // @ts-expect-error: a duration needs a unit
  defineTask({ id: "G", title: "g", constraints: { timebox: "90" } });
  // @ts-expect-error: unknown strategy
  definePlan({ version: 1, orchestrator: { strategy: "fast" }, tasks: [] });
}
void typeErrors;

Deno.test("defineTask: task dependencies become ids; the input is not changed", () => {
  const a = defineTask({ id: "A", title: "a" });
  const input = { id: "B", title: "b", dependencies: [a, "X"] };
  const b = defineTask(input);
  assert.deepEqual(a.dependencies, []);
  assert.deepEqual(b.dependencies, ["A", "X"]);
  assert.deepEqual(input.dependencies, [a, "X"]);
});

Deno.test("definePlan: tasks written inline or defined are both normalised", () => {
  const a = defineTask({ id: "A", title: "a" });
  const plan = definePlan({
    version: 1,
    tasks: [a, { id: "B", title: "b", dependencies: [a] }],
  });
  assert.deepEqual(plan.tasks.map((t) => t.dependencies), [[], ["A"]]);
  assert.ok(PlanFileSchema.safeParse(plan).success);
});

Deno.test("check helpers build the IR's check objects", () => {
  const checks = [
    testsPass("cargo test"),
    command("make"),
    fileExists("src/a.rs"),
    contains("enum AppError"),
    contains("mod x;", "src/lib.rs"),
    notContains("TODO"),
    notContains("FIXME", "a.md"),
    matches(/fn \w+/gi, "src/main.rs"),
    matches(/plain/),
    manual("Reviewed"),
  ];
  assert.deepEqual(checks, [
    { kind: "tests_pass", command: "cargo test" },
    { kind: "command", command: "make" },
    { kind: "file_exists", path: "src/a.rs" },
    { kind: "contains", text: "enum AppError" },
    { kind: "contains", text: "mod x;", file: "src/lib.rs" },
    { kind: "not_contains", text: "TODO" },
    { kind: "not_contains", text: "FIXME", file: "a.md" },
    { kind: "matches", pattern: "fn \\w+", flags: "gi", file: "src/main.rs" },
    { kind: "matches", pattern: "plain" },
    { kind: "manual", text: "Reviewed" },
  ]);
  for (const c of checks) assert.ok(CheckObjectSchema.safeParse(c).success);
});

Deno.test("dsl.ts is self-contained (init --ts copies it; deno check must work offline)", async () => {
  const source = await Deno.readTextFile(
    new URL("../../src/dsl/dsl.ts", import.meta.url),
  );
  assert.doesNotMatch(
    source,
    /^\s*(import|export \* from|export \{[^}]*\} from)\b/m,
  );
});

Deno.test("mod.ts exports the DSL", () => {
  assert.equal(mod.defineTask, defineTask);
  assert.equal(mod.definePlan, definePlan);
  for (
    const name of [
      "testsPass",
      "command",
      "fileExists",
      "contains",
      "notContains",
      "matches",
      "manual",
    ]
  ) {
    assert.equal(
      typeof (mod as Record<string, unknown>)[name],
      "function",
      name,
    );
  }
});

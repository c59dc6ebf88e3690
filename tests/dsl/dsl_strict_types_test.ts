/**
 * Type tests: what `plan validate` rejects, `deno check` rejects where
 * TypeScript can say so. Each `@ts-expect-error` fails `deno check tests/`
 * when the DSL's types loosen; the runtime tests tie the samples to the
 * validator's own rules, so the types cannot drift from them either.
 */
import assert from "node:assert/strict";
import {
  type AcceptanceCheck,
  type CheckString,
  type DefinedTask,
  definePlan,
  defineShard,
  defineTask,
  type Duration,
  type TaskIds,
  testsPass,
} from "../../src/dsl/dsl.ts";
import type * as Mod from "../../mod.ts";
import { parseCheck } from "../../src/plan/check.ts";
import { isDuration } from "../../src/plan/rules.ts";
import { type Accepts, assertType, type IsExact } from "./_type_assert.ts";

// Durations ------------------------------------------------------------

const GOOD_DURATIONS = [
  "90s",
  "10m",
  "1h30m",
  "500ms",
  "0s",
  "2m05s",
  "30m1h",
  "1h30m15s",
  "1m500ms",
] as const satisfies readonly Duration[];

// Each rejected by the type below (one `@ts-expect-error` each).
const BAD_DURATIONS = ["10 minutes", "1.5h", "-5s", "10mins", "90", "", "5 s"];
function badDurations(): Duration[] {
  return [
    // @ts-expect-error: a unit is a letter code, not a word
    "10 minutes",
    // @ts-expect-error: whole numbers only
    "1.5h",
    // @ts-expect-error: no sign
    "-5s",
    // @ts-expect-error: unknown unit
    "10mins",
    // @ts-expect-error: a unit is required
    "90",
    // @ts-expect-error: empty
    "",
    // @ts-expect-error: no space before the unit
    "5 s",
  ];
}
void badDurations;

Deno.test("Duration: the samples the type accepts and rejects are the ones isDuration accepts and rejects", () => {
  for (const d of GOOD_DURATIONS) assert.ok(isDuration(d), d);
  for (const d of BAD_DURATIONS) assert.ok(!isDuration(d), d);
});

// Every place a duration is written takes the Duration type.
function durationFields(): void {
  // @ts-expect-error: timebox
  defineTask({ id: "A", title: "a", constraints: { timebox: "1.5h" } });
  defineTask({
    id: "A",
    title: "a",
    // @ts-expect-error: command timeout
    commands: { t: { run: "x", timeout: "10 minutes" } },
  });
  // @ts-expect-error: retry backoff
  defineTask({ id: "A", title: "a", retry: { attempts: 2, backoff: "-5s" } });
  definePlan({
    version: 1,
    // @ts-expect-error: plan-wide retry cap
    orchestrator: { retry: { attempts: 2, max_backoff: "10mins" } },
    tasks: [],
  });
  definePlan({
    version: 1,
    // @ts-expect-error: a build command's timeout
    project: { build: { test: { run: "npm test", timeout: "90" } } },
    tasks: [],
  });
}
void durationFields;

// Check strings --------------------------------------------------------

const GOOD_CHECKS = [
  "Tests pass: npm test",
  "Command: test -d dist",
  "File exists: src/error.rs",
  "Contains: enum AppError",
  "Contains in src/lib.rs: mod error;",
  "Not contains: TODO",
  "Not contains in a.md: FIXME",
  "Matches: /fn \\w+/i",
  "Matches in src/main.rs: fn main",
  "Manual: the UI was reviewed",
] as const satisfies readonly CheckString[];

const BAD_CHECKS = ["Test pass: npm test", "Exists: a", "npm test"];
function badChecks(): AcceptanceCheck[] {
  return [
    // @ts-expect-error: misspelt prefix
    "Test pass: npm test",
    // @ts-expect-error: unknown prefix
    "Exists: a",
    // @ts-expect-error: no prefix at all
    "npm test",
  ];
}
void badChecks;

Deno.test("CheckString: the samples the type accepts and rejects are the ones parseCheck accepts and rejects", () => {
  for (const c of GOOD_CHECKS) assert.ok(parseCheck(c).ok, c);
  for (const c of BAD_CHECKS) assert.ok(!parseCheck(c).ok, c);
});

function checkFields(): void {
  // @ts-expect-error: a task's acceptance
  defineTask({ id: "A", title: "a", acceptance: ["Tests: npm test"] });
  defineTask({
    id: "A",
    title: "a",
    // @ts-expect-error: a shard's acceptance
    shards: [{ id: "A1", title: "a1", acceptance: ["File: x"] }],
  });
  // A check built from a command keeps its prefix: accepted.
  const cmd: string = "npm test";
  defineTask({
    id: "A",
    title: "a",
    acceptance: [`Tests pass: ${cmd}`, testsPass(cmd)],
  });
}
void checkFields;

// Task types and strategies -------------------------------------------

function unions(): void {
  // @ts-expect-error: unknown task type
  defineTask({ id: "A", title: "a", type: "bugfix" });
  // @ts-expect-error: unknown strategy
  definePlan({ version: 1, orchestrator: { strategy: "fast" }, tasks: [] });
}
void unions;

// Readonly input -------------------------------------------------------

function readonlyInput(): void {
  const a = defineTask({ id: "A", title: "a" });
  const listed: readonly DefinedTask[] = [a];
  const modules = [a] as const;
  const gates = ["deploy"] as const;
  const paths = ["src/"] as const;
  const b = defineTask({
    id: "B",
    title: "b",
    dependencies: listed,
    approvals: gates,
    paths,
    inputs: paths,
    outputs: paths,
    acceptance: ["Tests pass: x"] as const,
    constraints: { forbidden_paths: paths },
    shards: [{ id: "B1", title: "b1", paths: { preferred: paths } }] as const,
  });
  definePlan({
    version: 1,
    orchestrator: { approvals: { required: gates } },
    tasks: [...modules, b],
  });
  definePlan({ version: 1, tasks: listed });
  definePlan({ version: 1, tasks: modules });
}
void readonlyInput;

// Literal ids and checked dependencies ---------------------------------

const lib = defineTask({ id: "LIB-001", title: "Library" });
const docs = defineTask({
  id: "DOC-001",
  title: "Docs",
  dependencies: [lib, "EXT-001"],
  approvals: ["review"],
});
assertType<IsExact<typeof lib.id, "LIB-001">>(true);
assertType<IsExact<typeof docs.dependencies, ("LIB-001" | "EXT-001")[]>>(true);
assertType<IsExact<TaskIds<[typeof lib, typeof docs]>, "LIB-001" | "DOC-001">>(
  true,
);

function dependencyChecks(): void {
  const ext = defineTask({ id: "EXT-001", title: "External" });
  definePlan({ version: 1, tasks: [lib, ext, docs] }); // every id listed
  // @ts-expect-error: "EXT-001" is no id of a listed task
  definePlan({ version: 1, tasks: [lib, docs] });
  // @ts-expect-error: `lib` is used as a dependency but not listed
  definePlan({ version: 1, tasks: [ext, docs] });
  definePlan({
    version: 1,
    // @ts-expect-error: an inline task's typo'd dependency id
    tasks: [lib, { id: "X", title: "x", dependencies: ["LIB-01"] }],
  });
  // Plain strings stay unchecked by the type (plan validate checks them).
  const fromConfig: string[] = ["LIB-001"];
  definePlan({
    version: 1,
    tasks: [lib, defineTask({ id: "Y", title: "y", dependencies: fromConfig })],
  });
  // Generated tasks and a spread before a defined task.
  const generated = [1, 2].map((i) =>
    defineTask({ id: `GEN-${i}`, title: "g", dependencies: [lib] })
  );
  definePlan({
    version: 1,
    tasks: [
      lib,
      ...generated,
      defineTask({ id: "Z", title: "z", dependencies: ["GEN-1"] }),
    ],
  });
  // @ts-expect-error: misspelt field of an inline task
  definePlan({ version: 1, tasks: [{ id: "Q", title: "q", dependecies: [] }] });
}
void dependencyChecks;

// Gates -----------------------------------------------------------------

function gateChecks(): void {
  const ext = defineTask({ id: "EXT-001", title: "External" });
  // Not declared: any gate name goes.
  definePlan({ version: 1, tasks: [lib, ext, docs] });
  definePlan({
    version: 1,
    orchestrator: { approvals: { required: ["deploy", "review"] } },
    tasks: [lib, ext, docs],
  });
  definePlan({
    version: 1,
    orchestrator: { approvals: { required: ["deploy"] } },
    // @ts-expect-error: "review" is not a declared gate
    tasks: [lib, ext, docs],
  });
}
void gateChecks;

// Plan-level checks, whatever the shape of the list -----------------------

function shapeChecks(): void {
  const utils = defineTask({ id: "PKG-utils", title: "u" });
  const generated = ["core", "api"].map((p) =>
    defineTask({ id: `GEN-${p}`, title: p, dependencies: [utils] })
  );
  const more = [1].map((i) => defineTask({ id: `MORE-${i}`, title: "m" }));
  const typo = defineTask({ id: "A", title: "a", dependencies: ["PKG-utlis"] });
  const gate = defineTask({ id: "B", title: "b", approvals: ["deplyo"] });
  const fine = defineTask({
    id: "C",
    title: "c",
    dependencies: [utils, "GEN-core", "MORE-1"],
    approvals: ["deploy"],
  });
  const required = { approvals: { required: ["deploy"] } } as const;
  // Every shape passes when nothing is wrong.
  definePlan({ version: 1, tasks: [...generated, utils, fine, ...more] });
  definePlan({ version: 1, tasks: [utils, ...generated, fine, ...more] });
  definePlan({ version: 1, tasks: [...more, ...generated, utils, fine] });
  const all = [...generated, utils, fine, ...more];
  definePlan({ version: 1, orchestrator: required, tasks: all });
  // An unknown dependency, a list with two spreads (an array to TypeScript).
  // @ts-expect-error: unknown dependency "PKG-utlis"
  definePlan({ version: 1, tasks: [...generated, utils, typo, fine, ...more] });
  // An undeclared gate in the same shape.
  definePlan({
    version: 1,
    orchestrator: required,
    // @ts-expect-error: gate "deplyo" is not in orchestrator.approvals.required
    tasks: [...generated, utils, gate, fine, ...more],
  });
  // One spread, then written tasks (a tuple with a rest element).
  // @ts-expect-error: unknown dependency "PKG-utlis"
  definePlan({ version: 1, tasks: [...generated, utils, typo] });
  // @ts-expect-error: unknown dependency "PKG-utlis"
  definePlan({ version: 1, tasks: [utils, ...generated, typo] });
  // @ts-expect-error: gate "deplyo" is not in orchestrator.approvals.required
  definePlan({ version: 1, orchestrator: required, tasks: [...more, gate] });
  // A list held in a variable.
  const listed = [...generated, utils, typo];
  // @ts-expect-error: unknown dependency "PKG-utlis"
  definePlan({ version: 1, tasks: listed });
  // A misspelt field of an inline task after a spread: the plan is blamed
  // (a tuple with a rest element has no position of its own to blame).
  // @ts-expect-error: unknown task field "dependecies"
  definePlan({
    version: 1,
    tasks: [...generated, utils, { id: "Q", title: "q", dependecies: [] }],
  });
  // The dependency on a generated id of another prefix is unknown too.
  const wrongPrefix = defineTask({
    id: "D",
    title: "d",
    dependencies: ["GEM-core"],
  });
  // @ts-expect-error: unknown dependency "GEM-core"
  definePlan({ version: 1, tasks: [...generated, utils, wrongPrefix] });
}
void shapeChecks;

// Counts are whole numbers ------------------------------------------------

function wholeNumbers(): void {
  // @ts-expect-error: expected a whole number, not 2.5
  defineTask({ id: "A", title: "a", retry: 2.5 });
  // @ts-expect-error: expected a whole number, not 2.5
  defineTask({ id: "A", title: "a", retry: { attempts: 2.5 } });
  // @ts-expect-error: expected a whole number, not 0.5
  defineTask({ id: "A", title: "a", agent: { attempts: 0.5 } });
  defineTask({
    id: "A",
    title: "a",
    // @ts-expect-error: expected a whole number, not 1.5
    commands: { e2e: { run: "npm run e2e", retry: 1.5 } },
  });
  // @ts-expect-error: expected a whole number, not 2.5
  definePlan({ version: 1, orchestrator: { concurrency: 2.5 }, tasks: [] });
  // @ts-expect-error: expected a whole number, not 1.5
  definePlan({ version: 1, orchestrator: { failure_lines: 1.5 }, tasks: [] });
  // @ts-expect-error: expected a whole number, not 0.5
  definePlan({ version: 1, orchestrator: { retry: 0.5 }, tasks: [] });
  definePlan({
    version: 1,
    // @ts-expect-error: expected a whole number, not 2.5
    orchestrator: { agent: { run_max_attempts: 2.5 } },
    tasks: [],
  });
  // An inline task of the plan: named at the plan (see PlanCheck).
  // @ts-expect-error: expected a whole number, not 2.5
  definePlan({ version: 1, tasks: [{ id: "A", title: "a", retry: 2.5 }] });
  const generated = [1].map((i) => defineTask({ id: `G-${i}`, title: "g" }));
  // @ts-expect-error: expected a whole number, not 1.5
  definePlan({
    version: 1,
    tasks: [...generated, { id: "A", title: "a", agent: { attempts: 1.5 } }],
  });
  // Plain numbers, whole literals and costs (not counts) pass.
  const n: number = 3;
  defineTask({
    id: "A",
    title: "a",
    retry: n,
    agent: { attempts: 3, max_cost_usd: 2.5 },
    commands: { t: { run: "x", retry: { attempts: n } } },
  });
  definePlan({
    version: 1,
    orchestrator: {
      concurrency: n,
      failure_lines: 0,
      retry: 2,
      agent: { run_max_cost_usd: 0.5 },
      approvals: { required: ["deploy"] },
    },
    tasks: [defineTask({ id: "A", title: "a", approvals: ["deploy"] })],
  });
  // The checks that needed the literal object keep their own words.
  // @ts-expect-error: misspelt field, with the compiler's "did you mean"
  definePlan({ version: 1, orchestrator: { stratgy: "fast" }, tasks: [] });
}
void wholeNumbers;

// defineShard ------------------------------------------------------------

const shard = defineShard({ id: "EXC-001A", title: "Error enum" });
assertType<IsExact<typeof shard.id, "EXC-001A">>(true);

function shardChecks(): void {
  // @ts-expect-error: misspelt field of a shard
  defineShard({ id: "S", title: "s", comands: { b: "make" } });
  defineShard({
    id: "S",
    title: "s",
    // @ts-expect-error: expected a whole number, not 1.5
    commands: { b: { run: "x", retry: 1.5 } },
  });
  // @ts-expect-error: a shard's acceptance check
  defineShard({ id: "S", title: "s", acceptance: ["File: x"] });
  // @ts-expect-error: a shard needs a title
  defineShard({ id: "S" });
  defineTask({ id: "T", title: "t", shards: [shard] });
}
void shardChecks;

// definePlan keeps the ids -------------------------------------------------

const plan = definePlan({
  version: 1,
  tasks: [lib, { id: "INLINE", title: "inline" }],
});
assertType<IsExact<TaskIds<typeof plan>, "LIB-001" | "INLINE">>(true);
assertType<IsExact<(typeof plan.tasks)[number]["id"], "LIB-001" | "INLINE">>(
  true,
);

// What mod.ts offers users ------------------------------------------------

assertType<IsExact<Mod.Duration, Duration>>(true);
assertType<Accepts<Mod.TaskDefinition, { id: "A"; title: "a" }>>(true);
// @ts-expect-error: the IR's near-duplicate types are not exported to users
type _NoIrPlan = Mod.Plan;
// @ts-expect-error: nor the IR's check type
type _NoIrCheck = Mod.Check;

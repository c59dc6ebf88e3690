import assert from "node:assert/strict";
import fc from "fast-check";
import { load } from "js-yaml";
import { GUARD_PATH, guardText } from "../../scripts/plan_guard.ts";
import { isIncludeFile, isPlanFile } from "../../src/plan/plan_guard.ts";
import { IncludeFileSchema, PlanFileSchema } from "../../src/plan/schema.ts";

Deno.test("src/plan/plan_guard.ts is what the zod schema generates", async () => {
  const checkedIn = await Deno.readTextFile(GUARD_PATH);
  assert.ok(
    checkedIn === await guardText(),
    "src/plan/plan_guard.ts is stale: run `deno task schema` and commit the result",
  );
});

/** Each value, and whether the guard and zod agree on it. */
function disagreements(values: unknown[], plan = true): unknown[] {
  const schema = plan ? PlanFileSchema : IncludeFileSchema;
  const guard = plan ? isPlanFile : isIncludeFile;
  return values.filter((v) => guard(v) !== schema.safeParse(v).success);
}

Deno.test("plan guard: agrees with zod on every fixture, example and README-style plan", async () => {
  const values: unknown[] = [];
  for (const dir of ["../fixtures/invalid/", "../../examples/"]) {
    for await (const path of walk(new URL(dir, import.meta.url))) {
      if (!/\.ya?ml$/.test(path)) continue;
      try {
        values.push(load(await Deno.readTextFile(path)));
      } catch {
        // YAML syntax errors are the parser's, not the schema's.
      }
    }
  }
  assert.ok(values.length > 40, `only ${values.length} plans found`);
  assert.ok(values.some((v) => isPlanFile(v)), "no valid plan among them");
  assert.ok(values.some((v) => !isPlanFile(v)), "no invalid plan among them");
  assert.deepEqual(disagreements(values), []);
});

async function* walk(dir: URL): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const url = new URL(e.name + (e.isDirectory ? "/" : ""), dir);
    if (e.isDirectory) yield* walk(url);
    else if (e.isFile) yield url.pathname;
  }
}

Deno.test("plan guard: agrees with zod on the edge cases of each rule", () => {
  const task = (extra: Record<string, unknown>) => ({
    version: 1,
    tasks: [{ id: "A", title: "a", ...extra }],
  });
  const cases: unknown[] = [
    null,
    [],
    "version: 1",
    { version: 1 },
    { version: "1" },
    { version: 1.0 },
    { version: 2 },
    { version: 1, extra: true },
    JSON.parse('{"version": 1, "__proto__": {}}'),
    task({}),
    task({ id: "1A" }),
    task({ id: "A b" }),
    task({ title: "" }),
    task({ description: null }),
    task({ description: undefined }),
    task({ type: "deploy" }),
    task({ type: "Deploy" }),
    task({ commands: { lint: "x", "test-2": { run: "y" } } }),
    task({ commands: { "1lint": "x" } }),
    task({ commands: { lint: "" } }),
    task({ commands: JSON.parse('{"__proto__": "x", "lint": "y"}') }),
    task({ commands: JSON.parse('{"__proto__": 5}') }),
    task({ commands: [] }),
    task({ commands: new Map() }),
    task({ commands: Object.create(null) }),
    task({ commands: { lint: { run: "x", timeout: "10s" } } }),
    task({ commands: { lint: { run: "x", timeout: "0s" } } }),
    task({ commands: { lint: { run: "x", timeout: "10" } } }),
    task({ commands: { lint: { run: "x", timeout: 10 } } }),
    task({ commands: { lint: { run: "x", timeout: "100000h" } } }),
    task({ commands: { lint: { run: "x", retry: 0 } } }),
    task({ commands: { lint: { run: "x", retry: 100 } } }),
    task({ commands: { lint: { run: "x", retry: 101 } } }),
    task({ commands: { lint: { run: "x", retry: 2.5 } } }),
    task({ commands: { lint: { run: "x", retry: NaN } } }),
    task({ commands: { lint: { run: "x", retry: { attempts: 3 } } } }),
    task({ retry: { attempts: 3, backoff: "0s", max_backoff: "1m" } }),
    task({ retry: { attempts: 3, backoff: "x" } }),
    task({ retry: { attempts: 3, jitter: true } }),
    task({ paths: ["src/", "a/../b"] }),
    task({ paths: ["../x"] }),
    task({ paths: ["/etc"] }),
    task({ paths: ["C:\\x"] }),
    task({ paths: ["~/x"] }),
    task({ paths: [""] }),
    task({ paths: { preferred: ["a"], forbidden: ["b"] } }),
    task({ paths: { preferred: ["a"], other: [] } }),
    task({ acceptance: ["Tests pass: npm test", "File exists: a.txt"] }),
    task({ acceptance: ["File exists: /etc/passwd"] }),
    task({ acceptance: ["Contains in ../x: y"] }),
    task({ acceptance: ["Matches: /a(/"] }),
    task({ acceptance: ["Matches: /a/i"] }),
    task({ acceptance: ["Nope: x"] }),
    task({ acceptance: ["no colon"] }),
    task({ acceptance: [{ kind: "matches", pattern: "[z-a]" }] }),
    task({ acceptance: [{ kind: "matches", pattern: "a", flags: "x" }] }),
    task({ acceptance: [{ kind: "matches", pattern: "a", flags: "gi" }] }),
    task({ acceptance: [{ kind: "contains", text: "a", file: "../b" }] }),
    task({ acceptance: [{ kind: "manual", text: "ok" }] }),
    task({ acceptance: [{ kind: "bogus", text: "ok" }] }),
    task({ acceptance: [{ kind: "manual", text: "ok", extra: 1 }] }),
    task({ dependencies: ["B"] }),
    task({ dependencies: ["1B"] }),
    task({ shards: [{ id: "S", title: "s", acceptance: ["Manual: x"] }] }),
    task({ shards: [{ id: "S" }] }),
    task({ constraints: { timebox: "1h", forbidden_paths: ["x"] } }),
    task({ constraints: { timebox: "0m" } }),
    task({ approvals: ["deploy", ""] }),
    task({ inputs: ["src/**"], outputs: ["dist/"] }),
    task({ skip_when_accepted: "yes" }),
    {
      version: 1,
      project: { name: "p", root: ".", language: "ts", build: { t: "x" } },
      orchestrator: {
        strategy: "keep_going",
        approvals: { required: ["deploy"] },
        concurrency: 1,
        retry: 2,
      },
      include: ["more/*.yml"],
      tasks: [],
    },
    { version: 1, orchestrator: { concurrency: 0 } },
    { version: 1, orchestrator: { concurrency: Infinity } },
    { version: 1, orchestrator: { strategy: "eager" } },
    { version: 1, project: { root: "../up" } },
    { version: 1, include: ["/abs/*.yml"] },
  ];
  assert.deepEqual(disagreements(cases), []);
  assert.deepEqual(
    disagreements(
      [{ tasks: [] }, { version: 1, tasks: [] }, { version: 1 }, {
        tasks: [{ id: "A", title: "a" }],
        include: [],
      }],
      false,
    ),
    [],
  );
});

// Near-valid values: each field mostly its first (valid) value, else one
// of the others (valid or not) or anything at all, so that random plans
// land on both sides of each rule.
const anything = fc.anything({ maxDepth: 2 });
const mix = (...values: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 40, arbitrary: fc.constant(values[0]) },
    { weight: 8, arbitrary: fc.constantFrom(...values) },
    { weight: 1, arbitrary: anything },
  );
const id = mix("A", "T-1.x", "a_b", "1A", "A B", "", "Ä");
const path = mix("src/", "a/../b", "../x", "/abs", "~/x", "", ".", "a\\..\\..");
const duration = mix("10s", "1h30m", "0s", "0", "10", "99999999h", "", 5);
const retry = fc.oneof(
  mix(1, 3, 100, 0, 101, 2.5, -1),
  fc.record({
    attempts: mix(1, 3, 0),
    backoff: duration,
    max_backoff: duration,
  }, {
    requiredKeys: [],
  }),
);
const command = fc.oneof(
  mix("npm test", ""),
  fc.record({ run: mix("x", ""), retry, timeout: duration }, {
    requiredKeys: [],
  }),
);
const commands = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.dictionary(
      fc.constantFrom("lint", "test", "1x", "a b", "__proto__"),
      command,
      {
        maxKeys: 3,
      },
    ),
  },
  { weight: 1, arbitrary: anything },
);
const checkString = mix(
  "Tests pass: npm test",
  "File exists: a.txt",
  "File exists: /etc",
  "Contains in ../x: y",
  "Matches: /a(/",
  "Matches: /a/i",
  "Nope: x",
  "Manual: ok",
  "no colon",
);
const checkObject = fc.record({
  kind: mix(
    "tests_pass",
    "command",
    "file_exists",
    "contains",
    "not_contains",
    "matches",
    "manual",
    "bogus",
  ),
  command: mix("x", ""),
  path,
  text: mix("t", ""),
  pattern: mix("a+", "[z-a]", ""),
  flags: mix("i", "gi", "x", ""),
  file: path,
}, { requiredKeys: [] });
const list = <T>(item: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 40, arbitrary: fc.array(item, { maxLength: 3 }) }, {
    weight: 1,
    arbitrary: anything,
  });
const paths = fc.oneof(
  list(path),
  fc.record({ preferred: list(path), forbidden: list(path), other: anything }, {
    requiredKeys: [],
  }),
);
const shard = fc.record({
  id,
  title: mix("s", ""),
  description: mix("d", 1),
  paths,
  commands,
  acceptance: list(fc.oneof(checkString, checkObject)),
}, { requiredKeys: ["id", "title"] });
const task = fc.record({
  id,
  title: mix("t", ""),
  description: mix("d", null),
  type: mix("docs", "deploy", "chore", "Deploy"),
  paths,
  commands,
  acceptance: list(fc.oneof(checkString, checkObject)),
  dependencies: list(id),
  shards: list(shard),
  constraints: fc.record({
    style: mix("s"),
    language: mix("ts"),
    forbidden_paths: list(path),
    timebox: duration,
  }, { requiredKeys: [] }),
  approvals: list(mix("deploy", "")),
  inputs: list(path),
  outputs: list(path),
  retry,
  skip_when_accepted: mix(true, false, "yes"),
}, { requiredKeys: ["id", "title"] }).chain((t) =>
  fc.oneof(
    { weight: 30, arbitrary: fc.constant(t) },
    { weight: 1, arbitrary: anything.map((extra) => ({ ...t, extra })) },
  )
);
const plan = fc.record({
  $schema: mix("./s.json"),
  version: mix(1, 2, "1"),
  project: fc.record({
    name: mix("p", ""),
    root: path,
    language: mix("ts"),
    build: commands,
  }, {
    requiredKeys: [],
  }),
  orchestrator: fc.record({
    strategy: mix("conservative", "keep_going", "eager"),
    approvals: fc.record({ required: list(mix("deploy", "")) }, {
      requiredKeys: [],
    }),
    concurrency: mix(1, 4, 0, 1.5),
    retry,
  }, { requiredKeys: [] }),
  include: list(path),
  tasks: list(task),
}, { requiredKeys: ["version"] });

Deno.test("plan guard: agrees with zod on random near-valid plans and included files", () => {
  let accepted = 0;
  fc.assert(
    fc.property(plan, (value) => {
      const ok = isPlanFile(value);
      if (ok) accepted++;
      return ok === PlanFileSchema.safeParse(value).success;
    }),
    { numRuns: 3000, seed: 7 },
  );
  // Both sides of the schema were exercised, not only refusals.
  assert.ok(accepted > 50, `only ${accepted} valid plans drawn`);
  fc.assert(
    fc.property(
      fc.record({ version: mix(1, 2), tasks: list(task) }, {
        requiredKeys: [],
      }),
      (value) =>
        isIncludeFile(value) === IncludeFileSchema.safeParse(value).success,
    ),
    { numRuns: 1000, seed: 7 },
  );
});

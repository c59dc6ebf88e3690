import assert from "node:assert/strict";
import { z } from "zod";
import {
  fieldPath,
  issuesToDiagnostics,
  knownKeysAt,
  prototypeKeyIssues,
  valueAt,
} from "../../src/plan/issues.ts";
import { PlanFileSchema } from "../../src/plan/schema.ts";

function diagnose(data: unknown) {
  const r = PlanFileSchema.safeParse(data);
  assert.ok(!r.success, "expected schema errors");
  return issuesToDiagnostics(r.error.issues, PlanFileSchema, data, "p.yml")
    .map((d) => ({
      path: d.path,
      message: d.message,
      atKey: d.atKey ?? false,
    }));
}

Deno.test("issuesToDiagnostics: unknown keys point at the key, with a suggestion", () => {
  assert.deepEqual(diagnose({ version: 1, tasks: [{ id: "A", titel: "a" }] }), [
    {
      path: ["tasks", 0, "titel"],
      message: 'Unknown key "titel": did you mean "title"?',
      atKey: true,
    },
  ]);
});

Deno.test("issuesToDiagnostics: a missing key stays when no unknown key is its typo", () => {
  assert.deepEqual(diagnose({ version: 1, tasks: [{ id: "A", owner: "x" }] }), [
    {
      path: ["tasks", 0],
      message: 'Missing required key "title"',
      atKey: false,
    },
    {
      path: ["tasks", 0, "owner"],
      message: `Unknown key "owner": known keys: ${
        knownKeysAt(PlanFileSchema, ["tasks", 0]).join(", ")
      }`,
      atKey: true,
    },
  ]);
});

Deno.test("issuesToDiagnostics: unions report the branch the value meant", () => {
  const [d] = diagnose({
    version: 1,
    tasks: [{
      id: "A",
      title: "a",
      commands: { t: { run: "x", timout: "1m" } },
    }],
  });
  assert.equal(d!.message, 'Unknown key "timout": did you mean "timeout"?');
  const [e] = diagnose({
    version: 1,
    tasks: [{ id: "A", title: "a", retry: "3" }],
  });
  assert.equal(
    e!.message,
    'tasks[0].retry: expected a whole number of retries or a mapping with attempts, got string "3"',
  );
});

Deno.test("issuesToDiagnostics: check objects: kind typo, missing kind, keys of that kind", () => {
  const ds = diagnose({
    version: 1,
    tasks: [{
      id: "A",
      title: "a",
      acceptance: [{ kind: "contain", text: "x" }, { text: "x" }, {
        kind: "manual",
        text: "ok",
        file: "f",
      }],
    }],
  });
  assert.match(
    ds[0]!.message,
    /^Invalid check kind "contain": expected one of .*; did you mean "contains"\?$/,
  );
  assert.deepEqual(ds[0]!.path, ["tasks", 0, "acceptance", 0, "kind"]);
  assert.match(
    ds[1]!.message,
    /^Missing required key "kind": expected one of tests_pass/,
  );
  assert.deepEqual(ds[1]!.path, ["tasks", 0, "acceptance", 1]);
  assert.equal(ds[2]!.message, 'Unknown key "file": known keys: kind, text');
});

Deno.test("issuesToDiagnostics: enum values, types and ranges in plain words", () => {
  const ds = diagnose({
    version: 1,
    orchestrator: { strategy: "keepgoing", concurrency: 0 },
    tasks: [{ id: "A", title: "a", dependencies: "B", skip_when_accepted: 1 }],
  });
  assert.deepEqual(ds.map((d) => d.message), [
    'Invalid value "keepgoing": expected one of conservative, keep_going; did you mean "keep_going"?',
    "Invalid value 0: must be at least 1",
    'tasks[0].dependencies: expected a list of task ids, got string "B" (write ["B"])',
    "tasks[0].skip_when_accepted: expected true or false, got number 1",
  ]);
});

Deno.test("issuesToDiagnostics: the top level and the version", () => {
  assert.deepEqual(diagnose([1]).map((d) => d.message), [
    'Expected a mapping with "tasks:" at the top level, got a list',
  ]);
  assert.deepEqual(diagnose({ tasks: [] }), [
    {
      path: [],
      message: 'Missing required key "version": add version: 1',
      atKey: false,
    },
  ]);
});

Deno.test("issuesToDiagnostics: record keys are named, at the key", () => {
  const [d] = diagnose({
    version: 1,
    tasks: [{ id: "A", title: "a", commands: { "two words": "x" } }],
  });
  assert.equal(d!.atKey, true);
  assert.match(d!.message, /^Invalid name "two words": a command name is/);
});

Deno.test("knownKeysAt: through lists, optionals and unions", () => {
  const schema = z.object({
    list: z.array(
      z.union([z.string(), z.object({ a: z.number(), b: z.number() })]),
    )
      .optional(),
  });
  assert.deepEqual(knownKeysAt(schema, []), ["list"]);
  assert.deepEqual(knownKeysAt(schema, ["list", 3]), ["a", "b"]);
  assert.deepEqual(knownKeysAt(schema, ["nope"]), []);
});

Deno.test("valueAt: walks objects and arrays, undefined past the end", () => {
  const data = { a: [{ b: 1 }] };
  assert.equal(valueAt(data, ["a", 0, "b"]), 1);
  assert.equal(valueAt(data, ["a", 1, "b"]), undefined);
  assert.equal(valueAt(data, ["a", 0, "b", "c"]), undefined);
  assert.equal(valueAt(null, ["x"]), undefined);
  assert.equal(valueAt(data, []), data);
});

Deno.test("issuesToDiagnostics: a type error names the field and what it holds", () => {
  assert.deepEqual(
    diagnose({
      version: 1,
      orchestrator: { approvals: { required: { deploy: true } } },
      tasks: [{ id: "A", title: "a", commands: { lint: 5 }, inputs: "src" }],
    }).map((d) => d.message),
    [
      "orchestrator.approvals.required: expected a list of gate names, got a mapping",
      "tasks[0].commands.lint: expected a command line or a mapping with run, got number 5",
      'tasks[0].inputs: expected a list of file globs, got string "src" (write ["src"])',
    ],
  );
});

Deno.test("fieldPath: dots for names, brackets for indices and odd keys", () => {
  assert.equal(fieldPath([]), "");
  assert.equal(
    fieldPath(["tasks", 0, "shards", 1, "id"]),
    "tasks[0].shards[1].id",
  );
  assert.equal(fieldPath(["project", "build", "a.b"]), 'project.build["a.b"]');
});

Deno.test("prototypeKeyIssues: a __proto__ command name, wherever commands are", () => {
  const data = JSON.parse(
    '{"version": 1, "project": {"build": {"__proto__": "x"}}, "tasks": [' +
      '{"id": "A", "title": "a", "shards": [{"id": "S", "title": "s", ' +
      '"commands": {"ok": "y", "__proto__": {"run": "z"}}}]}]}',
  );
  assert.deepEqual(
    prototypeKeyIssues(PlanFileSchema, data).map((i) => i.path),
    [
      ["project", "build", "__proto__"],
      ["tasks", 0, "shards", 0, "commands", "__proto__"],
    ],
  );
  assert.deepEqual(prototypeKeyIssues(PlanFileSchema, { version: 1 }), []);
});

import assert from "node:assert/strict";
import { graphOfRawTasks, validatePlan } from "../../src/plan/validate.ts";

type T = { id: string; dependencies?: string[]; shards?: string[] };

function check(tasks: T[]) {
  const graph = {
    tasks: tasks.map((t) => ({
      id: t.id,
      dependencies: t.dependencies ?? [],
      shards: (t.shards ?? []).map((id) => ({ id })),
    })),
  };
  return validatePlan(
    graph,
    tasks.map((_, index) => ({ file: "p.yml", index })),
  );
}

Deno.test("validatePlan: a valid graph has no diagnostics", () => {
  assert.deepEqual(
    check([{ id: "A" }, { id: "B", dependencies: ["A"], shards: ["B1"] }]),
    [],
  );
});

Deno.test("validatePlan: duplicate ids across tasks and shards, pointing at the first", () => {
  const ds = check([
    { id: "A", shards: ["S"] },
    { id: "B", shards: ["A", "S"] },
    { id: "B" },
  ]);
  assert.deepEqual(
    ds.map((d) => [d.path, d.related?.path]),
    [
      [["tasks", 1, "shards", 0, "id"], ["tasks", 0, "id"]],
      [["tasks", 1, "shards", 1, "id"], ["tasks", 0, "shards", 0, "id"]],
      [["tasks", 2, "id"], ["tasks", 1, "id"]],
    ],
  );
  assert.match(ds[0]!.message, /^Duplicate id "A": ids must be unique/);
  assert.equal(ds[0]!.related!.label, "first defined at");
});

Deno.test("validatePlan: unknown dependencies, with did-you-mean or the owning task of a shard", () => {
  const ds = check([
    { id: "EXC-001", shards: ["EXC-001A"] },
    { id: "B", dependencies: ["EXC-01", "EXC-001A", "NOPE"] },
  ]);
  assert.deepEqual(ds.map((d) => [d.path, d.message]), [
    [
      ["tasks", 1, "dependencies", 0],
      'Unknown dependency "EXC-01": did you mean "EXC-001"?',
    ],
    [
      ["tasks", 1, "dependencies", 1],
      'Unknown dependency "EXC-001A": it is a shard of "EXC-001"; depend on "EXC-001"',
    ],
    [["tasks", 1, "dependencies", 2], 'Unknown dependency "NOPE"'],
  ]);
});

Deno.test("validatePlan: cycles are reported at the edge that closes them", () => {
  assert.deepEqual(
    check([{ id: "A", dependencies: ["A"] }]).map((d) => [d.path, d.message]),
    [[["tasks", 0, "dependencies", 0], 'Task "A" depends on itself']],
  );
  assert.deepEqual(
    check([
      { id: "A", dependencies: ["X", "B"] },
      { id: "B", dependencies: ["C"] },
      { id: "C", dependencies: ["A"] },
      { id: "X" },
    ]).map((d) => [d.path, d.message]),
    [[["tasks", 0, "dependencies", 1], "Dependency cycle: A -> B -> C -> A"]],
  );
});

Deno.test("validatePlan: a duplicated id does not hide the first definition's cycle", () => {
  const ds = check([{ id: "A", dependencies: ["A"] }, { id: "A" }]);
  assert.deepEqual(ds.map((d) => d.message).sort(), [
    'Duplicate id "A": ids must be unique across tasks and shards',
    'Task "A" depends on itself',
  ]);
});

Deno.test("validatePlan: origins place tasks of included files in their file", () => {
  const ds = validatePlan(
    {
      tasks: [{ id: "A", dependencies: [], shards: [] }, {
        id: "A",
        dependencies: [],
        shards: [],
      }],
    },
    [{ file: "main.yml", index: 0 }, { file: "tasks/x.yml", index: 3 }],
  );
  assert.equal(ds[0]!.file, "tasks/x.yml");
  assert.deepEqual(ds[0]!.path, ["tasks", 3, "id"]);
  assert.deepEqual(ds[0]!.related, {
    file: "main.yml",
    path: ["tasks", 0, "id"],
    label: "first defined at",
  });
});

Deno.test("graphOfRawTasks: keeps what is usable, positions intact", () => {
  const { graph, indices } = graphOfRawTasks([
    null,
    {
      id: "A",
      dependencies: ["B", 5, "1bad"],
      shards: [{ id: 3 }, { id: "S" }],
    },
    { title: "no id" },
    { id: "B", dependencies: "A" },
  ]);
  assert.deepEqual(indices, [1, 3]);
  assert.deepEqual(graph.tasks, [
    {
      id: "A",
      dependencies: ["B", undefined, undefined],
      shards: [undefined, { id: "S" }],
      approvals: [],
    },
    { id: "B", dependencies: [], shards: [], approvals: [] },
  ]);
  // Shard S keeps its index 1 for positions.
  const ds = validatePlan(
    { tasks: [...graph.tasks, { id: "S", dependencies: [], shards: [] }] },
    [1, 3, 4].map((index) => ({ file: "p.yml", index })),
  );
  assert.deepEqual(ds.map((d) => d.related?.path), [[
    "tasks",
    1,
    "shards",
    1,
    "id",
  ]]);
});

Deno.test("validatePlan: a gate outside approvals.required is located at the gate, with did you mean", () => {
  const ds = validatePlan(
    {
      orchestrator: { approvals: { required: ["deploy", "release"] } },
      tasks: [
        {
          id: "A",
          dependencies: [],
          shards: [],
          approvals: ["relase", "manual"],
        },
        {
          id: "B",
          dependencies: [],
          shards: [],
          approvals: [undefined, "zzz"],
        },
      ],
    },
    [0, 1].map((index) => ({ file: "p.yml", index })),
  );
  assert.deepEqual(ds.map((d) => [d.path, d.message]), [
    [
      ["tasks", 0, "approvals", 0],
      'Unknown gate "relase": not in orchestrator.approvals.required (deploy, release); did you mean "release"?',
    ],
    [
      ["tasks", 1, "approvals", 1],
      'Unknown gate "zzz": not in orchestrator.approvals.required (deploy, release)',
    ],
  ]);
});

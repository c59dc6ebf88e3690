import assert from "node:assert/strict";
import { copyPlainData, describeValue } from "../../src/plan/plain_data.ts";

/** A Proxy whose every trap fails the test. */
function untouchable(): object {
  const handler = new Proxy({}, {
    get(_, trap) {
      return () => assert.fail(`trap ${String(trap)} ran`);
    },
  });
  return new Proxy({}, handler);
}

Deno.test("copyPlainData: plain data is copied; shared objects stay shared", () => {
  const task = { id: "A", title: "a", dependencies: [] };
  const r = copyPlainData({ version: 1, tasks: [task, task], note: undefined });
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    version: 1,
    tasks: [task, task],
    note: undefined,
  });
  const tasks = (r.value as { tasks: object[] }).tasks;
  assert.notEqual(tasks[0], task);
  assert.equal(tasks[0], tasks[1]);
});

Deno.test("copyPlainData: a key named __proto__ stays a key", () => {
  const r = copyPlainData(JSON.parse('{"commands": {"__proto__": "make"}}'));
  assert.ok(r.ok);
  const commands = (r.value as { commands: object }).commands;
  assert.equal(Object.getPrototypeOf(commands), Object.prototype);
  assert.deepEqual(Object.keys(commands), ["__proto__"]);
});

Deno.test("copyPlainData: a Proxy is reported at its path without running a trap", () => {
  const r = copyPlainData({ tasks: [{ id: "A", commands: untouchable() }] });
  assert.ok(!r.ok);
  assert.deepEqual(r.path, ["tasks", 0, "commands"]);
  assert.equal(r.problem, "a Proxy");
  const root = copyPlainData(untouchable());
  assert.ok(!root.ok);
  assert.deepEqual(root.path, []);
});

Deno.test("copyPlainData: functions, symbols, bigints and class instances are not plain", () => {
  for (
    const [value, problem] of [
      [() => 1, "a function"],
      [Symbol("s"), "a symbol"],
      [1n, "a bigint"],
      [new Date(0), "a Date"],
      [new Map(), "a Map"],
      [new (class Task {})(), "a Task"],
    ] as const
  ) {
    const r = copyPlainData({ version: 1, project: { name: value } });
    assert.ok(!r.ok, problem);
    assert.deepEqual(r.path, ["project", "name"]);
    assert.equal(r.problem, problem);
  }
});

Deno.test("copyPlainData: a getter that throws, a cycle and deep nesting are reported", () => {
  const getter = copyPlainData({
    get tasks() {
      throw new TypeError("nope");
    },
  });
  assert.ok(!getter.ok);
  assert.deepEqual(getter.path, ["tasks"]);
  assert.equal(getter.problem, "a property that threw TypeError: nope");

  const plan: Record<string, unknown> = { version: 1 };
  plan.tasks = [{ id: "A", plan }];
  const cycle = copyPlainData(plan);
  assert.ok(!cycle.ok);
  assert.deepEqual(cycle.path, ["tasks", 0, "plan"]);
  assert.match(cycle.problem, /contains it/);
  // The containers on the path exist in the partial copy, for locating.
  assert.equal(
    ((cycle.partial as { tasks: { id: string }[] }).tasks[0]!).id,
    "A",
  );

  let deep: unknown = [];
  for (let i = 0; i < 1000; i++) deep = [deep];
  const nested = copyPlainData(deep);
  assert.ok(!nested.ok);
  assert.match(nested.problem, /^nesting deeper than 100 levels/);
});

Deno.test("describeValue: describes any value without running its code", () => {
  const hostile = {
    toString: () => assert.fail("toString ran"),
    get [Symbol.toStringTag]() {
      return assert.fail("toStringTag ran");
    },
  };
  assert.equal(describeValue(hostile), "an object");
  assert.equal(describeValue(untouchable()), "a Proxy");
  assert.equal(describeValue(Object.create(null)), "an object");
  assert.equal(describeValue(new RangeError("late")), "RangeError: late");
  assert.equal(describeValue("x".repeat(300)).length, 203);
  assert.equal(describeValue(undefined), "undefined");
});

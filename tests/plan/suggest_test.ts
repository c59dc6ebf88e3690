import assert from "node:assert/strict";
import { closest } from "../../src/plan/suggest.ts";

Deno.test("closest: likely typos find their word", () => {
  const keys = ["dependencies", "description", "title", "type", "timebox"];
  assert.equal(closest("dependecies", keys), "dependencies");
  assert.equal(closest("titel", keys), "title");
  assert.equal(closest("timebx", keys), "timebox");
  assert.equal(closest("Type", keys), "type"); // case does not count
});

Deno.test("closest: unrelated words find nothing", () => {
  assert.equal(closest("owner", ["id", "title", "type"]), undefined);
  assert.equal(closest("zzz", ["dependencies"]), undefined);
  assert.equal(closest("x", []), undefined);
});

Deno.test("closest: short words allow two edits, long ones a third of their length", () => {
  assert.equal(closest("ab", ["cd"]), undefined); // two edits replace the whole word
  assert.equal(closest("abc", ["axy"]), "axy");
  assert.equal(closest("abcdefghi", ["abcxyzghi"]), "abcxyzghi");
  assert.equal(closest("abcdefghi", ["awxyzfghi"]), undefined);
});

Deno.test("closest: the first of equally near candidates wins", () => {
  assert.equal(closest("tast", ["test", "task"]), "test");
  assert.equal(closest("tast", ["task", "test"]), "task");
});

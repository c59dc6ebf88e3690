import assert from "node:assert/strict";
import { duplicateKey } from "../../../src/plan/parse/json_duplicates.ts";

Deno.test("duplicateKey: a key twice in one object, wherever it is", () => {
  assert.deepEqual(duplicateKey('{"a": 1, "a": 2}'), { offset: 9, key: "a" });
  assert.deepEqual(duplicateKey('[{"x": {"b": [1, {"c": 1}], "b": 0}}]'), {
    offset: 28,
    key: "b",
  });
  // Escapes are decoded before comparing: "\u0061" is "a".
  assert.deepEqual(duplicateKey('{"a": 1, "\\u0061": 2}'), {
    offset: 9,
    key: "a",
  });
});

Deno.test("duplicateKey: the same key in sibling or nested objects is fine", () => {
  assert.equal(duplicateKey('[{"a": 1}, {"a": 2}]'), undefined);
  assert.equal(
    duplicateKey('{"a": {"a": {"a": 1}}, "b": ["a", "a"]}'),
    undefined,
  );
  // Strings that look like keys are values here.
  assert.equal(duplicateKey('{"a": "a", "b": "a\\"", "c": "\\\\"}'), undefined);
  assert.equal(duplicateKey('{"a": ",", "b": "{"}'), undefined);
});

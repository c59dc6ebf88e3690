import assert from "node:assert/strict";
import {
  coarseLocator,
  MAX_SCANS,
} from "../../../src/plan/parse/coarse_position.ts";

Deno.test("coarseLocator: a key written once is found, in block, flow and JSON style", () => {
  const yaml = coarseLocator(
    "version: 1\ntasks:\n  - id: A\n    titel: a\n  - { id: B, typ: x }\n",
  );
  assert.deepEqual(yaml.position(["tasks", 0, "titel"]), { line: 4, col: 5 });
  assert.deepEqual(yaml.position(["tasks", 1, "typ"]), { line: 5, col: 14 });
  assert.deepEqual(yaml.position(["version"]), { line: 1, col: 1 });
  const json = coarseLocator(
    '{"version": 1,"tasks": [{"id": "A","titel": "a"}]}',
  );
  assert.deepEqual(json.position(["tasks", 0, "titel"]), { line: 1, col: 36 });
});

Deno.test("coarseLocator: a key written twice, or never, has no position; a path of indices is the start", () => {
  const at = coarseLocator("tasks:\n  - id: A\n  - id: B\ntitle: id: x\n");
  assert.equal(at.position(["tasks", 1, "id"]), undefined);
  assert.equal(at.position(["tasks", 1, "nope"]), undefined);
  assert.deepEqual(at.position([]), { line: 1, col: 1 });
  // Values that merely contain the key do not count.
  assert.deepEqual(
    coarseLocator("a: see titel: here\ntitel: 1\n").position(["titel"]),
    { line: 2, col: 1 },
  );
});

Deno.test("coarseLocator: scans are bounded per source", () => {
  const keys = Array.from({ length: MAX_SCANS + 5 }, (_, i) => `k${i}`);
  const at = coarseLocator(keys.map((k) => `${k}: 1`).join("\n"));
  const found = keys.filter((k) => at.position([k]) !== undefined);
  assert.equal(found.length, MAX_SCANS);
  assert.deepEqual(at.position(["k0"]), { line: 1, col: 1 }, "remembered");
});

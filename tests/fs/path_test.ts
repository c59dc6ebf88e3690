import assert from "node:assert/strict";
import * as node from "node:path";
import fc from "fast-check";
import * as ours from "../../src/fs/path.ts";

const port = ours.posixPort;
const segment = fc.constantFrom(
  "",
  ".",
  "..",
  "a",
  "b.c",
  "/",
  "//",
  "run.jsonl",
  ".jsonl",
  "x/",
  "...",
);
const path = fc.array(segment, { maxLength: 5 }).map((parts) => parts.join(""));
const joined = fc.array(segment, { maxLength: 5 }).map((parts) =>
  parts.join("/")
);
const anyPath = fc.oneof(path, joined);

Deno.test("path: the POSIX port gives node:path's results on random paths", () => {
  fc.assert(
    fc.property(
      fc.array(anyPath, { maxLength: 4 }),
      anyPath,
      anyPath,
      (many, a, b) => {
        assert.equal(port.join(...many), node.posix.join(...many), "join");
        assert.equal(
          port.resolve(...many),
          node.posix.resolve(...many),
          "resolve",
        );
        assert.equal(
          port.relative(a, b),
          node.posix.relative(a, b),
          "relative",
        );
        assert.equal(port.dirname(a), node.posix.dirname(a), "dirname");
        assert.equal(port.basename(a), node.posix.basename(a), "basename");
        assert.equal(
          port.basename(a, b),
          node.posix.basename(a, b),
          "basename suffix",
        );
        assert.equal(
          port.basename(a, ".jsonl"),
          node.posix.basename(a, ".jsonl"),
        );
        assert.equal(port.normalize(a), node.posix.normalize(a), "normalize");
        assert.equal(
          port.isAbsolute(a),
          node.posix.isAbsolute(a),
          "isAbsolute",
        );
      },
    ),
    { numRuns: 5000, seed: 3 },
  );
});

Deno.test("path: the module's functions are node:path's on this system", () => {
  const cases = ["", "/", "a/b/../c", "/x/y/", ".codex/runs/r1.jsonl", "../up"];
  for (const a of cases) {
    for (const b of cases) {
      assert.equal(ours.join(a, b), node.join(a, b));
      assert.equal(ours.resolve(a, b), node.resolve(a, b));
      assert.equal(ours.relative(a, b), node.relative(a, b));
    }
    assert.equal(ours.dirname(a), node.dirname(a));
    assert.equal(ours.basename(a, ".jsonl"), node.basename(a, ".jsonl"));
    assert.equal(ours.isAbsolute(a), node.isAbsolute(a));
    assert.equal(ours.posix.normalize(a), node.posix.normalize(a));
  }
  assert.equal(ours.sep, node.sep);
});

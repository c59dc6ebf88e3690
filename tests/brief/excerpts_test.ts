/**
 * A brief's excerpts show the matched symbol's own body (not its class's
 * docstring), the function that calls it, and the test exercising it.
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const doc = Array.from({ length: 30 }, (_, i) => `    Line ${i} of the docs.`)
  .join("\n");

function project() {
  return tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: Pending lines are lost
    description: >
      \`Buffer.flush_pending\` drops the last line; the fix may be where it is
      called.
    commands: { test: "true" }
`,
    "pkg/buffer.py": `class Buffer:
    """A line buffer.

${doc}
    """

    def push(self, line):
        self.lines.append(line)

    def flush_pending(self, out):
        for line in self.lines[:-1]:
            out.write(line)
        self.lines = []
`,
    "pkg/writer.py": `from .buffer import Buffer


def unrelated():
    return 1


def emit_report(rows, out):
    buf = Buffer()
    for row in rows:
        buf.push(row)
    buf.flush_pending(out)
`,
    "tests/test_buffer.py": `from pkg.buffer import Buffer


def test_flush_pending_keeps_lines():
    b = Buffer()
    b.push("x")
    b.flush_pending([])
`,
  });
}

Deno.test("brief excerpts: the method's body, its caller's body and callees, and its test", async () => {
  const dir = await project();
  const r = await cli(["brief", "T", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const code: {
    path: string;
    excerpts: { start: number; why: string; text: string }[];
    calls: { name: string; path: string; line: number }[];
  }[] = JSON.parse(r.stdout).code;
  const byPath = new Map(code.map((c) => [c.path, c]));
  const own = byPath.get("pkg/buffer.py")!.excerpts;
  assert.ok(
    own.some((e) => e.text.startsWith("    def flush_pending(self, out):")),
  );
  assert.ok(own.every((e) => !e.text.includes("Line 3 of the docs")));
  const caller = byPath.get("pkg/writer.py");
  assert.ok(caller, JSON.stringify(code.map((c) => c.path)));
  const use = caller.excerpts.find((e) => e.why.includes("in emit_report"))!;
  assert.match(use.text, /^def emit_report\(rows, out\):/);
  assert.match(use.text, /buf\.flush_pending\(out\)/);
  assert.ok(!caller.excerpts.some((e) => e.text.includes("def unrelated")));
  // What the caller's shown code calls, with where it is declared.
  assert.deepEqual(caller.calls, [
    { name: "Buffer", path: "pkg/buffer.py", line: 1 },
    { name: "push", path: "pkg/buffer.py", line: 36 },
    { name: "flush_pending", path: "pkg/buffer.py", line: 39 },
  ]);
  const test = byPath.get("tests/test_buffer.py");
  assert.ok(test, JSON.stringify(code.map((c) => c.path)));
  assert.ok(
    test.excerpts.some((e) =>
      e.text.includes("def test_flush_pending_keeps_lines")
    ),
  );
});

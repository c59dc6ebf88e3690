/**
 * Text the ticket quotes is searched as text: `orchestrate search --text`
 * (ripgrep when present, the index's own scan otherwise: the same answer),
 * honouring .gitignore; and the brief finds the module printing a quoted
 * message and the test pinning it.
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

function project() {
  return tempProject({
    ".gitignore": "build/\n",
    "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: Suggest less eagerly
    description: >
      The CLI prints "Did you mean 'x'?" for names nowhere near a command.
    paths: { forbidden: [legacy/] }
    commands: { test: "true" }
`,
    "tool/main.py":
      'def report(name, best):\n    print("Did you mean %r?" % best)\n',
    "tool/other.py": "def other():\n    pass\n",
    "tests/test_main.py":
      'def test_hint(capsys):\n    assert "Did you mean" in capsys.readouterr().out\n',
    "build/main.py": 'print("Did you mean it?")\n',
    "legacy/old.py": 'print("Did you mean this?")\n',
  });
}

Deno.test("search --text: lines holding the text, ignored and (with --task) forbidden files left out, with or without ripgrep", async () => {
  const dir = await project();
  const r = await cli(["search", "--text", "did you mean"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assert.ok(lines.includes('tool/main.py:2: print("Did you mean %r?" % best)'));
  assert.ok(lines.some((l) => l.startsWith("tests/test_main.py:2: ")));
  assert.ok(!r.stdout.includes("build/"), r.stdout);
  // Without ripgrep on PATH: the index's own scan gives the same lines.
  const scan = await cli(["search", "--text", "did you mean"], {
    cwd: dir,
    env: { PATH: "/nonexistent" },
  });
  assert.equal(scan.code, 0, scan.stderr);
  assert.equal(scan.stdout, r.stdout);
  const json = await cli(["search", "--text", "Did you mean", "--json"], {
    cwd: dir,
  });
  const hits = JSON.parse(json.stdout).text;
  assert.ok(
    hits.some((h: { path: string; line: number }) =>
      h.path === "tool/main.py" && h.line === 2
    ),
  );
  // Without a task nothing is forbidden; with --task, its forbidden paths go.
  assert.ok(r.stdout.includes("legacy/old.py:1: "), r.stdout);
  for (const args of [["--text", "did you mean"], ["old"]]) {
    const scoped = await cli(["search", ...args, "--task", "T"], { cwd: dir });
    assert.equal(scoped.code, 0, scoped.stderr);
    assert.ok(!scoped.stdout.includes("legacy/"), scoped.stdout);
  }
  const unknown = await cli(["search", "x", "--task", "U"], { cwd: dir });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /Unknown task "U"/);
  const none = await cli(["search", "--text", "no such words here"], {
    cwd: dir,
  });
  assert.equal(none.code, 0);
  assert.match(
    none.stderr,
    /No indexed file holds the text "no such words here"/,
  );
});

Deno.test("brief: a quoted message finds the code printing it and its test, never a forbidden or ignored copy", async () => {
  const dir = await project();
  const r = await cli(["brief", "T"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const code = r.stdout.slice(r.stdout.indexOf("## Relevant code"));
  assert.match(code, /### tool\/main\.py \(contains "Did you mean/);
  assert.match(code, /print\("Did you mean %r\?" % best\)/);
  assert.match(code, /### tests\/test_main\.py/);
  assert.ok(!code.includes("tool/other.py"), code);
  assert.ok(!code.includes("legacy/") && !code.includes("build/"), code);
});

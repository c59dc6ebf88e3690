/** A brief carries the project's versions and the conventions it declares. */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

Deno.test("brief: versions (rust-version, engines, packageManager, requires-python) and conventions (changelog, doc markers, formatter, linter, tests, src layout)", async () => {
  const dir = await tempProject({
    "orchestrator.yml":
      'version: 1\ntasks: [{id: T, title: "Add a flag", commands: {c: "true"}}]\n',
    "Cargo.toml":
      '[package]\nname = "x"\nedition = "2021"\nrust-version = "1.74"\n',
    "package.json":
      '{"engines": {"node": ">=20"}, "packageManager": "pnpm@9.1.0"}\n',
    "pyproject.toml":
      '[project]\nname = "kit"\nrequires-python = ">=3.10"\n\n[tool.ruff]\nline-length = 100\n\n[tool.pytest.ini_options]\naddopts = "-q"\n',
    "CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n\n## [1.2.0]\n",
    ".editorconfig":
      "root = true\n\n[*]\nindent_style = space\nindent_size = 4\n",
    "docs/api.rst": "run\n===\n\n.. versionchanged:: 1.2\n   Takes a flag.\n",
    "src/kit/__init__.py": "",
    "src/kit/core.py": "def run():\n    pass\n",
    "tests/conftest.py": "",
    "tests/test_core.py": "from kit.core import run\n",
  });
  const r = await cli(["brief", "T", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const brief = JSON.parse(r.stdout);
  const details = brief.toolchain.map((f: { detail: string }) => f.detail);
  for (
    const d of [
      "edition 2021",
      "rust-version 1.74",
      "node >=20",
      "package manager pnpm@9.1.0",
      "python >=3.10",
    ]
  ) assert.ok(details.includes(d), `${d} in ${details}`);
  const conventions: { topic: string; detail: string; source: string }[] =
    brief.conventions;
  const find = (topic: string, re: RegExp) =>
    conventions.find((c) => c.topic === topic && re.test(c.detail));
  assert.equal(
    find("changelog", /Unreleased/)?.detail,
    'new entries go under "## [Unreleased]"',
  );
  assert.equal(find("docs", /versionchanged/)?.source, "docs/api.rst:4");
  assert.ok(find("lint", /^ruff: line-length = 100$/));
  assert.ok(
    find("format", /^editorconfig: indent_style = space, indent_size = 4$/),
  );
  assert.ok(find("tests", /^pytest: addopts = "-q"$/));
  assert.ok(
    find("tests", /test_\*\.py \(1\).*shared fixtures: tests\/conftest\.py/),
  );
  assert.match(
    find("imports", /src layout/)!.detail,
    /PYTHONPATH=src python -m pytest/,
  );
  const md = await cli(["brief", "T"], { cwd: dir });
  assert.match(
    md.stdout,
    /## Conventions\n\n- changelog: new entries go under/,
  );
});

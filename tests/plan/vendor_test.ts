/**
 * The vendored packages (src/plan/vendor/) are the locked packages' own
 * files at the versions deno.json pins: byte for byte, but for js-yaml's
 * module, whose non-ASCII characters are escaped (see its README).
 * @module
 */

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import main from "../../deno.json" with { type: "json" };
import { repoPath } from "../_cli.ts";
import { staticImports } from "../_deno_info.ts";
import { asciiEscaped } from "../../scripts/vendor_ascii.ts";

const require = createRequire(import.meta.url);

/** The folder of the locked package `name` (its CommonJS `main` resolved, then up to `up`). */
function packageDir(name: string, up: string): string {
  return join(dirname(require.resolve(name)), up);
}

/** Files copied with their non-ASCII characters escaped (scripts/vendor_ascii.ts). */
const ESCAPED = new Set(["js_yaml.mjs"]);

const COPIES: [string, string, [string, string][]][] = [
  ["js-yaml", "..", [
    ["dist/js-yaml.mjs", "js_yaml.mjs"],
    ["dist/js-yaml.d.ts", "js_yaml.d.mts"],
    ["LICENSE", "js_yaml.LICENSE"],
  ]],
  ["fastest-levenshtein", ".", [
    ["esm/mod.js", "fastest_levenshtein.mjs"],
    ["esm/mod.d.ts", "fastest_levenshtein.d.mts"],
    ["LICENSE.md", "fastest_levenshtein.LICENSE"],
  ]],
];

Deno.test("vendor: each copy is the locked package's file, and the package is the version deno.json pins", async () => {
  for (const [name, up, files] of COPIES) {
    const dir = packageDir(name, up);
    const pkg = JSON.parse(
      await Deno.readTextFile(join(dir, "package.json")),
    ) as { name: string; version: string };
    assert.equal(pkg.name, name);
    const imports: Record<string, string> = main.imports;
    assert.equal(imports[name], `npm:${name}@${pkg.version}`);
    for (const [from, to] of files) {
      const original = await Deno.readFile(join(dir, from));
      assert.deepEqual(
        await Deno.readFile(repoPath(`src/plan/vendor/${to}`)),
        ESCAPED.has(to)
          ? new TextEncoder().encode(
            asciiEscaped(new TextDecoder().decode(original)),
          )
          : original,
        `src/plan/vendor/${to} differs from ${name}@${pkg.version}'s ${from}: copy it again (src/plan/vendor/README.md)`,
      );
    }
  }
});

Deno.test("vendor: the copies load as local modules, no npm package on plan validate's path", async () => {
  const { load } = await import("../../src/plan/vendor/js_yaml.mjs");
  assert.deepEqual(load("a: [1, b]\n"), { a: [1, "b"] });
  const { distance } = await import(
    "../../src/plan/vendor/fastest_levenshtein.mjs"
  );
  assert.equal(distance("validate", "valdate"), 1);
  const seen = await staticImports("src/plan/checker.ts");
  assert.deepEqual([...seen].filter((s) => !s.startsWith("file:")), []);
});

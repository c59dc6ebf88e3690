/**
 * The engine imports no feature folder: agent/ plugs in through its step
 * handlers (the CLI passes them to the run), never the other way round.
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join, relative, resolve } from "node:path";
import { repoPath } from "../_cli.ts";

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["'](\.[^"']+)["']|\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;

/** Every relative import (static, type-only, dynamic) of the modules under `dir`, as `file -> target` relative to src/. */
function importsUnder(dir: string, src: string): string[] {
  const found: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) found.push(...importsUnder(path, src));
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    // Doc comments may name other folders; only code imports count.
    const text = Deno.readTextFileSync(path).replace(/\/\*[\s\S]*?\*\//g, "");
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(path), m[1] ?? m[2]!);
      found.push(`${relative(src, path)} -> ${relative(src, target)}`);
    }
  }
  return found;
}

Deno.test("engine: no module under src/engine imports the agent or CLI folders", () => {
  const src = repoPath("src");
  const imports = importsUnder(join(src, "engine"), src);
  assert.ok(
    imports.includes("engine/task_runner.ts -> engine/steps/groups.ts"),
    "the scan sees imports",
  );
  assert.deepEqual(
    imports.filter((i) => / -> (agent|cli)\//.test(i)),
    [],
  );
});

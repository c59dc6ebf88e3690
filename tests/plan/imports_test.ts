/**
 * The plan layer has no import cycles (static, type-only or dynamic): a
 * cycle makes load order matter and hides which module owns what.
 * @module
 */

import assert from "node:assert/strict";
import { join, normalize } from "node:path";
import { findCycles } from "../../src/graph/cycles.ts";
import { repoPath } from "../_cli.ts";

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*["'](\.[^"']+)["']|\bimport\(\s*["'](\.[^"']+)["']\s*\)/g;

/** Relative imports of every module of `dir`, as paths relative to `dir`. */
function importsOf(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of Deno.readDirSync(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
    // Doc examples import the module they document: not an import.
    const text = Deno.readTextFileSync(join(dir, entry.name))
      .replace(/\/\*[\s\S]*?\*\//g, "");
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => normalize(m[1] ?? m[2]!))
      .filter((t) => !t.startsWith(".."));
    graph.set(entry.name, targets);
  }
  return graph;
}

Deno.test("plan: no module of src/plan imports itself through others", () => {
  const graph = importsOf(repoPath("src/plan"));
  assert.ok(
    graph.get("load.ts")?.includes("checker.ts"),
    "the scan sees imports",
  );
  const cycles = findCycles(
    [...graph].map(([id, dependencies]) => ({ id, dependencies })),
  );
  assert.deepEqual(cycles, []);
});

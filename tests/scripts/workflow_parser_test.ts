/**
 * The workflow tests' GitHub parser loads and tells a bad workflow from a
 * good one (so an empty list of problems means something).
 * @module
 */

import assert from "node:assert/strict";
import { parserProblems } from "./_workflow_parser.ts";

const JOB = "    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n";

Deno.test("GitHub's workflow parser (bundled): a misspelt key and a need of no job are errors; a valid workflow has none", async () => {
  assert.deepEqual(
    await parserProblems(`on: push\njobs:\n  a:\n${JOB}`, "ok.yml"),
    [],
  );
  assert.deepEqual(
    await parserProblems(
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n",
      "bad.yml",
    ),
    ["bad.yml (Line: 5, Col: 5): Unexpected value 'stepz'"],
  );
  const needs = await parserProblems(
    `on: push\njobs:\n  a:\n${JOB}  b:\n    needs: [c]\n${JOB}`,
    "needs.yml",
  );
  assert.equal(needs.length, 1, needs.join("\n"));
  assert.match(needs[0]!, /\bc\b/);
});

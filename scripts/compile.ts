/**
 * Builds the `orchestrate` binary with `deno compile`.
 * Usage: deno task compile [--output PATH]   (default: dist/orchestrate)
 *
 * `deno compile` downloads the Deno runtime for the target on first use;
 * where that download is impossible (no network), this says so plainly
 * instead of printing a backtrace, and exits 1 without a binary.
 * @module
 */

import { parseArgs } from "node:util";

/**
 * Runtime flags baked into the binary (tests run the CLI with the same): the
 * permissions, and the unstable `Worker` option that narrows the permissions
 * of the worker evaluating `orchestrator.ts` (`src/plan/load_ts.ts`).
 */
export const PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  "--unstable-worker-options",
];

/**
 * Modules `deno compile` must embed although nothing imports them: the DSL
 * source (`init --ts` copies it out) and the plan worker's entry, which is
 * started with `new Worker(new URL(...))`; worker code is not embedded
 * unless it is passed with `--include`.
 */
export const INCLUDES: readonly string[] = [
  "src/dsl/dsl.ts",
  "src/plan/ts_plan_worker.ts",
];

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * The `deno compile` arguments that build the binary at `output`.
 *
 * @example
 * ```ts
 * import { compileArgs } from "./compile.ts";
 * compileArgs("dist/orchestrate").at(-1); // "src/main.ts"
 * ```
 */
export function compileArgs(output: string): string[] {
  return [
    "compile",
    ...PERMISSIONS,
    ...INCLUDES.flatMap((path) => ["--include", path]),
    "--output",
    output,
    "src/main.ts",
  ];
}

/**
 * Whether `deno compile`'s error output says it could not download the
 * runtime (DNS, connection or request failures).
 *
 * @example
 * ```ts
 * import { isDownloadFailure } from "./compile.ts";
 * isDownloadFailure("error sending request for url (https://x/denort.zip): dns error"); // true
 * isDownloadFailure("error: Module not found"); // false
 * ```
 */
export function isDownloadFailure(stderr: string): boolean {
  return /denort|error sending request|dns error|failed to lookup address|Connection refused|tcp connect|network is unreachable/i
    .test(stderr) && !/Module not found|TS\d{4}/.test(stderr);
}

/** Outcome of a build. */
export type CompileResult =
  | { ok: true }
  | { ok: false; offline: boolean; stderr: string };

/**
 * Runs `deno compile` (the Deno running this script) from the repository root.
 *
 * @example
 * ```ts ignore
 * import { compile } from "./compile.ts";
 * const r = await compile("/tmp/orchestrate");
 * ```
 */
export async function compile(output: string): Promise<CompileResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(output),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (out.success) return { ok: true };
  const stderr = new TextDecoder().decode(out.stderr);
  return { ok: false, offline: isDownloadFailure(stderr), stderr };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { output: { type: "string", default: "dist/orchestrate" } },
  });
  const r = await compile(values.output);
  if (r.ok) {
    console.log(`Built ${values.output}`);
  } else if (r.offline) {
    console.error(
      `deno compile cannot download its runtime here (no network access), so ${values.output} was not built.\n` +
        "Build on a machine with network access, or point DENORT_BIN at a local denort binary.",
    );
    Deno.exit(1);
  } else {
    console.error(r.stderr);
    Deno.exit(1);
  }
}

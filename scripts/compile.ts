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

// The runtime flags live in src/ (the workflow export writes them too); re-exported for the scripts and tests.
export {
  CEILING,
  FROM_SOURCE,
  PERMISSIONS,
  SOURCE_FLAGS,
} from "../src/runtime_flags.ts";
import { CEILING, PERMISSIONS } from "../src/runtime_flags.ts";

/**
 * Files `deno compile` must embed although nothing imports them: the DSL
 * source (`init --ts` copies it out, `plan check` type-checks against it),
 * Deno's globals for `plan check` (TypeScript's own lib files come with the
 * embedded `typescript` package), and the plan worker's entry, which is
 * started with `new Worker(new URL(...))`; worker code is not embedded
 * unless it is passed with `--include`.
 */
export const INCLUDES: readonly string[] = [
  "src/dsl/dsl.ts",
  "src/plan/ts/deno_globals.d.ts",
  "src/plan/ts/ts_plan_worker.ts",
];

/**
 * The platforms a release is built for (`deno compile --target`), in the
 * order the release lists them. `scripts/install.sh` downloads
 * `orchestrate-<target>` (`.exe` on Windows) from a release.
 */
export const TARGETS = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
] as const;

/** One of {@link TARGETS}. */
export type Target = typeof TARGETS[number];

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * The `deno compile` arguments that build the binary at `output`.
 *
 * @example
 * ```ts
 * import { compileArgs } from "./compile.ts";
 * compileArgs("dist/orchestrate").at(-1); // "src/main.ts"
 * compileArgs("out.exe", "x86_64-pc-windows-msvc").slice(1, 3); // ["--target", "x86_64-pc-windows-msvc"]
 * ```
 */
export function compileArgs(output: string, target?: Target): string[] {
  return [
    "compile",
    ...(target === undefined ? [] : ["--target", target]),
    ...PERMISSIONS,
    ...CEILING,
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
 * Runs `deno compile` (the Deno running this script) from the repository root,
 * for `target` (default: this machine).
 *
 * @example
 * ```ts ignore
 * import { compile } from "./compile.ts";
 * const r = await compile("/tmp/orchestrate");
 * ```
 */
export async function compile(
  output: string,
  target?: Target,
): Promise<CompileResult> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: compileArgs(output, target),
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

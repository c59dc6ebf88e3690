/**
 * The Deno flags orchestrate runs under: those the release binary bakes in
 * (`scripts/compile.ts`), and those a run from source adds. One list for
 * the compile script, the launcher, the tests and the exported workflow's
 * install-from-source shim.
 * @module
 */

/**
 * Runtime flags baked into the binary (tests run the CLI with the same): the
 * permissions, and the unstable `Worker` option that narrows the permissions
 * of the worker evaluating `orchestrator.ts` (`src/plan/ts/load_ts.ts`).
 */
export const PERMISSIONS: readonly string[] = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  // The sandbox runtime's filtering proxies listen on local sockets.
  "--allow-net",
  "--unstable-worker-options",
];

/**
 * Flags for running `src/main.ts` from source (`deno task orchestrate`, the
 * `deno task install` launcher, the tests and the bench), on top of
 * {@link PERMISSIONS}: load a dynamic `import()` when it runs, as the
 * compiled binary does, instead of reading every module any command could
 * import (~200 files) before the first line runs. Measured: `plan validate`
 * of a small plan 109 → 82 ms, `--version` 63 → 47 ms. Not a compile flag:
 * the binary embeds every module and loads each on first use anyway.
 */
export const FROM_SOURCE: readonly string[] = [
  "--unstable-lazy-dynamic-imports",
];

/** {@link PERMISSIONS} then {@link FROM_SOURCE}: how source runs are started. */
export const SOURCE_FLAGS: readonly string[] = [...PERMISSIONS, ...FROM_SOURCE];

/**
 * The rest of the binary's permission ceiling: never prompt (a missing
 * permission is an error the CLI reports with the flag to add, not a
 * question on a terminal that may be a CI log). Network access is granted
 * only for the sandbox runtime's local filtering proxies; `run
 * --allow-net=none` revokes it at start. Kept apart from {@link PERMISSIONS}
 * because `deno run` in the tests never prompts without a terminal.
 */
export const CEILING: readonly string[] = ["--no-prompt"];

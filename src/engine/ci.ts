/**
 * CI run identifiers, recorded in `run_started` for cross-referencing.
 * @module
 */

const CI_VARIABLES = [
  "CI",
  "GITHUB_RUN_ID",
  "GITHUB_RUN_ATTEMPT",
  "GITHUB_RUN_NUMBER",
  "GITHUB_WORKFLOW",
  "GITHUB_JOB",
  "GITHUB_SHA",
  "GITHUB_REF",
  "GITHUB_REPOSITORY",
  "GITHUB_SERVER_URL",
  "CI_PIPELINE_ID",
  "CI_JOB_ID",
  "CI_COMMIT_SHA",
  "BUILDKITE_BUILD_ID",
  "BUILDKITE_JOB_ID",
  "CIRCLE_WORKFLOW_ID",
  "CIRCLE_BUILD_NUM",
  "BUILD_ID",
] as const;

/**
 * The CI variables present in the environment.
 *
 * @example
 * ```ts ignore
 * ciInfo(); // { CI: "true", GITHUB_RUN_ID: "1234" } on GitHub Actions
 * ```
 */
export function ciInfo(
  env: (name: string) => string | undefined = (n) => Deno.env.get(n),
): Record<string, string> {
  const info: Record<string, string> = {};
  for (const name of CI_VARIABLES) {
    const value = env(name);
    if (value !== undefined) info[name] = value;
  }
  return info;
}

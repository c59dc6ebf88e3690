/**
 * `orchestrate export github-actions [--out FILE] [--check]`: the plan as a
 * GitHub Actions workflow (see src/export/github_actions.ts), written to
 * `.github/workflows/orchestrate.yml` beside the plan, or compared with it.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { defineCommand } from "./command.ts";
import { checkPlanOrThrow, FILE_OPTION, planPath } from "./plan_source.ts";
import { EXIT_CODE, UsageError } from "./errors.ts";
import type { ExitCode } from "../exit_code.ts";
import { type Install, INSTALLS } from "../export/job_steps.ts";

/** Where the workflow goes unless `--out` says otherwise, from the plan's folder. */
const DEFAULT_OUT = ".github/workflows/orchestrate.yml";
/** The repository whose releases the jobs install (as scripts/install.sh). */
const DEFAULT_RELEASE_REPO = "orchestrate/orchestrate";

const githubActionsCommand = defineCommand({
  name: "github-actions",
  summary:
    "Write the plan as a GitHub Actions workflow: tasks as jobs, gates as environments",
  options: {
    file: FILE_OPTION,
    out: {
      type: "string",
      value: "FILE",
      description:
        `Where to write it (default: ${DEFAULT_OUT} beside the plan)`,
    },
    check: {
      type: "boolean",
      description:
        "Write nothing: exit 1 when the file differs from what the plan gives, 0 when equal",
    },
    install: {
      type: "string",
      value: "HOW",
      description:
        "How each job installs orchestrate: binary (the release binary, checksum checked; default) or deno (setup-deno and orchestrate's source at the release tag)",
    },
    "release-repo": {
      type: "string",
      value: "OWNER/NAME",
      description:
        `The GitHub repository whose release binary each job installs (default: ${DEFAULT_RELEASE_REPO})`,
    },
  },
  run: async ({ options }) => {
    const [
      { dirname, join, relative, resolve },
      { githubActionsWorkflow, MAX_BYTES, MAX_JOBS },
      { VERSION },
      { print },
    ] = await Promise.all([
      import("../fs/path.ts"),
      import("../export/github_actions.ts"),
      import("../version.ts"),
      import("../output/stdio.ts"),
    ]);
    const repo = options["release-repo"] ?? DEFAULT_RELEASE_REPO;
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repo)) {
      throw new UsageError(
        `--release-repo ${JSON.stringify(repo)}: expected OWNER/NAME`,
      );
    }
    const install = options.install ?? "binary";
    if (!(INSTALLS as readonly string[]).includes(install)) {
      throw new UsageError(
        `--install must be one of ${INSTALLS.join(", ")}, not ${
          JSON.stringify(install)
        }`,
      );
    }
    const path = planPath(options.file);
    const { plan } = await checkPlanOrThrow(path);
    const planDir = dirname(resolve(path));
    const out = options.out ?? join(planDir, DEFAULT_OUT);
    const shown = relative(Deno.cwd(), out) || out;
    const result = githubActionsWorkflow(plan, {
      // The plan as the repository names it: the same on every machine.
      source: relative(planDir, resolve(path)),
      version: VERSION,
      releaseRepo: repo,
      install: install as Install,
      flags: [
        ...(install === "binary" ? [] : [`--install ${install}`]),
        ...(repo === DEFAULT_RELEASE_REPO ? [] : [`--release-repo ${repo}`]),
      ].join(" "),
    });
    if (!result.ok) {
      throw new UsageError(
        `cannot export to GitHub Actions: ${result.message}`,
      );
    }
    if (options.check) return await check(out, shown, result.text);
    const { writeFileAtomic } = await import("../fs/write_atomic.ts");
    await Deno.mkdir(dirname(out), { recursive: true });
    writeFileAtomic(out, result.text);
    print(
      `wrote ${shown}: ${result.jobs} job${
        result.jobs === 1 ? "" : "s"
      } for ${plan.tasks.length} task${
        plan.tasks.length === 1 ? "" : "s"
      }, ${result.bytes} bytes (GitHub's limits: ${MAX_JOBS} jobs, ${MAX_BYTES} bytes)`,
    );
    for (const line of result.merged) print(`  merged ${line}`);
    return EXIT_CODE.ok;
  },
});

async function check(
  out: string,
  shown: string,
  text: string,
): Promise<ExitCode> {
  const [{ readRegularText }, { print, printError }] = await Promise.all([
    import("../fs/regular_file.ts"),
    import("../output/stdio.ts"),
  ]);
  let current: string | null;
  try {
    current = await readRegularText(out, 4 * 1024 * 1024);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    current = null;
  }
  if (current === text) {
    print(`${shown} is up to date with the plan`);
    return EXIT_CODE.ok;
  }
  printError(
    `${shown} ${
      current === null ? "does not exist" : "differs from the plan"
    }: run \`orchestrate export github-actions\` and commit it`,
  );
  return EXIT_CODE.failed;
}

/** The `export` command group. */
export const exportCommand: CommandSpec = {
  name: "export",
  summary: "Write the plan for another engine (GitHub Actions)",
  subcommands: [githubActionsCommand],
};

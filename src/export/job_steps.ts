/**
 * The steps of the jobs of an exported workflow: how each installs
 * orchestrate, fetches what its dependencies' jobs made, runs its task(s)
 * alone (`run --task X --only --needs-from`), keeps a cache keyed by the
 * task's fingerprint, and uploads its run log and the task's outputs.
 * @module
 */

import { CEILING, SOURCE_FLAGS } from "../runtime_flags.ts";
import type { Task } from "../plan/ir.ts";

/** How jobs install orchestrate. */
export type Install = "binary" | "deno";

/** The install modes `--install` takes. */
export const INSTALLS: readonly Install[] = ["binary", "deno"];

/** Where a job puts its dependencies' artifacts (one folder each) and its caches. */
export const NEEDS_DIR = ".codex/needs";

/** A step of a job, as YAML. */
export type Step = Record<string, unknown>;

/**
 * Deno's flags for orchestrate from source: those the release binary bakes
 * in, with those a run from source adds (`src/runtime_flags.ts`).
 */
export const SOURCE_RUN_FLAGS: readonly string[] = [
  ...SOURCE_FLAGS,
  ...CEILING,
];

/** The id of every job's install step (a local runner replaces it). */
export const INSTALL_STEP_ID = "install-orchestrate";

const BINARY = `dir="$RUNNER_TEMP/orchestrate" && mkdir -p "$dir" && cd "$dir"
url="https://github.com/$ORCHESTRATE_REPO/releases/download/$ORCHESTRATE_VERSION"
curl -fsSLO "$url/$ORCHESTRATE_ASSET" -O "$url/SHA256SUMS"
grep "  $ORCHESTRATE_ASSET\\$" SHA256SUMS | sha256sum -c -
mv "$ORCHESTRATE_ASSET" orchestrate && chmod +x orchestrate
echo "$dir" >> "$GITHUB_PATH"
`;

const SOURCE =
  `src="$RUNNER_TEMP/orchestrate-src" && bin="$RUNNER_TEMP/orchestrate-bin"
git clone --quiet --depth 1 --branch "$ORCHESTRATE_VERSION" "https://github.com/$ORCHESTRATE_REPO.git" "$src"
mkdir -p "$bin"
printf '#!/bin/sh\\nexec deno run --frozen --config "%s/deno.json" ${
    SOURCE_RUN_FLAGS.join(
      " ",
    )
  } "%s/src/main.ts" "$@"\\n' "$src" "$src" > "$bin/orchestrate"
chmod +x "$bin/orchestrate" && echo "$bin" >> "$GITHUB_PATH"
`;

/**
 * The install script, kept once in the workflow's `env` (each job's step
 * runs it): the release binary, checksum checked, or the source at the
 * release tag with a shim that runs it under Deno with the binary's flags.
 */
export function installScript(install: Install): string {
  return install === "binary" ? BINARY : SOURCE;
}

/** Checkout (no token left in `.git/config` for tasks to read) and install. */
export function setupSteps(install: Install): Step[] {
  const checkout = {
    uses: "actions/checkout@v4",
    with: { "persist-credentials": false },
  };
  const step = {
    id: INSTALL_STEP_ID,
    name: "Install orchestrate",
    run: 'eval "$ORCHESTRATE_INSTALL"\n',
  };
  if (install === "binary") return [checkout, step];
  return [
    checkout,
    {
      uses: "denoland/setup-deno@v2",
      // Its cache keeps Deno's module cache (orchestrate's npm packages) between runs.
      with: {
        "deno-version": "2.9.6",
        cache: true,
        "cache-hash": "orchestrate-${{ env.ORCHESTRATE_VERSION }}",
      },
    },
    step,
  ];
}

/**
 * Downloads the artifacts of `jobs` (the jobs upstream of this one), each
 * into a folder of its own under {@link NEEDS_DIR} (their run logs stay
 * there, where `--needs-from` reads them), and puts the outputs of those
 * in `withOutputs` back into the workspace. An artifact with outputs is
 * rooted at the workspace (the common folder of `.codex/runs/` and the
 * outputs); one without holds only run logs.
 */
export function needsSteps(
  jobs: readonly string[],
  withOutputs: readonly string[],
): Step[] {
  if (jobs.length === 0) return [];
  const names = jobs.map((j) => `orchestrate-${j}`);
  const steps: Step[] = [{
    name: "Download what the jobs it needs made",
    uses: "actions/download-artifact@v4",
    with: {
      // A pattern (never `name`): each artifact lands in a folder of its own.
      pattern: names.length === 1 ? names[0] : `{${names.join(",")}}`,
      path: NEEDS_DIR,
    },
  }];
  if (withOutputs.length > 0) {
    steps.push({
      name: "Restore their outputs into the workspace",
      run: `for job in ${withOutputs.join(" ")}; do
  tar -C "${NEEDS_DIR}/orchestrate-$job" --exclude=./.codex -cf - . | tar -xf -
done
`,
    });
  }
  return steps;
}

/** A gate of a job's task that an environment approves, and its gate job. */
export interface JobGate {
  gate: string;
  environment: string;
  job: string;
}

/**
 * The steps that run a job's tasks, in order, each alone (`run --task X
 * --only`): a cache keyed by the first task's fingerprint (when it has
 * one) that restores the job's earlier run logs (read as history: each
 * task whose fingerprint still matches is skipped as up to date) and the
 * tasks' outputs; then the run, with the gate approvals of its
 * environments; then the copy of its run logs the cache keeps.
 */
export function jobSteps(
  job: string,
  tasks: readonly Task[],
  gates: readonly JobGate[],
): Step[] {
  const head = tasks[0]!;
  const cacheDir = `${NEEDS_DIR}/cache/${job}`;
  const cached = head.inputs.length > 0 && tasks.every((t) => !t.agent);
  const steps: Step[] = [];
  if (cached) {
    steps.push(
      {
        id: "fingerprint",
        name: `Fingerprint ${head.id}`,
        run:
          `mkdir -p ${NEEDS_DIR} && echo "key=$(orchestrate fingerprint ${head.id} --needs-from ${NEEDS_DIR})" >> "$GITHUB_OUTPUT"\n`,
      },
      {
        name: "Cache by its fingerprint",
        if: "steps.fingerprint.outputs.key != ''",
        uses: "actions/cache@v4",
        with: {
          key: `orchestrate-${job}-\${{ steps.fingerprint.outputs.key }}`,
          path: [cacheDir, ...tasks.flatMap((t) => t.outputs)].join("\n") +
            "\n",
        },
      },
    );
  }
  const env: Record<string, string> = {};
  gates.forEach((g, i) => {
    env[`APPROVER_${i}`] = `\${{ needs.${g.job}.outputs.approver }}`;
  });
  steps.push({
    ...(head.agent !== undefined ? { id: "run" } : {}),
    name: tasks.length === 1
      ? `Run ${head.id} through orchestrate`
      : `Run its ${tasks.length} tasks through orchestrate`,
    ...(gates.length > 0 ? { env } : {}),
    run: (tasks.length === 1 ? runScript(head, gates) : loopScript(tasks)) +
      // What the cache keeps (saved when the job ends well): its run logs.
      (cached
        ? `[ "$status" -ne 0 ] || { mkdir -p ${cacheDir} && cp .codex/runs/*.jsonl ${cacheDir}/; }\n`
        : "") +
      'exit "$status"\n',
  });
  return steps;
}

const RUN_FLAGS = `--only --needs-from ${NEEDS_DIR} --no-build`;

/**
 * Several tasks (merged: a chain or a layer; never gates, never agents),
 * each alone and in order; every one runs whatever another did, as a
 * keep_going run would (a chain's later task is blocked by its failed
 * dependency); the job fails with the first failure's code.
 */
function loopScript(tasks: readonly Task[]): string {
  return `mkdir -p ${NEEDS_DIR} && status=0
for task in ${tasks.map((t) => t.id).join(" ")}; do
  orchestrate run --task "$task" ${RUN_FLAGS} || { code=$?; [ "$status" -ne 0 ] || status=$code; }
done
`;
}

/**
 * `run --task X --only`; a pause at gates this job's environments approved
 * (its `needs:` include their jobs) is approved by who approved there, and
 * resumed. An agent's patch stops at `apply_patch`: it goes up as an
 * artifact, applied by nobody.
 */
function runScript(task: Task, gates: readonly JobGate[]): string {
  const id = task.id; // ID_PATTERN: letters, digits, '.', '_', '-'
  const lines = [
    `mkdir -p ${NEEDS_DIR} && status=0`,
    `orchestrate run --task ${id} ${RUN_FLAGS} || status=$?`,
  ];
  if (gates.length > 0) {
    lines.push(
      "round=0",
      `while [ "$status" -eq 3 ] && [ "$round" -lt ${gates.length} ]; do`,
      "  round=$((round + 1))",
      ...gates.map((g, i) =>
        `  orchestrate approve ${
          shellWord(g.gate)
        } --by "$APPROVER_${i}" --note "GitHub environment ${g.environment}, $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" || true`
      ),
      `  status=0 && orchestrate resume --needs-from ${NEEDS_DIR} --no-build || status=$?`,
      "done",
    );
  }
  lines.push('if [ "$status" -eq 3 ]; then');
  if (task.agent !== undefined) {
    lines.push(
      `  echo "::notice::${id}: the agent's validated patch waits at apply_patch; it is in this job's artifact (nothing applied, nothing pushed)"`,
      // The jobs after it do not run, as a local run waits there.
      '  echo "paused=true" >> "$GITHUB_OUTPUT" && status=0',
    );
  } else {
    lines.push(
      `  echo "::error::${id}: paused at a gate no environment of this workflow approves"`,
    );
  }
  lines.push("fi");
  return lines.join("\n") + "\n";
}

/** The job's artifact: its run logs and its tasks' declared outputs. */
export function uploadStep(job: string, tasks: readonly Task[]): Step {
  return {
    name: "Upload its run log and outputs",
    uses: "actions/upload-artifact@v4",
    if: "always()",
    with: {
      name: `orchestrate-${job}`,
      path: [".codex/runs/", ...tasks.flatMap((t) => t.outputs)].join("\n") +
        "\n",
      "include-hidden-files": true,
      "if-no-files-found": "ignore",
    },
  };
}

/**
 * A word for `sh`, single-quoted; `${{` is split (`$''{{`) so GitHub never
 * reads an expression in it (the shell joins it back).
 */
export function shellWord(text: string): string {
  return `'${
    text.replaceAll("'", () => `'\\''`).replaceAll("${{", () => "$''{{")
  }'`;
}

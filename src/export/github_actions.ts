/**
 * A plan as a GitHub Actions workflow: one job per task (its shards run
 * inside it), `dependencies` as `needs:`, a gate as a job bound to a GitHub
 * environment of the gate's name, `constraints.timebox` as
 * `timeout-minutes`. Each job installs the orchestrate release binary
 * (checksum checked, as in the README's "Use in your CI") and runs its task
 * through `orchestrate run --task`, so commands, checks, retries, masking
 * and events are those of a local run; nothing is re-written as YAML steps.
 *
 * Pure: the plan in, the workflow's text (or why it cannot be) out.
 * @module
 */

import { stringify } from "yaml";
import type { Plan, Task } from "../plan/ir.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import { environmentNames, JobIds } from "./job_ids.ts";
import { type JobGroup, jobGroups } from "./job_groups.ts";

/** GitHub's cap on the jobs of one workflow. */
export const MAX_JOBS = 256;
/** GitHub's cap on a workflow file's size, in bytes. */
export const MAX_BYTES = 512_000;

/** How the workflow is made. */
export interface ExportOptions {
  /** The plan file, as the user named it (said in the header). */
  source: string;
  /** orchestrate's version: the release every job installs. */
  version: string;
  /** The GitHub repository that publishes orchestrate's releases. */
  releaseRepo: string;
}

/** The workflow, or why GitHub could not run it. */
export type ExportResult =
  | {
    ok: true;
    text: string;
    jobs: number;
    /** One line per job that runs several tasks: what was merged. */
    merged: string[];
  }
  | { ok: false; message: string };

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The workflow for `plan`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { githubActionsWorkflow } from "./github_actions.ts";
 * const task = {
 *   id: "test", title: "Tests", dependencies: [], gates: [], shards: [],
 *   constraints: { forbidden_paths: [], timebox_ms: 90_000 },
 * } as unknown as import("../plan/ir.ts").Task;
 * const plan = { project: { name: "demo" }, tasks: [task] } as unknown as import("../plan/ir.ts").Plan;
 * const r = githubActionsWorkflow(plan, { source: "plan.yml", version: "0.1.0", releaseRepo: "o/orchestrate" });
 * assert.ok(r.ok && r.text.includes("timeout-minutes: 2"));
 * ```
 */
export function githubActionsWorkflow(
  plan: Plan,
  options: ExportOptions,
): ExportResult {
  for (const task of plan.tasks) {
    const bad = task.gates.find((g) => CONTROL.test(g));
    if (bad !== undefined) {
      return {
        ok: false,
        message: `task ${task.id}: gate ${
          JSON.stringify(bad)
        } has a control character: GitHub cannot name an environment after it`,
      };
    }
  }
  const gates = [
    ...new Set(plan.tasks.flatMap((t) => environmentGates(t))),
  ];
  let groups = jobGroups(plan.tasks, false);
  let merged: string[] = [];
  if (groups.length + gates.length > MAX_JOBS) {
    groups = jobGroups(plan.tasks, true);
    merged = groups.filter((g) => g.tasks.length > 1).map((g) =>
      `${g.tasks.map((t) => t.id).join(" → ")}: one job (a chain)`
    );
  }
  const jobCount = groups.length + gates.length;
  if (jobCount > MAX_JOBS) {
    return {
      ok: false,
      message:
        `the plan needs ${jobCount} jobs (${groups.length} for tasks with ${merged.length} chain${
          merged.length === 1 ? "" : "s"
        } merged into one job each, ${gates.length} for gates): GitHub runs at most ${MAX_JOBS} in one workflow; split the plan, or make tasks that run together one task with shards`,
    };
  }
  const text = render(plan, options, groups, gates);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_BYTES) {
    return {
      ok: false,
      message:
        `the workflow would be ${bytes} bytes: GitHub reads at most ${MAX_BYTES}`,
    };
  }
  return { ok: true, text, jobs: jobCount, merged };
}

/** A task's gates that a GitHub environment approves: never an agent's apply_patch. */
function environmentGates(task: Task): string[] {
  return task.gates.filter((g) =>
    !(g === APPLY_PATCH && task.agent !== undefined)
  );
}

function render(
  plan: Plan,
  options: ExportOptions,
  groups: JobGroup[],
  gates: string[],
): string {
  const ids = new JobIds();
  const envs = environmentNames(gates);
  const jobs: Record<string, unknown> = {};
  const gateJob = new Map<string, string>();
  for (const gate of gates) {
    const id = ids.take(`gate-${envs.get(gate)}`);
    gateJob.set(gate, id);
    jobs[id] = {
      name: `Approve ${plainLine(gate)}`,
      "runs-on": "ubuntu-latest",
      // Required reviewers on this environment are the approval.
      environment: envs.get(gate),
      steps: [{
        run: `echo "Approved in the GitHub environment ${envs.get(gate)}"`,
      }],
    };
  }
  const byId = new Map(plan.tasks.map((t) => [t.id, t]));
  const taskJob = new Map<string, string>();
  const groupIds = groups.map((g) => {
    const id = ids.take(g.tasks.at(-1)!.id);
    for (const t of g.tasks) taskJob.set(t.id, id);
    return id;
  });
  groups.forEach((group, i) => {
    const id = groupIds[i]!;
    const last = group.tasks.at(-1)!;
    const closure = dependencyClosure(last, byId);
    const needs = [
      ...new Set([
        ...group.tasks.flatMap((t) => t.dependencies).map((d) =>
          taskJob.get(d)!
        ).filter((j) => j !== id),
        ...group.tasks.flatMap(environmentGates).map((g) => gateJob.get(g)!),
      ]),
    ];
    const timebox = closure.every((t) => t.constraints.timebox_ms !== undefined)
      ? Math.ceil(
        closure.reduce((n, t) => n + t.constraints.timebox_ms!, 0) / 60_000,
      )
      : undefined;
    const agent = last.agent !== undefined;
    jobs[id] = {
      name: plainLine(
        group.tasks.length > 1
          ? `${group.tasks.map((t) => t.id).join(" → ")}`
          : `${last.id}: ${last.title}`,
      ),
      ...(needs.length > 0 ? { needs } : {}),
      "runs-on": "ubuntu-latest",
      ...(timebox !== undefined ? { "timeout-minutes": timebox } : {}),
      steps: [
        { uses: "actions/checkout@v4" },
        {
          uses: "denoland/setup-deno@v2",
          with: { "deno-version": "v2.9.x", cache: true },
        },
        {
          name: "Install orchestrate (release binary, checksum verified)",
          run: INSTALL,
        },
        {
          name: `Run ${last.id} through orchestrate`,
          run: runScript(last, closure, envs),
        },
        {
          uses: "actions/upload-artifact@v4",
          if: "always()",
          with: {
            name: `orchestrate-${id}`,
            path: agent
              ? ".codex/runs/\n.codex/work/**/*.patch\n"
              : ".codex/runs/",
            "include-hidden-files": true,
            "if-no-files-found": "ignore",
          },
        },
      ],
    };
  });
  const workflow = {
    name: plainLine(`orchestrate: ${plan.project.name}`),
    on: { push: { branches: ["main"] }, workflow_dispatch: {} },
    permissions: { contents: "read" },
    env: {
      ORCHESTRATE_VERSION: `v${options.version}`,
      ORCHESTRATE_REPO: options.releaseRepo,
      ORCHESTRATE_ASSET: "orchestrate-x86_64-unknown-linux-gnu",
    },
    jobs,
  };
  const header =
    `# Generated by \`orchestrate export github-actions\` from ${
      plainLine(options.source)
    } (orchestrate ${options.version}).\n` +
    "# Do not edit: change the plan and export again; `orchestrate export github-actions --check` fails while this file is out of date.\n";
  return header + stringify(workflow, { lineWidth: 0 });
}

const INSTALL = `dir="$RUNNER_TEMP/orchestrate" && mkdir -p "$dir" && cd "$dir"
url="https://github.com/$ORCHESTRATE_REPO/releases/download/$ORCHESTRATE_VERSION"
curl -fsSLO "$url/$ORCHESTRATE_ASSET" -O "$url/SHA256SUMS"
grep "  $ORCHESTRATE_ASSET\\$" SHA256SUMS | sha256sum -c -
mv "$ORCHESTRATE_ASSET" orchestrate && chmod +x orchestrate
echo "$dir" >> "$GITHUB_PATH"
`;

/** `task` and every task it depends on, each once. */
function dependencyClosure(task: Task, byId: Map<string, Task>): Task[] {
  const seen = new Map<string, Task>();
  const visit = (t: Task) => {
    if (seen.has(t.id)) return;
    seen.set(t.id, t);
    for (const d of t.dependencies) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
  };
  visit(task);
  return [...seen.values()];
}

/**
 * The job's one orchestrate step. `run --task` runs the task and, on this
 * fresh runner, what it depends on; a pause at a gate this job's `needs:`
 * already had approved in its environment is approved here and resumed.
 */
function runScript(
  task: Task,
  closure: Task[],
  envs: Map<string, string>,
): string {
  const id = task.id; // ID_PATTERN: letters, digits, '.', '_', '-'
  const gates = [...new Set(closure.flatMap(environmentGates))];
  const lines = [
    "status=0",
    `orchestrate run --task ${id} --no-build || status=$?`,
  ];
  if (gates.length > 0) {
    lines.push(
      "# Gates whose environments approved this run (this job needs their jobs).",
      "round=0",
      `while [ "$status" -eq 3 ] && [ "$round" -lt ${gates.length} ]; do`,
      "  round=$((round + 1))",
      ...gates.map((g) =>
        `  orchestrate approve ${shellWord(g)} --by "GitHub environment ${
          envs.get(g)
        }" --note "approved on $GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID" || true`
      ),
      "  status=0",
      "  orchestrate resume --no-build || status=$?",
      "done",
    );
  }
  lines.push('if [ "$status" -eq 3 ]; then');
  if (task.agent !== undefined) {
    lines.push(
      `  echo "::notice::${id}: the agent's validated patch waits at apply_patch; it is in this job's artifact (nothing applied, nothing pushed)"`,
      "  exit 0",
    );
  } else {
    lines.push(
      `  echo "::error::${id}: paused at a gate no environment of this workflow approves (an agent's apply_patch)"`,
    );
  }
  lines.push("fi", 'exit "$status"');
  return lines.join("\n") + "\n";
}

/**
 * A word for `sh`, single-quoted; `${{` is split (`$''{{`) so GitHub never
 * reads an expression in it (the shell joins it back).
 */
function shellWord(text: string): string {
  return `'${
    text.replaceAll("'", () => `'\\''`).replaceAll("${{", () => "$''{{")
  }'`;
}

/**
 * Text for a job's or workflow's name: one line, no `${{` (GitHub would
 * evaluate it), at most 120 characters.
 */
function plainLine(text: string): string {
  // deno-lint-ignore no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, " ").replaceAll(
    "${{",
    "$ {{",
  ).trim();
  return line.length > 120 ? `${line.slice(0, 119)}…` : line || "-";
}

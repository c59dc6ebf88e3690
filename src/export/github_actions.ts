/**
 * A plan as a GitHub Actions workflow: one job per task (its shards run
 * inside it), `dependencies` as `needs:`, a gate as a job bound to a GitHub
 * environment of the gate's name, `constraints.timebox` as
 * `timeout-minutes`. Each job installs orchestrate (the release binary,
 * checksum checked, or its source at the release tag under setup-deno),
 * downloads the artifacts of the jobs upstream, and runs its task alone
 * through `orchestrate run --task X --only`, so commands, checks, retries,
 * masking and events are those of a local run; nothing is re-written as
 * YAML steps. A last job merges every job's run log into one run.
 *
 * Pure: the plan in, the workflow's text (or why it cannot be) out.
 * @module
 */

import { stringify } from "yaml";
import type { Plan, Task } from "../plan/ir.ts";
import { APPLY_PATCH } from "../plan/normalize.ts";
import { environmentNames, JobIds } from "./job_ids.ts";
import { type JobGroup, jobGroups, layerGroups } from "./job_groups.ts";
import {
  type Install,
  installScript,
  jobSteps,
  needsSteps,
  setupSteps,
  uploadStep,
} from "./job_steps.ts";

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
  /** The release binary (default) or its source under setup-deno. */
  install: Install;
  /** The flags that made it, said in the header (`--check` needs the same). */
  flags?: string;
}

/** The workflow, or why GitHub could not run it. */
export type ExportResult =
  | {
    ok: true;
    text: string;
    jobs: number;
    /** The file's size in bytes. */
    bytes: number;
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
 *   inputs: [], outputs: [],
 *   constraints: { forbidden_paths: [], timebox_ms: 90_000 },
 * } as unknown as import("../plan/ir.ts").Task;
 * const plan = { project: { name: "demo" }, tasks: [task] } as unknown as import("../plan/ir.ts").Plan;
 * const r = githubActionsWorkflow(plan, { source: "plan.yml", version: "0.1.0", releaseRepo: "o/orchestrate", install: "binary" });
 * assert.ok(r.ok && r.text.includes("timeout-minutes: 7"));
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
  for (const task of plan.tasks) {
    // Outputs become `path:` lines of upload and cache steps, which GitHub evaluates.
    const bad = task.outputs.find((o) =>
      CONTROL.test(o) || o.includes("${{") || o.startsWith("!")
    );
    if (bad !== undefined) {
      return {
        ok: false,
        message: `task ${task.id}: output ${
          JSON.stringify(bad)
        } cannot be a path of an artifact (a control character, \`\${{\` or a leading !)`,
      };
    }
  }
  const gates = [
    ...new Set(plan.tasks.flatMap((t) => environmentGates(t))),
  ];
  // One job per gate, one to merge the run: the rest is for tasks.
  const room = MAX_JOBS - gates.length - 1;
  const chains = jobGroups(plan.tasks, true);
  const tries: (() => JobGroup[] | null)[] = [
    () => jobGroups(plan.tasks, false),
    () => chains,
  ];
  for (let budget = room; budget > 0; budget = Math.floor(budget * 0.8)) {
    tries.push(() => layerGroups(chains, budget));
  }
  let last = "";
  for (const attempt of tries) {
    const groups = attempt();
    if (groups === null) break;
    const jobCount = groups.length + gates.length + 1;
    if (jobCount > MAX_JOBS) {
      last =
        `the plan needs ${jobCount} jobs (${groups.length} for tasks, ${gates.length} for gates, 1 to merge the run)`;
      continue;
    }
    const text = render(plan, options, groups, gates);
    const bytes = new TextEncoder().encode(text).length;
    if (bytes > MAX_BYTES) {
      last = `the workflow would be ${bytes} bytes`;
      continue;
    }
    return {
      ok: true,
      text,
      jobs: jobCount,
      bytes,
      merged: mergedLines(groups),
    };
  }
  return {
    ok: false,
    message:
      `${last}, even with chains and layers merged: GitHub runs at most ${MAX_JOBS} jobs and reads at most ${MAX_BYTES} bytes in one workflow; split the plan, or make tasks that run together one task with shards`,
  };
}

/** What was merged, one line per job of several tasks. */
function mergedLines(groups: readonly JobGroup[]): string[] {
  return groups.filter((g) => g.tasks.length > 1).map((g) => {
    const ids = g.tasks.map((t) => t.id);
    if (g.layer === undefined) return `${ids.join(" → ")}: one job (a chain)`;
    const shown = ids.length > 6
      ? `${ids.slice(0, 3).join(", ")}, … ${ids.at(-1)}`
      : ids.join(", ");
    return `${shown} (${ids.length} tasks): one job (layer ${g.layer})`;
  });
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
    jobs[id] = gateJobOf(gate, envs.get(gate)!);
  }
  const taskJob = new Map<string, string>();
  const groupIds = groups.map((g) => {
    const id = ids.take(g.tasks.at(-1)!.id);
    for (const t of g.tasks) taskJob.set(t.id, id);
    return id;
  });
  const agentJobs = new Set(
    groupIds.filter((_, i) =>
      groups[i]!.tasks.some((t) => t.agent !== undefined)
    ),
  );
  /** Each job's upstream task jobs (transitive): whose artifacts it reads. */
  const upstream = new Map<string, Set<string>>();
  groups.forEach((group, i) => {
    const id = groupIds[i]!;
    const up = new Set<string>();
    for (const t of group.tasks) {
      for (const d of t.dependencies) {
        const j = taskJob.get(d)!;
        if (j === id) continue;
        up.add(j);
        for (const k of upstream.get(j) ?? []) up.add(k);
      }
    }
    upstream.set(id, up);
    const needs = [
      ...new Set([
        ...group.tasks.flatMap((t) => t.dependencies).map((d) =>
          taskJob.get(d)!
        ).filter((j) => j !== id),
        ...group.tasks.flatMap(environmentGates).map((g) => gateJob.get(g)!),
      ]),
    ];
    const boxes = group.tasks.map((t) => t.constraints.timebox_ms);
    const timebox = boxes.every((b) => b !== undefined)
      ? Math.min(
        Math.ceil(boxes.reduce((n, b) => n + b!, 0) / 60_000) + SETUP_MINUTES,
        HOSTED_JOB_MAX_MINUTES,
      )
      : undefined;
    const last = group.tasks.at(-1)!;
    // An agent's job that stops at apply_patch succeeds: the jobs after it wait, as locally.
    const waitFor = needs.filter((j) => agentJobs.has(j)).map((j) =>
      `needs.${j}.outputs.paused != 'true'`
    );
    jobs[id] = {
      name: plainLine(
        group.tasks.length > 1
          ? `${group.tasks.map((t) => t.id).join(" → ")}`
          : `${last.id}: ${last.title}`,
      ),
      ...(needs.length > 0 ? { needs } : {}),
      ...(waitFor.length > 0 ? { if: waitFor.join(" && ") } : {}),
      ...(last.agent !== undefined
        ? { outputs: { paused: "${{ steps.run.outputs.paused }}" } }
        : {}),
      "runs-on": "ubuntu-latest",
      ...(timebox !== undefined ? { "timeout-minutes": timebox } : {}),
      permissions: { contents: "read" },
      steps: [
        ...setupSteps(options.install),
        ...needsSteps(
          groupIds.filter((j) => up.has(j)), // in plan order: a stable file
          groupIds.filter((j, k) =>
            up.has(j) && groups[k]!.tasks.some((t) => t.outputs.length > 0)
          ),
        ),
        ...jobSteps(
          id,
          group.tasks,
          group.tasks.flatMap(environmentGates).map((g) => ({
            gate: g,
            environment: envs.get(g)!,
            job: gateJob.get(g)!,
          })),
        ),
        uploadStep(id, group.tasks),
      ],
    };
  });
  // A gate's review is asked once what its tasks need is done (as a local
  // run stops there), not when the workflow starts: its job needs their
  // dependencies' jobs — but never one that waits for this gate itself.
  const gatesOf = (j: string) =>
    new Set(
      groups.flatMap((g, k) =>
        groupIds[k] === j || upstream.get(j)!.has(groupIds[k]!)
          ? g.tasks.flatMap(environmentGates)
          : []
      ),
    );
  for (const gate of gates) {
    const needs = new Set<string>();
    groups.forEach((group, k) => {
      if (!group.tasks.some((t) => environmentGates(t).includes(gate))) return;
      for (const t of group.tasks) {
        for (const d of t.dependencies) {
          const j = taskJob.get(d)!;
          if (j !== groupIds[k] && !gatesOf(j).has(gate)) needs.add(j);
        }
      }
    });
    jobs[gateJob.get(gate)!] = gateJobOf(
      gate,
      envs.get(gate)!,
      groupIds.filter((j) => needs.has(j)), // in plan order: a stable file
    );
  }
  jobs[ids.take("merge")] = mergeJob(options.install, Object.keys(jobs));
  const workflow = {
    name: plainLine(`orchestrate: ${plan.project.name}`),
    on: { push: { branches: ["main"] }, workflow_dispatch: {} },
    // Nothing by default: each job names the least it needs.
    permissions: {},
    env: {
      ORCHESTRATE_VERSION: `v${options.version}`,
      ORCHESTRATE_REPO: options.releaseRepo,
      ORCHESTRATE_ASSET: "orchestrate-x86_64-unknown-linux-gnu",
      ORCHESTRATE_INSTALL: installScript(options.install),
    },
    jobs,
  };
  const header =
    `# Generated by \`orchestrate export github-actions${
      options.flags ? ` ${options.flags}` : ""
    }\` from ${plainLine(options.source)} (orchestrate ${options.version}).\n` +
    "# Do not edit: change the plan and export again; the same command with --check fails while this file is out of date.\n";
  return header + stringify(workflow, { lineWidth: 0 });
}

/**
 * A job on GitHub's hosted runners ends after six hours whatever it asks;
 * a merged job's summed timeboxes are capped there (each task's own
 * timebox still holds inside the job).
 */
export const HOSTED_JOB_MAX_MINUTES = 360;

/** Minutes added to a job's timeboxes for checkout, install and artifacts. */
export const SETUP_MINUTES = 5;

/**
 * A gate's job: bound to the environment, so it starts once the
 * environment's required reviewers approve (asked once `needs` are done);
 * it tells the jobs that need it who approved (GitHub's record of the
 * approval, else who started the run).
 */
function gateJobOf(
  gate: string,
  environment: string,
  needs: readonly string[] = [],
): unknown {
  return {
    name: plainLine(`Approve ${gate}`),
    ...(needs.length > 0 ? { needs: [...needs] } : {}),
    "runs-on": "ubuntu-latest",
    environment,
    // Reading the run's approvals is all it does.
    permissions: { actions: "read" },
    outputs: { approver: "${{ steps.approver.outputs.approver }}" },
    steps: [{
      id: "approver",
      name: "Who approved",
      env: { GH_TOKEN: "${{ github.token }}", ENVIRONMENT: environment },
      run: APPROVER,
    }],
  };
}

const APPROVER =
  `approver=$(gh api "repos/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID/approvals" --jq '[.[] | select(any(.environments[]; .name == env.ENVIRONMENT))] | last | .user.login // empty' 2>/dev/null || true)
echo "approver=\${approver:-$GITHUB_TRIGGERING_ACTOR}" >> "$GITHUB_OUTPUT"
`;

/**
 * The last job: whatever the others did, their run logs become one run
 * (`orchestrate merge`), reported to the run's summary and uploaded with
 * TASKS.md; `status` decides the workflow's outcome.
 */
function mergeJob(install: Install, needs: string[]): unknown {
  return {
    name: "Merge the run",
    if: "always()",
    needs,
    "runs-on": "ubuntu-latest",
    permissions: { contents: "read" },
    steps: [
      ...setupSteps(install),
      {
        name: "Download every job's run log",
        uses: "actions/download-artifact@v4",
        with: { pattern: "orchestrate-*", path: FRAGMENTS_DIR },
      },
      {
        name: "Merge them into one run",
        run: `orchestrate merge ${FRAGMENTS_DIR}\n`,
      },
      {
        name: "Report",
        run:
          'orchestrate report --out orchestrate-report.md\ncat orchestrate-report.md >> "$GITHUB_STEP_SUMMARY"\n',
      },
      {
        name: "Upload TASKS.md and the report",
        uses: "actions/upload-artifact@v4",
        if: "always()",
        with: {
          name: "run-report",
          path: "TASKS.md\norchestrate-report.md\n",
          "if-no-files-found": "ignore",
        },
      },
      { name: "The run's outcome", run: "orchestrate status\n" },
    ],
  };
}

/** Where the last job downloads every job's artifact. */
export const FRAGMENTS_DIR = ".codex/fragments";

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

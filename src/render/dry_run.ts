/**
 * The text form of a dry run.
 * @module
 */

import type { DryRunReport, DryRunTask } from "../engine/dry_run.ts";
import { dryRunReasonText } from "./reason_text.ts";
import { safeText as t } from "../text/safe_text.ts";

/** A dry run's task with its reason in words (`run --dry-run --json`). */
export type WordedDryRunTask = Omit<DryRunTask, "why"> & {
  /** Why it is skipped or waits (or may not run); null when it simply runs. */
  reason: string | null;
};

/** A dry run with its reasons in words: what `run --dry-run --json` prints. */
export type WordedDryRunReport = Omit<DryRunReport, "tasks"> & {
  tasks: WordedDryRunTask[];
};

/**
 * A dry run with each task's reason in words, in the shape `--json` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wordedDryRun } from "./dry_run.ts";
 * const task = { id: "A", title: "A", action: "skip" as const,
 *   why: { kind: "outside_selection" as const }, commands: [], shards: [],
 *   checks: [], gates: [], agent: null };
 * const report = { plan: "p.yml", resume: false, selection: "B", tasks: [task], build: [] };
 * assert.equal(wordedDryRun(report).tasks[0]!.reason, "outside the selection");
 * ```
 */
export function wordedDryRun(report: DryRunReport): WordedDryRunReport {
  return {
    ...report,
    tasks: report.tasks.map(({ why, ...task }) => ({
      id: task.id,
      title: task.title,
      action: task.action,
      reason: dryRunReasonText(why),
      commands: task.commands,
      shards: task.shards,
      checks: task.checks,
      gates: task.gates,
      agent: task.agent,
    })),
  };
}

/**
 * Renders a dry run: for each task in run order, run / skip / wait and why,
 * its shards, commands, checks and gates.
 *
 * @example
 * ```ts ignore
 * // ignore: needs a loaded plan on disk
 * console.log(renderDryRun(await dryRun({ loaded, resume: false, force: false })));
 * ```
 */
export function renderDryRun(report: DryRunReport): string {
  const lines: string[] = [
    `Dry run of ${t(report.plan)}${
      report.resume ? " (resume)" : ""
    }: nothing is executed or recorded.`,
  ];
  const verb = { run: "run ", skip: "skip", wait: "wait" } as const;
  for (const task of report.tasks) {
    const reason = dryRunReasonText(task.why);
    lines.push(
      "",
      `${verb[task.action]}  ${t(task.id)} — ${t(task.title)}${
        reason ? `  (${t(reason)})` : ""
      }`,
    );
    if (task.why?.kind === "outside_selection") continue;
    for (const shard of task.shards) {
      lines.push(`        shard ${t(shard.id)} — ${t(shard.title)}`);
      for (const c of shard.commands) {
        lines.push(`          $ ${t(c.run)}    [${t(c.name)}]`);
      }
      for (const c of shard.checks) lines.push(`          check ${t(c)}`);
    }
    const agent = task.agent;
    if (agent) {
      const who = agent.preset ?? agent.command ?? "the agent";
      lines.push(
        `        agent ${
          t(who)
        } edits the code in a git worktree (up to ${agent.attempts} attempt${
          agent.attempts === 1 ? "" : "s"
        }); the commands and checks below judge its patch there`,
      );
    }
    for (const c of task.commands) {
      lines.push(`        $ ${t(c.run)}    [${t(c.name)}]`);
    }
    for (const c of task.checks) lines.push(`        check ${t(c)}`);
    for (const g of task.gates) {
      if (g !== agent?.patch_gate) lines.push(`        gate ${t(g)}`);
    }
    if (agent?.patch_gate) {
      lines.push(
        `        gate ${
          t(agent.patch_gate)
        }: the run pauses before the validated patch touches the project`,
      );
    }
  }
  if (report.build.length > 0) {
    lines.push("", "after the DAG (unless --no-build):");
    for (const b of report.build) {
      lines.push(`        $ ${t(b.run)}    [${t(b.name)}]`);
    }
  }
  const count = (a: string) =>
    report.tasks.filter((t) => t.action === a).length;
  lines.push(
    "",
    `${count("run")} would run, ${count("skip")} skipped, ${
      count("wait")
    } waiting`,
  );
  return lines.join("\n");
}

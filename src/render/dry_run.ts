/**
 * The text form of a dry run.
 * @module
 */

import type { DryRunReport } from "../engine/dry_run.ts";
import { safeText as t } from "./safe_text.ts";

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
    lines.push(
      "",
      `${verb[task.action]}  ${t(task.id)} — ${t(task.title)}${
        task.reason ? `  (${t(task.reason)})` : ""
      }`,
    );
    if (task.action === "skip" && task.reason === "outside the selection") {
      continue;
    }
    for (const shard of task.shards) {
      lines.push(`        shard ${t(shard.id)} — ${t(shard.title)}`);
      for (const c of shard.commands) {
        lines.push(`          $ ${t(c.run)}    [${t(c.name)}]`);
      }
      for (const c of shard.checks) lines.push(`          check ${t(c)}`);
    }
    for (const c of task.commands) {
      lines.push(`        $ ${t(c.run)}    [${t(c.name)}]`);
    }
    for (const c of task.checks) lines.push(`        check ${t(c)}`);
    for (const g of task.gates) lines.push(`        gate ${t(g)}`);
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

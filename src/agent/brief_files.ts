/**
 * The brief an agent gets, written as files (Markdown and JSON) under the
 * run's artifacts. The text comes from one injected renderer: a run uses
 * the index-first brief ({@link indexedBrief}); a task runner used alone
 * (tests) falls back to {@link plainBrief}, from the task alone.
 * @module
 */

import { join } from "../fs/path.ts";
import { describeCheck } from "../plan/check.ts";
import type { Plan, Task } from "../plan/ir.ts";
import type { LatestRun } from "../brief/brief.ts";

/** A rendered brief: Markdown for the agent, JSON for tools. */
export interface Brief {
  md: string;
  json: unknown;
}

/** Renders the brief of a task, or of one of its shards (its id) when the shard has an agent of its own. */
export type BriefRenderer = (
  task: Task,
  shard: string | null,
) => Brief | Promise<Brief>;

/** Where the brief files were written. */
export interface BriefFiles {
  md: string;
  json: string;
}

/**
 * Writes `<dir>/brief.md` and `brief.json` from `render(task, shard)`.
 */
export async function writeBriefFiles(
  dir: string,
  task: Task,
  render: BriefRenderer,
  shard: string | null = null,
): Promise<BriefFiles> {
  const brief = await render(task, shard);
  await Deno.mkdir(dir, { recursive: true });
  const files = {
    md: join(dir, "brief.md"),
    json: join(dir, "brief.json"),
  };
  await Deno.writeTextFile(files.md, brief.md);
  await Deno.writeTextFile(
    files.json,
    JSON.stringify(brief.json, null, 2) + "\n",
  );
  return files;
}

/** What the agent is told about who judges its work. */
const CONTRACT =
  "The orchestrator runs the commands and checks after you exit; edit the files, do not commit.";

/**
 * The index-first brief of `orchestrate brief` (the task, where to edit,
 * language versions, constraints, commands, checks, the dependencies'
 * outcomes in this run, the most relevant code), for a run's agents.
 *
 * @param root The project root (its `.codex/index.json` is refreshed).
 * @param plan The plan the run executes.
 * @param latest This run's id and state, read when a brief is made.
 */
export function indexedBrief(
  root: string,
  plan: Plan,
  latest: () => LatestRun | null,
): BriefRenderer {
  return async (task, shard) => {
    const [{ buildBrief, countEmitted }, { briefMarkdown }] = await Promise
      .all([
        import("../brief/brief.ts"),
        import("../brief/markdown.ts"),
      ]);
    const brief = await buildBrief(root, plan, shard ?? task.id, latest());
    const md = `${briefMarkdown(brief).trimEnd()}\n\n${CONTRACT}\n`;
    // brief.json reports the tokens of brief.json, not of brief.md.
    const json = structuredClone(brief);
    countEmitted(json, "json");
    return { md, json };
  };
}

/**
 * The brief from the task alone (what to do, where, the commands and the
 * checks that judge it), for a task runner used without a run; with a
 * shard id, focused on that shard (the other shards are left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainBrief } from "./brief_files.ts";
 * const brief = plainBrief({
 *   id: "T", title: "Fix it", description: "", type: "code_change",
 *   paths: { preferred: ["src/a.ts"], forbidden: [] },
 *   commands: [{ name: "test", run: "deno test" }],
 *   acceptance: [{ kind: "contains", text: "ok" }], dependencies: [], shards: [],
 *   constraints: { forbidden_paths: [] }, approvals: [], gates: [],
 *   inputs: [], outputs: [], skip_when_accepted: false,
 * });
 * assert.match(brief.md, /^# T: Fix it/);
 * assert.match(brief.md, /deno test/);
 * ```
 */
export function plainBrief(task: Task, shard: string | null = null): Brief {
  const shards = shard === null
    ? task.shards
    : task.shards.filter((s) => s.id === shard);
  const forbidden = [
    ...task.paths.forbidden,
    ...task.constraints.forbidden_paths,
  ];
  const lines = [`# ${task.id}: ${task.title}`, ""];
  if (task.description) lines.push(task.description, "");
  const list = (title: string, items: readonly string[]) => {
    if (items.length === 0) return;
    lines.push(`## ${title}`, "", ...items.map((i) => `- ${i}`), "");
  };
  list("Where to edit", task.paths.preferred);
  list("Never touch", forbidden);
  list("Commands", task.commands.map((c) => `${c.name}: \`${c.run}\``));
  list("Acceptance", task.acceptance.map(describeCheck));
  if (shard !== null) {
    lines.push(
      `Do only shard ${shard}; other shards of ${task.id} are done apart.`,
      "",
    );
  }
  for (const s of shards) {
    list(
      `Shard ${s.id}: ${s.title}`,
      [
        ...s.paths.preferred.map((p) => `edit: ${p}`),
        ...s.commands.map((c) => `${c.name}: \`${c.run}\``),
        ...s.acceptance.map(describeCheck),
      ],
    );
  }
  lines.push(CONTRACT);
  return {
    md: lines.join("\n") + "\n",
    json: {
      task: task.id,
      title: task.title,
      description: task.description,
      paths: { preferred: task.paths.preferred, forbidden },
      commands: task.commands,
      acceptance: task.acceptance.map(describeCheck),
      focus: shard,
      shards: shards.map((s) => ({
        id: s.id,
        title: s.title,
        paths: s.paths,
        commands: s.commands,
        acceptance: s.acceptance.map(describeCheck),
      })),
    },
  };
}

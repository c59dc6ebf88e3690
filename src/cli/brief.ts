/**
 * `orchestrate brief <TASK>`: what an agent needs for one task (see
 * `src/brief/brief.ts`), as Markdown or JSON.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./command.ts";
import { FILE_OPTION, loadPlanOrThrow } from "./plan_source.ts";
import { closest } from "../plan/suggest.ts";

/** The `brief` command. */
export const briefCommand: CommandSpec = {
  name: "brief",
  summary:
    "Print the brief of a task for an agent: where to edit, versions, constraints, commands, checks, dependencies, relevant code",
  args: [{ name: "task", required: true }],
  options: {
    file: FILE_OPTION,
    format: {
      type: "string",
      value: "md|json",
      description: "Output format (default md)",
    },
    json: {
      type: "boolean",
      description: "Print the brief as JSON (the same as --format json)",
    },
    "max-tokens": {
      type: "integer",
      min: 200,
      value: "N",
      description:
        "Token budget of the brief, estimated as characters / 4 (default 4000)",
    },
  },
  async run({ options, positionals }) {
    const format = options.format ?? (options.json ? "json" : "md");
    if (format !== "md" && format !== "json") {
      throw new UsageError(`--format must be md or json, not "${format}"`, "");
    }
    if (options.json && format !== "json") {
      throw new UsageError(`--json and --format ${format} disagree`, "");
    }
    const { plan, root } = await loadPlanOrThrow(options.file);
    const id = positionals[0]!;
    const ids = plan.tasks.flatMap((t) => [t.id, ...t.shards.map((s) => s.id)]);
    if (!ids.includes(id)) {
      const near = closest(id, ids);
      throw new UsageError(
        `Unknown task "${id}"${near ? `: did you mean "${near}"?` : ""}`,
        "",
      );
    }
    const [{ RunStore }, { buildBrief, renderBrief }] = await Promise.all([
      import("../events/store.ts"),
      import("../brief/brief.ts"),
    ]);
    const store = new RunStore(root);
    const run = await store.latest();
    const latest = run === null
      ? null
      : { run, state: (await store.fold(run)).state };
    const maxTokens = options["max-tokens"];
    const brief = await buildBrief(root, plan, id, latest, {
      ...(typeof maxTokens === "number" ? { maxTokens } : {}),
      format,
    });
    // Emitted as rendered: its token count is of exactly this text.
    console.log(renderBrief(brief, format).replace(/\n$/, ""));
    return 0;
  },
};

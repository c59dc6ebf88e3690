/**
 * `orchestrate search <query>`: symbols, then files, from the index of the
 * working directory (refreshed first; incremental, so cheap); with
 * `--text`, the lines of the indexed files holding the query as text.
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./errors.ts";
import { safeText } from "../text/safe_text.ts";
import type { RepoIndex } from "../index/repo_index.ts";
import type { ExitCode } from "../exit_code.ts";
import { FILE_OPTION, loadPlanOrThrow } from "./plan_source.ts";
import { closest } from "../plan/suggest.ts";

/** The `search` command. */
export const searchCommand: CommandSpec = {
  name: "search",
  summary:
    "Find symbols, then files, by name in the index (exact > prefix > substring > fuzzy); --text finds lines holding the text",
  args: [{ name: "query", required: true }],
  options: {
    json: { type: "boolean", description: "Print the matches as JSON" },
    text: {
      type: "boolean",
      description:
        "Search the indexed files' lines for the query as literal text, case-insensitive (an error message, a usage line)",
    },
    task: {
      type: "string",
      value: "ID",
      description:
        "Leave out the forbidden paths of this task or shard (the plan's root is searched)",
    },
    file: FILE_OPTION,
    limit: {
      type: "integer",
      min: 1,
      value: "N",
      description: "Show at most N symbols and N files (default 20)",
    },
  },
  async run({ options, positionals }) {
    const [{ updateIndex }, { searchIndex }] = await Promise.all([
      import("../index/repo_index.ts"),
      import("../index/search.ts"),
    ]);
    const query = positionals[0]!;
    if (query.trim() === "") {
      throw new UsageError(
        "search needs a name to look for; the query is empty",
      );
    }
    const { root, forbidden } = typeof options.task === "string"
      ? await taskScope(options.task, options.file)
      : { root: Deno.cwd(), forbidden: [] };
    const { index: full } = await updateIndex(root);
    const index = await withoutForbidden(full, forbidden);
    const limit = typeof options.limit === "number" ? options.limit : 20;
    if (options.text) {
      return await textSearch(root, index, query, limit, !!options.json);
    }
    const result = searchIndex(index, query, limit);
    if (options.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      for (const s of result.symbols) {
        const owner = s.container ? ` (${s.container})` : "";
        // Names and paths come from the files: shown, never interpreted by the terminal.
        console.log(
          safeText(
            `${s.kind.padEnd(9)} ${s.name}${owner}  ${s.path}:${s.line}`,
          ),
        );
      }
      for (const f of result.files) {
        console.log(safeText(`${"file".padEnd(9)} ${f.path}`));
      }
    }
    if (result.symbols.length + result.files.length === 0) {
      console.error(`No symbol or file matches "${safeText(query)}".`);
    }
    return 0;
  },
};

/** The plan's root and the forbidden paths of task or shard `id`. */
async function taskScope(
  id: string,
  file: string | boolean | undefined,
): Promise<{ root: string; forbidden: string[] }> {
  const { plan, root } = await loadPlanOrThrow(file);
  const task = plan.tasks.find((t) => t.id === id) ??
    plan.tasks.find((t) => t.shards.some((s) => s.id === id));
  if (!task) {
    const ids = plan.tasks.flatMap((t) => [t.id, ...t.shards.map((s) => s.id)]);
    const near = closest(id, ids);
    throw new UsageError(
      `Unknown task "${id}"${near ? `: did you mean "${near}"?` : ""}`,
    );
  }
  const shards = task.id === id
    ? task.shards
    : task.shards.filter((s) => s.id === id);
  return {
    root,
    forbidden: [
      ...task.paths.forbidden,
      ...task.constraints.forbidden_paths,
      ...shards.flatMap((s) => s.paths.forbidden),
    ],
  };
}

/** The index without the files under `forbidden` (the same object when none). */
async function withoutForbidden(
  index: RepoIndex,
  forbidden: readonly string[],
): Promise<RepoIndex> {
  if (forbidden.length === 0) return index;
  const { forbiddenFiles } = await import("../agent/patch.ts");
  const banned = new Set(forbiddenFiles(Object.keys(index.files), forbidden));
  const files: RepoIndex["files"] = Object.create(null);
  for (const path of Object.keys(index.files)) {
    if (!banned.has(path)) files[path] = index.files[path]!;
  }
  return { ...index, files };
}

async function textSearch(
  root: string,
  index: RepoIndex,
  query: string,
  limit: number,
  json: boolean,
): Promise<ExitCode> {
  const { searchText } = await import("../index/text_search.ts");
  const hits = await searchText(root, index, query, { limit });
  if (json) console.log(JSON.stringify({ query, text: hits }, null, 2));
  else {
    for (const h of hits) {
      console.log(safeText(`${h.path}:${h.line}: ${h.text}`));
    }
  }
  if (hits.length === 0) {
    console.error(`No indexed file holds the text "${safeText(query)}".`);
  }
  return 0;
}

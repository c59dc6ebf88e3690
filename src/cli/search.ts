/**
 * `orchestrate search <query>`: symbols, then files, from the index of the
 * working directory (refreshed first; incremental, so cheap).
 * @module
 */

import type { CommandSpec } from "./command.ts";
import { UsageError } from "./errors.ts";
import { safeText } from "../text/safe_text.ts";

/** The `search` command. */
export const searchCommand: CommandSpec = {
  name: "search",
  summary:
    "Find symbols, then files, by name in the index (exact > prefix > substring > fuzzy)",
  args: [{ name: "query", required: true }],
  options: {
    json: { type: "boolean", description: "Print the matches as JSON" },
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
    const { index } = await updateIndex(Deno.cwd());
    const limit = typeof options.limit === "number" ? options.limit : 20;
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

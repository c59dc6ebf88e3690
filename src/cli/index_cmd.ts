/**
 * `orchestrate index`: builds or refreshes `.codex/index.json` for the
 * working directory (every file git would not ignore, with its language,
 * hash and symbols).
 * @module
 */

import type { CommandSpec } from "./command.ts";

/** The `index` command. */
export const indexCommand: CommandSpec = {
  name: "index",
  summary:
    "Index the files and symbols of the working directory into .codex/index.json (incremental)",
  options: {
    json: { type: "boolean", description: "Print what was done as JSON" },
  },
  async run({ options }) {
    // Loaded here, not at the top: every command's start-up would pay for them.
    const { INDEX_FILE, updateIndex } = await import("../index/repo_index.ts");
    const started = performance.now();
    const { index, stats } = await updateIndex(Deno.cwd());
    const ms = Math.round(performance.now() - started);
    let symbols = 0;
    const skipped: { path: string; note: string }[] = [];
    for (const path in index.files) {
      const file = index.files[path]!;
      symbols += file.symbols.length;
      if (file.note !== undefined) skipped.push({ path, note: file.note });
    }
    if (options.json) {
      console.log(JSON.stringify(
        { index: INDEX_FILE, ...stats, symbols, skipped, notes: index.notes },
        null,
        2,
      ));
      return 0;
    }
    for (const { path, note } of [...skipped, ...index.notes]) {
      console.error(`note: ${path}: ${note}`);
    }
    console.log(
      `Indexed ${stats.files} files, ${symbols} symbols in ${ms} ms -> ${INDEX_FILE}`,
    );
    console.log(
      `  ${stats.scanned} scanned, ${stats.unchanged} unchanged, ${stats.same_hash} same content, ${stats.removed} removed`,
    );
    return 0;
  },
};

/**
 * Full-text search over the indexed files: the lines holding a literal
 * string (an error message, a usage line), case-insensitive. ripgrep when
 * it is on the trusted PATH (fast on large trees), else a scan of the
 * index's own files; either way only files the index lists (so `.gitignore`
 * and `.codex` are honoured the same way) and none under a forbidden path.
 * @module
 */

import { join } from "../fs/path.ts";
import { MAX_FILE_BYTES, type RepoIndex } from "./repo_index.ts";
import { forbiddenFiles } from "../agent/patch.ts";
import { ownProgram } from "../exec/programs.ts";
import { runOwn } from "../exec/own_process.ts";

/** One line holding the text. */
export interface TextHit {
  path: string;
  /** 1-based. */
  line: number;
  /** The line, trimmed and cut to 200 characters. */
  text: string;
}

/** Options of {@link searchText}. */
export interface TextSearchOptions {
  /** Paths (folders, files, globs) whose files are never returned. */
  forbidden?: readonly string[];
  /** Hits returned at most (default 50). */
  limit?: number;
  /** Scan the files here even when ripgrep is present (tests). */
  noRipgrep?: boolean;
}

/** Lines longer than this are cut in a hit. */
const SHOWN = 200;

/**
 * The lines of the indexed files under `root` that contain `query`
 * (compared case-insensitively), in path then line order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { updateIndex } from "./repo_index.ts";
 * import { searchText } from "./text_search.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/cli.py`, "print('Did you mean %s?' % x)\n");
 * const { index } = await updateIndex(dir);
 * const hits = await searchText(dir, index, "did you mean");
 * assert.deepEqual(hits.map((h) => [h.path, h.line]), [["cli.py", 1]]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function searchText(
  root: string,
  index: RepoIndex,
  query: string,
  options: TextSearchOptions = {},
): Promise<TextHit[]> {
  const limit = options.limit ?? 50;
  if (query === "") return [];
  // One pass over the paths: the globs are compiled once.
  const banned = new Set(
    forbiddenFiles(Object.keys(index.files), options.forbidden ?? []),
  );
  const allowed = (path: string) =>
    Object.hasOwn(index.files, path) && index.files[path]!.hash !== null &&
    !banned.has(path);
  const rg = options.noRipgrep
    ? null
    : ownProgram("rg", Deno.env.get("PATH") ?? "", root);
  const hits = rg === null
    ? scan(root, index, query, allowed, limit)
    : await ripgrep(rg, root, query, allowed);
  hits.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line
  );
  return hits.slice(0, limit);
}

async function ripgrep(
  program: string,
  root: string,
  query: string,
  allowed: (path: string) => boolean,
): Promise<TextHit[]> {
  const r = await runOwn({
    program,
    // The index decides what is searched (it honours .gitignore with or
    // without git); ripgrep only finds lines fast.
    args: [
      "--fixed-strings",
      "--ignore-case",
      "--line-number",
      "--no-heading",
      "--with-filename",
      "--color=never",
      "--hidden",
      "--no-ignore",
      "--no-config",
      "--max-count=20",
      `--max-filesize=${MAX_FILE_BYTES}`,
      "--glob=!.git",
      "--glob=!.codex",
      "--",
      query,
      ".",
    ],
    cwd: root,
    env: {},
    timeoutMs: 30_000,
  });
  // 1: nothing found. 2: some file unreadable, the others answered.
  if (r.code !== 0 && r.code !== 1 && r.code !== 2) {
    throw new Error(`ripgrep failed (exit ${r.code}): ${r.stderr.trim()}`);
  }
  const out: TextHit[] = [];
  for (const row of new TextDecoder().decode(r.stdout).split("\n")) {
    const m = /^\.\/(.*?):(\d+):(.*)$/.exec(row);
    if (!m || !allowed(m[1]!)) continue;
    out.push({
      path: m[1]!,
      line: Number(m[2]),
      text: m[3]!.trim().slice(0, SHOWN),
    });
  }
  return out;
}

function scan(
  root: string,
  index: RepoIndex,
  query: string,
  allowed: (path: string) => boolean,
  limit: number,
): TextHit[] {
  const needle = query.toLowerCase();
  const out: TextHit[] = [];
  for (const path of Object.keys(index.files)) {
    if (!allowed(path)) continue;
    let text: string;
    try {
      text = Deno.readTextFileSync(join(root, path));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // deleted since indexed
      throw e;
    }
    if (!text.toLowerCase().includes(needle)) continue;
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.toLowerCase().includes(needle)) {
        out.push({ path, line: i + 1, text: line.trim().slice(0, SHOWN) });
      }
    });
    if (out.length >= limit) break;
  }
  return out;
}

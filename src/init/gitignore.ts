/**
 * Keeps what orchestrate writes as it runs (logs, locks, caches, the
 * dashboard aside) out of git: a marked block in `.gitignore`, added once.
 * @module
 */

import { join } from "node:path";
import { readRegularText } from "../fs/regular_file.ts";

/** A `.gitignore` larger than this is not one to edit. */
const GITIGNORE_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The lines `init` ensures in `.gitignore`; the first is the run logs.
 * Everything orchestrate writes as it runs: logs, tasks' work areas (agent
 * worktrees), caches, the index, locks, and the dashboard `TASKS.md`,
 * which every run rebuilds from the logs (commit it by removing its line).
 */
export const IGNORED_LINES = [
  ".codex/runs/",
  ".codex/work/",
  ".codex/cache/",
  ".codex/index.json",
  ".codex/lock",
  ".codex/lock.takeover",
  ".codex/TASKS.md",
  ".codex/.*.tmp",
  "/TASKS.md",
] as const;

/** The comment that marks orchestrate's block: present, nothing is added. */
export const MARK =
  "# orchestrate: run logs, locks and caches (not for commit)";

/** What {@link ignoreRunFiles} did. */
export type GitignoreChange = "created" | "appended" | "unchanged";

/**
 * Adds {@link IGNORED_LINES} (those not there yet) to `dir/.gitignore`
 * under {@link MARK}: creates the file, or appends the block once; a
 * `.gitignore` with the mark, or with every line already, is left as it is.
 *
 * @param dir The project's folder.
 * @returns What was done.
 * @throws {Deno.errors.InvalidData} When `.gitignore` is a pipe, socket or
 *   device, or over 8 MiB (it is never opened or read whole).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { ignoreRunFiles } from "./gitignore.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(join(dir, ".gitignore"), "node_modules/");
 * assert.equal(await ignoreRunFiles(dir), "appended");
 * assert.equal(await ignoreRunFiles(dir), "unchanged");
 * assert.match(Deno.readTextFileSync(join(dir, ".gitignore")), /^node_modules\/\n\n# orchestrate: /);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function ignoreRunFiles(dir: string): Promise<GitignoreChange> {
  const path = join(dir, ".gitignore");
  let text: string | null;
  try {
    text = await readRegularText(path, GITIGNORE_MAX_BYTES);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    text = null;
  }
  const present = new Set((text ?? "").split(/\r?\n/).map((l) => l.trim()));
  if (present.has(MARK)) return "unchanged";
  const missing = IGNORED_LINES.filter((line) => !present.has(line));
  if (missing.length === 0) return "unchanged";
  const eol = text?.includes("\r\n") ? "\r\n" : "\n"; // as the file has them
  const block = [MARK, ...missing].join(eol) + eol;
  if (text === null) {
    await Deno.writeTextFile(path, block);
    return "created";
  }
  const separator = text === "" ? "" : text.endsWith("\n") ? eol : eol + eol;
  await Deno.writeTextFile(path, separator + block, { append: true });
  return "appended";
}

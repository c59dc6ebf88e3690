/**
 * Reads a run log straight into state: each line is parsed and folded in
 * turn, so nothing but the state stays alive (a 50,000-event log folds
 * without building the event array, which is what costs time and garbage
 * collection in a short-lived `status`).
 * @module
 */

import { applyEvent, emptyState, type RunState } from "./fold.ts";
import { basename } from "../fs/path.ts";
import { journalPath, readJournal } from "./approvals_journal.ts";
import { forEachEvent } from "./log.ts";
import { ControlFileError, entryKind } from "./control_entry.ts";

/** State folded from a log, and what was wrong with the log. */
export interface FoldedLog {
  /** The folded state. */
  state: RunState;
  /** One line per skipped line of the log. */
  warnings: string[];
  /** How much log text was read (characters). */
  read: number;
}

/**
 * Folds a log file (see {@link foldLogText}), then the approvals recorded
 * in its run's approvals journal while the run was live.
 *
 * @param path The `.jsonl` file.
 * @returns The state and one warning per skipped line.
 * @throws {Deno.errors.NotFound} When it does not exist.
 *
 * @example
 * ```ts ignore
 * import { foldLog } from "./fold_log.ts";
 * const { state, warnings } = await foldLog(".codex/runs/20250922T110314.123Z.jsonl");
 * ```
 */
export async function foldLog(path: string): Promise<FoldedLog> {
  const kind = await entryKind(path);
  if (kind !== "file" && kind !== "missing") {
    throw new ControlFileError(path, kind, "the run's log");
  }
  const folded = foldLogText(await Deno.readTextFile(path), path);
  const run = folded.state.run ?? basename(path, ".jsonl");
  const journal = await readJournal(journalPath(path), run);
  for (const grant of journal.grants) applyEvent(folded.state, grant);
  folded.warnings.push(...journal.warnings);
  return folded;
}

/**
 * Folds log text line by line: the same state as `foldEvents` of
 * `parseLog`'s events, with the same tolerance. A torn last line (a crash
 * mid-write) and lines that are not JSON are skipped with a warning, and so
 * is a damaged event (an unknown type, a missing or wrong-typed field the
 * fold reads), so a damaged log never stops `status` or `resume`.
 *
 * @param text The log's content.
 * @param path The log's path, for warnings.
 * @returns The state and one warning per skipped line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { foldLogText } from "./fold_log.ts";
 * const { state, warnings } = foldLogText(
 *   '{"ts":"t","run":"r","type":"task_started","task":"A","shard":null}\n{"ty',
 *   "r.jsonl",
 * );
 * assert.equal(state.tasks.get("A")!.state, "in_progress");
 * assert.deepEqual(warnings, ["r.jsonl: ignoring a torn last line (an interrupted write)"]);
 * ```
 */
export function foldLogText(text: string, path: string): FoldedLog {
  const state = emptyState();
  const warnings = forEachEvent(
    text,
    path,
    (event) => applyEvent(state, event),
  );
  return { state, warnings, read: text.length };
}

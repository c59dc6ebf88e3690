/**
 * A run's approvals journal, `.codex/runs/<run>/approvals.jsonl`:
 * `approval_granted` events that `approve` recorded while the run was live
 * (its log belongs to the live run then). One O_APPEND write per line, never
 * repaired; every fold of the run includes it.
 * @module
 */

import { basename, dirname, join } from "../fs/path.ts";
import { parseEventLine } from "./log.ts";
import { describeKind, entryKind } from "./control_entry.ts";
import type { ApprovalGrantedEvent } from "./types.ts";

/**
 * The journal beside a run's log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { journalPath } from "./approvals_journal.ts";
 * assert.equal(journalPath("/p/.codex/runs/R.jsonl"), "/p/.codex/runs/R/approvals.jsonl");
 * ```
 */
export function journalPath(logPath: string): string {
  return join(
    dirname(logPath),
    basename(logPath, ".jsonl"),
    "approvals.jsonl",
  );
}

/** What a read of the journal found. */
export interface JournalRead {
  /** The approvals, in order. */
  grants: ApprovalGrantedEvent[];
  /** One per damaged line. */
  warnings: string[];
  /** Bytes read up to the end of the last whole line (where to go on next time). */
  size: number;
  /** Lines read. */
  lines: number;
}

/**
 * Reads the journal of `run` from byte `from` (line `line`) on. A line not
 * yet ended by a newline (being written now) is left for the next read.
 *
 * @param path The journal.
 * @param run The run it belongs to (other runs' events are refused).
 * @param from Byte offset to start at (0, or a previous read's `size`).
 * @param line Lines before `from`, for warnings.
 * @returns The approvals after `from`; none when there is no journal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJournal } from "./approvals_journal.ts";
 * const { grants } = await readJournal("/nonexistent/approvals.jsonl", "R");
 * assert.deepEqual(grants, []);
 * ```
 */
export async function readJournal(
  path: string,
  run: string,
  from = 0,
  line = 0,
): Promise<JournalRead> {
  const read: JournalRead = {
    grants: [],
    warnings: [],
    size: from,
    lines: line,
  };
  // Only a regular file: opening a FIFO waits forever, a link leads anywhere.
  const kind = await entryKind(path);
  if (kind === "missing") return read;
  if (kind !== "file") {
    read.warnings.push(
      `${path}: ignoring it: it is ${
        describeKind(kind)
      }, not a regular file, so no approval in it counts (\`orchestrate approve\` sets it aside)`,
    );
    return read;
  }
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return read;
    throw e;
  }
  let bytes: Uint8Array;
  try {
    const { size } = await file.stat();
    if (size <= from) return read;
    await file.seek(from, Deno.SeekMode.Start);
    bytes = new Uint8Array(size - from);
    let got = 0;
    while (got < bytes.length) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) break;
      got += n;
    }
    bytes = bytes.subarray(0, got);
  } finally {
    file.close();
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end === 0) return read;
  read.size = from + end;
  const text = new TextDecoder().decode(bytes.subarray(0, end - 1));
  for (const part of text.split("\n")) {
    const n = ++read.lines;
    if (part.trim() === "") continue;
    const event = parseEventLine(part, path, n, read.warnings);
    if (event === null) continue;
    if (event.type !== "approval_granted" || event.run !== run) {
      read.warnings.push(
        `${path}:${n}: ignoring an event that is not an approval of run ${run}`,
      );
      continue;
    }
    read.grants.push(event);
  }
  return read;
}

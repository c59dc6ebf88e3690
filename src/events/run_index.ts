/**
 * The run index, `.codex/runs/index`: one run id a line, appended when a
 * run's log is first opened, so "the latest run" is the one that started
 * last, whatever its (clock-derived or hand-made) name says.
 * @module
 */

import { join } from "../fs/path.ts";
import { refuseSpecialFileSync } from "../fs/regular_file.ts";
import { readStateTextSync } from "./state_file.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { entryKindSync, setAside } from "./control_entry.ts";

// Not log.ts's RUNS_DIR: log.ts imports this module.
const RUNS_DIR = `${STATE_DIR}/runs`;

/** The run index, relative to the project root. */
export const RUN_INDEX = `${RUNS_DIR}/index`;

/** What a run id may look like: a file name without separators or blanks. */
export const RUN_ID = /^[^/\\\s]+$/;

/**
 * Run ids in the order they were recorded; [] when there is no index.
 *
 * @param root The project root.
 * @returns Run ids, oldest first (may repeat; lines that are no run id are left out).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readRunIndex, recordRun } from "./run_index.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/.codex/runs`, { recursive: true });
 * await recordRun(root, "b");
 * await recordRun(root, "a");
 * await recordRun(root, "b");
 * assert.deepEqual(await readRunIndex(root), ["b", "a"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
// deno-lint-ignore require-await
export async function readRunIndex(root: string): Promise<string[]> {
  return readRunIndexSync(root);
}

/**
 * {@link readRunIndex}, synchronous (a small local file: a run reads it
 * twice before its first task, where each async step is a hop to a worker
 * thread).
 */
function readRunIndexSync(root: string): string[] {
  // Not a regular file (a folder, a FIFO, a link): no order known; `recordRun` sets it aside.
  if (entryKindSync(join(root, RUN_INDEX)) !== "file") return [];
  let text: string;
  try {
    text = readStateTextSync(join(root, RUN_INDEX));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  return text.split("\n").map((l) => l.trim()).filter((l) => RUN_ID.test(l));
}

/**
 * Run ids that have a log under `root`, oldest first: in the order the
 * index recorded them; logs it does not name (older than the index, or
 * named by hand) come first, by name. Without an index, by name.
 *
 * @param root The project root.
 * @returns Run ids, oldest first; the last is the latest run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { orderedRuns, recordRun } from "./run_index.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/.codex/runs`, { recursive: true });
 * for (const run of ["old", "b", "a"]) await Deno.writeTextFile(`${root}/.codex/runs/${run}.jsonl`, "");
 * await recordRun(root, "b");
 * await recordRun(root, "a");
 * assert.deepEqual(await orderedRuns(root), ["old", "b", "a"]);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
// deno-lint-ignore require-await
export async function orderedRuns(root: string): Promise<string[]> {
  const logs = new Set<string>();
  try {
    // Synchronous, as the index's read: one listing of a local folder.
    for (const entry of Deno.readDirSync(join(root, RUNS_DIR))) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) {
        logs.add(entry.name.slice(0, -".jsonl".length));
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const indexed: string[] = [];
  const seen = new Set<string>();
  for (const run of readRunIndexSync(root)) {
    if (logs.has(run) && !seen.has(run)) {
      seen.add(run);
      indexed.push(run);
    }
  }
  const rest = [...logs].filter((r) => !seen.has(r)).sort();
  return [...rest, ...indexed];
}

/**
 * Records `run` at the end of the index unless it is there already.
 *
 * @param root The project root (`.codex/runs/` must exist).
 * @param run The run id.
 */
export async function recordRun(root: string, run: string): Promise<void> {
  if (!RUN_ID.test(run)) throw new TypeError(`Invalid run id "${run}"`);
  const path = join(root, RUN_INDEX);
  const kind = entryKindSync(path);
  // Only the order of runs is lost: runs it does not name are ordered by name.
  if (kind !== "file" && kind !== "missing") await setAside(path);
  if (readRunIndexSync(root).includes(run)) return;
  appendLineSync(path, run);
}

/**
 * Appends one line with a single O_APPEND write, so concurrent appenders
 * never interleave within a line. A line torn by a crash is ended first, so
 * it cannot swallow this one.
 *
 * @param path The file (created if missing).
 * @param line The line, without its newline.
 */
// deno-lint-ignore require-await
export async function appendLine(path: string, line: string): Promise<void> {
  appendLineSync(path, line);
}

/** {@link appendLine}, synchronous (a line to a local file never waits long). */
function appendLineSync(path: string, line: string): void {
  refuseSpecialFileSync(path); // Opening a FIFO would wait for a reader forever.
  const file = Deno.openSync(path, {
    read: true,
    append: true,
    create: true,
  });
  try {
    const { size } = file.statSync();
    let prefix = "";
    if (size > 0) {
      const last = new Uint8Array(1);
      file.seekSync(size - 1, Deno.SeekMode.Start);
      file.readSync(last);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    const bytes = new TextEncoder().encode(`${prefix}${line}\n`);
    let written = 0;
    while (written < bytes.length) {
      written += file.writeSync(bytes.subarray(written));
    }
  } finally {
    file.close();
  }
}

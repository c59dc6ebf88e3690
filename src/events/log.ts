/**
 * The append-only JSONL event log: `.codex/runs/<run-id>.jsonl`.
 * @module
 */

import { join } from "node:path";
import type { NewEvent, RunEvent } from "./types.ts";

/** Folder of run logs, relative to the project root. */
export const RUNS_DIR = ".codex/runs";

/**
 * A run id: the UTC start time, safe in file names on every OS (no colons),
 * sortable as text, e.g. `20260922T110314.123Z`.
 *
 * @example
 * ```ts
 * import { newRunId } from "./log.ts";
 * newRunId(new Date("2025-09-22T11:03:14.123Z")); // "20250922T110314.123Z"
 * ```
 */
export function newRunId(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:]/g, "");
}

/** Path of a run's log. */
export function logPath(root: string, run: string): string {
  return join(root, RUNS_DIR, `${run}.jsonl`);
}

/** Path of a run's artifact folder (command output, ...). */
export function artifactDir(root: string, run: string): string {
  return join(root, RUNS_DIR, run);
}

/**
 * Appends events, one line each, with a single write per event so each is
 * on disk (in the kernel) before the next action starts.
 */
export class EventLog {
  #file: Deno.FsFile;
  #encoder = new TextEncoder();
  readonly run: string;
  readonly path: string;

  private constructor(file: Deno.FsFile, run: string, path: string) {
    this.#file = file;
    this.run = run;
    this.path = path;
  }

  /** Opens (creating if needed) the log of `run` for appending. */
  static async open(root: string, run: string): Promise<EventLog> {
    await Deno.mkdir(join(root, RUNS_DIR), { recursive: true });
    const path = logPath(root, run);
    await repairTornTail(path);
    const file = await Deno.open(path, { append: true, create: true });
    return new EventLog(file, run, path);
  }

  /** Stamps an event with time and run id, writes it, and returns it. */
  append(event: NewEvent, now: Date = new Date()): RunEvent {
    const full = { ts: now.toISOString(), run: this.run, ...event } as RunEvent;
    const bytes = this.#encoder.encode(JSON.stringify(full) + "\n");
    let written = 0;
    while (written < bytes.length) {
      written += this.#file.writeSync(bytes.subarray(written));
    }
    return full;
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

/**
 * A crash mid-write can leave a last line without its newline. Before
 * appending, cut it off so the next event starts on a line of its own.
 */
async function repairTornTail(path: string): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return;
  }
  if (text.length === 0 || text.endsWith("\n")) return;
  await Deno.truncate(
    path,
    new TextEncoder().encode(text.slice(0, text.lastIndexOf("\n") + 1)).length,
  );
}

/** Events of a log, and what was wrong with it. */
export interface ReadLog {
  events: RunEvent[];
  warnings: string[];
}

/**
 * Reads a log. A torn last line (a crash mid-write) is dropped with a
 * warning, never an error; so is any other line that does not parse.
 */
export async function readLog(path: string): Promise<ReadLog> {
  const text = await Deno.readTextFile(path);
  return parseLog(text, path);
}

/**
 * Parses log text (see {@link readLog}).
 *
 * @example
 * ```ts
 * import { parseLog } from "./log.ts";
 * parseLog('{"type":"completed"}\n{"type":"task_st', "x.jsonl").warnings.length; // 1
 * ```
 */
export function parseLog(text: string, path: string): ReadLog {
  const warnings: string[] = [];
  const end = text.lastIndexOf("\n");
  const body = end < 0 ? "" : text.slice(0, end);
  const tail = text.slice(end + 1);
  if (tail.trim() !== "") {
    warnings.push(`${path}: ignoring a torn last line (an interrupted write)`);
  }
  let events: RunEvent[];
  try {
    events = body === ""
      ? []
      : JSON.parse(`[${body.replace(/\n(?=.)/g, ",")}]`);
  } catch {
    events = [];
    body.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        events.push(JSON.parse(line));
      } catch {
        warnings.push(`${path}:${i + 1}: ignoring a line that is not JSON`);
      }
    });
  }
  return { events, warnings };
}

/** Run ids that have a log under `root`, oldest first. */
export async function listRuns(root: string): Promise<string[]> {
  const runs: string[] = [];
  try {
    for await (const entry of Deno.readDir(join(root, RUNS_DIR))) {
      if (entry.isFile && entry.name.endsWith(".jsonl")) {
        runs.push(entry.name.slice(0, -".jsonl".length));
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return runs.sort();
}

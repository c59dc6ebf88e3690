/**
 * The append-only JSONL event log: `.codex/runs/<run-id>.jsonl`.
 * @module
 */

import { join } from "../fs/path.ts";
import type { NewEvent, RunEvent } from "./types.ts";
import { recordRun } from "./run_index.ts";
import { eventProblem } from "./validate.ts";
import { ControlFileError, controlFolder, entryKind } from "./control_entry.ts";
import { approvalProblem } from "./approval_seal.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** Folder of run logs, relative to the project root. */
export const RUNS_DIR = `${STATE_DIR}/runs`;

/**
 * A run id: the UTC start time, safe in file names on every OS (no colons),
 * sortable as text, e.g. `20260922T110314.123Z`. Only a candidate: a clock
 * that stands still or goes back repeats it, so a new run takes the first
 * of `<id>`, `<id>-2`, `<id>-3`, ... no run has (`RunStore.create`).
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
 * Where tasks' own writable areas live (agents' worktrees, private folders),
 * apart from `.codex/runs/`, which holds control state no task may write.
 */
export const WORK_DIR = `${STATE_DIR}/work`;

/**
 * Path of a run's work folder: the parent of every area a task of that run
 * may write besides its `write` paths (never inside {@link artifactDir}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workDir } from "./log.ts";
 * assert.equal(workDir("/p", "R"), "/p/.codex/work/R");
 * ```
 */
export function workDir(root: string, run: string): string {
  return join(root, WORK_DIR, run);
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

  /**
   * Opens (creating if needed) the log of `run` for appending, cutting off a
   * torn last line, and records the run in the run index when it is new.
   * Only the holder of the project lock may call it (`RunStore.open` takes
   * the lock first): repairing a log that a live run writes could cut one
   * of its lines in half.
   */
  static async open(root: string, run: string): Promise<EventLog> {
    await controlFolder(join(root, STATE_DIR), "orchestrate's state");
    await controlFolder(join(root, RUNS_DIR), "the runs' logs");
    const path = logPath(root, run);
    // Never through a link, never a folder or a FIFO; a new log is created exclusively.
    const kind = await entryKind(path);
    if (kind !== "file" && kind !== "missing") {
      throw new ControlFileError(path, kind, "the run's log");
    }
    await repairTornTail(path);
    const file = await Deno.open(
      path,
      kind === "missing" ? { append: true, createNew: true } : { append: true },
    );
    try {
      // Only once the log exists: readers of the index never meet a run without one.
      await recordRun(root, run);
    } catch (e) {
      file.close();
      throw e;
    }
    return new EventLog(file, run, path);
  }

  /**
   * Creates the log of a new run exclusively (null when a log of that id
   * exists: two runs never share one), then records the run in the index.
   * Only the holder of the project lock may call it.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { EventLog } from "./log.ts";
   * const root = await Deno.makeTempDir();
   * const log = await EventLog.create(root, "r1");
   * assert.ok(log !== null);
   * log.close();
   * assert.equal(await EventLog.create(root, "r1"), null);
   * await Deno.remove(root, { recursive: true });
   * ```
   */
  static async create(root: string, run: string): Promise<EventLog | null> {
    // Synchronous: local steps before the run's first task, where each
    // async one is a hop to a worker thread.
    Deno.mkdirSync(join(root, RUNS_DIR), { recursive: true });
    const path = logPath(root, run);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, { append: true, createNew: true });
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) return null;
      throw e;
    }
    try {
      await recordRun(root, run);
    } catch (e) {
      file.close();
      throw e;
    }
    return new EventLog(file, run, path);
  }

  /** Stamps an event with time and run id, writes it, and returns it. */
  append(event: NewEvent, now: Date = new Date()): RunEvent {
    return this.appendAll([event], now)[0]!;
  }

  /** Stamps events alike and writes them in one append, in order. */
  appendAll(events: readonly NewEvent[], now: Date = new Date()): RunEvent[] {
    const ts = now.toISOString();
    const full = events.map((e) => ({ ts, run: this.run, ...e }) as RunEvent);
    const bytes = this.#encoder.encode(
      full.map((e) => JSON.stringify(e) + "\n").join(""),
    );
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
 * Parses log text: one event per line that is JSON and a valid event; a
 * warning for every other line (a torn last line included), never an error.
 *
 * @example
 * ```ts
 * import { parseLog } from "./log.ts";
 * parseLog('{"type":"completed"}\n{"type":"task_st', "x.jsonl").warnings.length; // 2
 * ```
 */
export function parseLog(text: string, path: string): ReadLog {
  const events: RunEvent[] = [];
  const warnings = forEachEvent(text, path, (event) => events.push(event));
  return { events, warnings };
}

/**
 * The valid events of log text whose type is one of `types`, newest
 * first, each given to `each` as it is read. A line that cannot hold one
 * (no `"<type>"` in it, and no escape that could spell one) is not parsed,
 * nor is a line whose task can be told without parsing it (see
 * {@link plainTask}) when `passOver` says that task is settled already.
 * Damaged lines are left out silently. A reader that wants each task's
 * newest event (a run's history) parses one line a task, not all of them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eachEventNewestFirst } from "./log.ts";
 * const line = (type: string) => `{"ts":"2024-01-01T00:00:00.000Z","run":"r","type":"${type}","task":"A","shard":null,"duration_ms":1,"fingerprint":"f"}\n`;
 * const seen: string[] = [];
 * eachEventNewestFirst(line("task_started") + line("task_completed"), "x.jsonl", ["task_started", "task_completed"], () => seen.length > 0, (e) => seen.push(e.type));
 * assert.deepEqual(seen, ["task_completed"]);
 * ```
 */
export function eachEventNewestFirst(
  text: string,
  path: string,
  types: readonly RunEvent["type"][],
  passOver: (task: string) => boolean,
  each: (event: RunEvent) => void,
): void {
  const quoted = types.map((t) => `"${t}"`);
  const wanted = new Set<string>(types);
  const warnings: string[] = [];
  // Where each complete line begins (a torn last one is no event):
  // found forwards, as lastIndexOf is several times slower than indexOf.
  const starts = [0];
  for (
    let end = text.indexOf("\n");
    end >= 0;
    end = text.indexOf("\n", end + 1)
  ) {
    starts.push(end + 1);
  }
  for (let i = starts.length - 2; i >= 0; i--) {
    const raw = text.slice(starts[i]!, starts[i + 1]! - 1);
    const task = plainTask(raw);
    if (task !== null && passOver(task)) continue;
    if (!raw.includes("\\") && !quoted.some((q) => raw.includes(q))) continue;
    const event = parseEventLine(raw, path, 0, warnings);
    if (event !== null && wanted.has(event.type)) each(event);
  }
}

/**
 * The task of an event line, told without parsing it, or null when it
 * cannot be told so. Told only when the line has no backslash (so every
 * `"` in it is JSON's own) and `"task"` just once: an event has a
 * top-level `task` key (see `eventProblem`), so that one is it. A line
 * that is not a valid event may give a wrong task; it is not an event
 * either way.
 */
function plainTask(line: string): string | null {
  if (line.includes("\\")) return null;
  const at = line.indexOf('"task"');
  if (at < 0 || line.indexOf('"task"', at + 1) >= 0) return null;
  // As the log writes it; other spellings (spaces) are parsed.
  if (!line.startsWith(':"', at + 6)) return null;
  const end = line.indexOf('"', at + 8);
  return end < 0 ? null : line.slice(at + 8, end);
}

/**
 * Calls `each` with every line of `text` that ends in a newline (without
 * it) and its number from 1; returns where the rest (a torn last line,
 * or nothing) begins.
 */
function eachCompleteLine(
  text: string,
  each: (raw: string, line: number) => void,
): number {
  let start = 0;
  let line = 0;
  for (;;) {
    const end = text.indexOf("\n", start);
    if (end < 0) return start;
    each(text.slice(start, end), ++line);
    start = end + 1;
  }
}

/**
 * Calls `each` with every valid event of log text, in order, and returns
 * the warnings: one per line that is not JSON or not a valid event, and one
 * for a torn last line. `parseLog` and the fold both read logs through it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forEachEvent } from "./log.ts";
 * const types: string[] = [];
 * const warnings = forEachEvent('not json\n{"ty', "x.jsonl", (e) => types.push(e.type));
 * assert.deepEqual(types, []);
 * assert.equal(warnings.length, 2);
 * ```
 */
export function forEachEvent(
  text: string,
  path: string,
  each: (event: RunEvent) => void,
): string[] {
  const warnings: string[] = [];
  const rest = eachCompleteLine(text, (raw, line) => {
    if (raw === "") return;
    const event = parseEventLine(raw, path, line, warnings);
    if (event !== null) each(event);
  });
  if (text.slice(rest).trim() !== "") {
    warnings.push(`${path}: ignoring a torn last line (an interrupted write)`);
  }
  return warnings;
}

/**
 * Parses one log line into an event the fold can apply; null (and a
 * warning) when it is not JSON or is a damaged event (see `eventProblem`).
 *
 * @param line One line of a log, without its newline.
 * @param path The file, for the warning.
 * @param n The line number, for the warning.
 * @param warnings Where to add the warning.
 * @returns The event, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEventLine } from "./log.ts";
 * const warnings: string[] = [];
 * assert.equal(parseEventLine('{"type":"task_completed"}', "x.jsonl", 3, warnings), null);
 * assert.deepEqual(warnings, ['x.jsonl:3: ignoring a damaged event: "ts" is not a time']);
 * ```
 */
export function parseEventLine(
  line: string,
  path: string,
  n: number,
  warnings: string[],
): RunEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    if (line.trim() !== "") {
      warnings.push(`${path}:${n}: ignoring a line that is not JSON`);
    }
    return null;
  }
  const problem = eventProblem(value);
  if (problem !== null) {
    warnings.push(`${path}:${n}: ignoring a damaged event: ${problem}`);
    return null;
  }
  const event = value as RunEvent;
  // Only `orchestrate approve` grants: anything else that wrote the line is refused.
  const unsealed = event.type === "approval_granted"
    ? approvalProblem(event)
    : null;
  if (unsealed === null) return event;
  warnings.push(
    `${path}:${n}: not honouring the approval of "${
      event.type === "approval_granted" ? event.gate : ""
    }": ${unsealed}`,
  );
  return null;
}

/**
 * The run store: the only door to `.codex/runs/`. It knows which run is the
 * latest (by the order runs started, from an append-only index, not by a
 * clock-derived name), folds a run from its log and its approvals journal,
 * hands out the appender the engine writes through (only while holding the
 * project lock), and records approvals where a live run picks them up.
 *
 * Files, under `.codex/runs/`:
 * - `<run>.jsonl`: the event log, written only by the lock holder.
 * - `index`: one run id a line, appended when a run is first opened.
 * - `<run>/approvals.jsonl`: `approval_granted` events recorded while a run
 *   was live (one append per line, never repaired; folded with the log).
 * - `<run>/plan-<hash>.json`: the IR the run works from, written before the
 *   `run_started` (or, on a resume that changed it, `plan_updated`) event
 *   that names its hash (see `recorded_plan.ts`).
 * @module
 */

import type { RunState } from "./fold.ts";
import { foldLog } from "./fold_log.ts";
import { journalPath, readJournal } from "./approvals_journal.ts";
import { sealApproval } from "./approval_seal.ts";
import {
  ControlFileError,
  controlFolder,
  entryKind,
  entryKindSync,
  setAside,
} from "./control_entry.ts";
import { acquireLock, inspectLock, type Lock, LockedError } from "./lock.ts";
import {
  artifactDir,
  eachEventNewestFirst,
  EventLog,
  logPath,
  parseLog,
  type ReadLog,
  RUNS_DIR,
} from "./log.ts";
import { resolve, sep } from "../fs/path.ts";
import {
  appendLine,
  orderedRuns,
  recordRun,
  RUN_ID,
  RUN_INDEX,
} from "./run_index.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import {
  FileTooLarge,
  NotARegularFile,
  readRegularBytes,
} from "../fs/regular_file.ts";
import type { ApprovalGrantedEvent, NewEvent, RunEvent } from "./types.ts";
import type { Plan } from "../plan/ir.ts";
import {
  readRecordedPlan,
  type RecordedPlan,
  writeRecordedPlan,
} from "./recorded_plan.ts";

export type { RecordedPlan };

export { RUN_INDEX };

/** A run folded from its log and approvals journal. */
export interface FoldedRun {
  /** The folded state. */
  state: RunState;
  /** One line per skipped line of the log or the journal. */
  warnings: string[];
  /** How much log text was read (characters). */
  read: number;
}

/** The run a live process owns, from the lock. */
export interface LiveRun {
  /** Its run id. */
  run: string;
  /** The process that holds the lock. */
  pid: number;
  /** Its host. */
  host: string;
}

/** An approval as `approve` records it (the store stamps `ts` and `run`). */
export type NewApproval = Omit<ApprovalGrantedEvent, "ts" | "run">;

/** Where {@link RunStore.grant} recorded an approval. */
export type GrantedWhere = "log" | "journal";

/**
 * The appender of one run, holding the project lock: what the engine writes
 * through. `close()` closes the log and releases the lock.
 */
export interface RunWriter {
  /** The run id. */
  readonly run: string;
  /** Its log file. */
  readonly path: string;
  /** A warning when a stale lock was taken over, else null. */
  readonly warning: string | null;
  /** Stamps an event with time and run id, appends it (one write), returns it. */
  append(event: NewEvent, now?: Date): RunEvent;
  /** Appends several events in one write, in order (see {@link RunWriter.append}). */
  appendAll(events: readonly NewEvent[], now?: Date): RunEvent[];
  /**
   * Records the IR the run works from (atomically; kept when already there)
   * and returns its hash, for the event that names it. Given the hash its
   * loader computed, a copy of the same IR recorded by the run before is
   * used (see `writeRecordedPlan`).
   */
  recordPlan(plan: Plan, hash?: string): Promise<string>;
  /** Closes the log and releases the lock. Safe to call twice. */
  close(): void;
}

/**
 * The run store of a project.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunStore } from "./store.ts";
 * const store = new RunStore(await Deno.makeTempDir());
 * assert.equal(await store.latest(), null);
 * const writer = await store.open("r1");
 * writer.append({ type: "task_started", task: "A", shard: null });
 * writer.close();
 * assert.equal(await store.latest(), "r1");
 * const { state } = await store.fold("r1");
 * assert.equal(state.tasks.get("A")!.state, "in_progress");
 * await Deno.remove(store.root, { recursive: true });
 * ```
 */
export class RunStore {
  /** The project root. */
  readonly root: string;
  /** Per run: how much of its journal was read, in bytes and lines, and the grants in it. */
  #journals = new Map<
    string,
    { size: number; lines: number; grants: ApprovalGrantedEvent[] }
  >();

  /** @param root The project root (where `.codex/` lives). */
  constructor(root: string) {
    this.root = root;
  }

  /** Path of a run's log. */
  logPath(run: string): string {
    return logPath(this.root, run);
  }

  /**
   * A stamp of `run`'s log as it is now (its size and time; null when
   * there is none): equal stamps, an unchanged log, so what was read from
   * it still holds (a log only grows).
   */
  async logStamp(run: string): Promise<string | null> {
    const info = await Deno.stat(this.logPath(run)).catch(() => null);
    return info === null ? null : `${info.size} ${info.mtime?.getTime()}`;
  }

  /** Path of a run's artifact folder (command output, approvals journal). */
  artifactDir(run: string): string {
    return artifactDir(this.root, run);
  }

  /**
   * The text of a run's file named as events name it (relative to the
   * project root, e.g. an applied patch); null when it is missing, outside
   * `.codex/runs/`, or larger than `maxBytes`.
   */
  async runFileText(path: string, maxBytes: number): Promise<string | null> {
    const runs = resolve(this.root, RUNS_DIR);
    const file = resolve(this.root, path);
    if (!file.startsWith(runs + sep)) return null;
    try {
      if ((await Deno.stat(file)).size > maxBytes) return null;
      return await Deno.readTextFile(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /** Path of a run's approvals journal. */
  journalPath(run: string): string {
    return journalPath(this.logPath(run));
  }

  /**
   * Run ids that have a log, oldest first: in the order the index recorded
   * them; logs it does not name (older than the index, or named by hand)
   * come first, by name. Without an index, by name.
   */
  runs(): Promise<string[]> {
    return orderedRuns(this.root);
  }

  /** The latest run (see {@link runs}), or null when there is none. */
  async latest(): Promise<string | null> {
    return (await this.runs()).at(-1) ?? null;
  }

  /**
   * Folds a run: its log, then its approvals journal. Damaged lines are
   * warnings. Reads only: a live run's log is never repaired here.
   *
   * @throws {Deno.errors.NotFound} When the run has no log.
   */
  fold(run: string): Promise<FoldedRun> {
    return foldLog(this.logPath(run));
  }

  /**
   * The run's log as events, damaged lines left out with a warning.
   *
   * @throws {Deno.errors.NotFound} When the run has no log.
   */
  async events(run: string): Promise<ReadLog> {
    const path = this.logPath(run);
    return parseLog(await Deno.readTextFile(path), path);
  }

  /**
   * The run's events of the given types, newest first (see
   * {@link eachEventNewestFirst}): a line of a task `passOver` says is
   * settled is not parsed.
   */
  eachEventNewestFirst(
    run: string,
    types: readonly RunEvent["type"][],
    passOver: (task: string) => boolean,
    each: (event: RunEvent) => void,
  ): void {
    const path = this.logPath(run);
    // Never through a link, never a FIFO (its read would wait forever), as fold's.
    const kind = entryKindSync(path);
    if (kind !== "file" && kind !== "missing") {
      throw new ControlFileError(path, kind, "the run's log");
    }
    // Synchronous: a no-op reads its previous fingerprints before its first turn.
    eachEventNewestFirst(
      Deno.readTextFileSync(path),
      path,
      types,
      passOver,
      each,
    );
  }

  /**
   * The approvals recorded in the run's journal while it was live. Cheap to
   * call often (a live run polls it while it waits at a gate): only bytes
   * appended since the last call are read. Apply them to the run's state
   * with `applyEvent` (applying one twice changes nothing).
   */
  async approvals(run: string): Promise<ApprovalGrantedEvent[]> {
    return (await this.#readJournal(run)).events;
  }

  /**
   * The IR recorded with `run` under `hash` (the run state's `plan_hash`);
   * `missing` for runs recorded before IRs were kept.
   */
  recordedPlan(run: string, hash: string | null): Promise<RecordedPlan> {
    return readRecordedPlan(this.artifactDir(run), hash);
  }

  /**
   * The run a live process holds the lock for, or null. A run whose log
   * does not exist yet (it has the lock, and is about to open its log) is
   * not shown: there is nothing of it to fold, approve or report.
   */
  async live(): Promise<LiveRun | null> {
    const view = await inspectLock(this.root);
    if (view.kind !== "held" || !view.live) return null;
    const { run, pid, host } = view.holder;
    if (!RUN_ID.test(run) || !(await isFile(this.logPath(run)))) return null;
    return { run, pid, host };
  }

  /**
   * Takes the project lock and opens `run`'s log for appending (creating it
   * and recording the run in the index when new; see `EventLog.open`). Only now, with the lock
   * held, is a torn last line (a crash mid-write) cut off.
   *
   * @throws {LockedError} When a live run holds the lock.
   */
  async open(run: string): Promise<RunWriter> {
    if (!RUN_ID.test(run)) throw new TypeError(`Invalid run id "${run}"`);
    const lock = await acquireLock(this.root, run);
    try {
      const dir = this.artifactDir(run);
      return _writer(await EventLog.open(this.root, run), lock, dir, null);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /**
   * Takes the project lock and opens the log of a new run, whose id is
   * `base` or, when a run of that id exists (the clock stood still or went
   * back), `base-2`, `base-3`, ...: the log is created exclusively under the
   * lock, so two runs never share an id or a log, whatever the clock says.
   *
   * @param base The id wanted (see `newRunId`).
   * @throws {LockedError} When a live run holds the lock.
   *
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { RunStore } from "./store.ts";
   * const store = new RunStore(await Deno.makeTempDir());
   * const first = await store.create("r1");
   * first.close();
   * const second = await store.create("r1");
   * second.close();
   * assert.deepEqual([first.run, second.run], ["r1", "r1-2"]);
   * await Deno.remove(store.root, { recursive: true });
   * ```
   */
  async create(base: string): Promise<RunWriter> {
    if (!RUN_ID.test(base)) throw new TypeError(`Invalid run id "${base}"`);
    const runs = await this.runs();
    const known = new Set(runs);
    // The run before: the IR it recorded is likely this run's too.
    const last = runs.at(-1);
    const earlier = last === undefined ? null : this.artifactDir(last);
    for (let n = 1; n <= MAX_SAME_ID; n++) {
      const run = n === 1 ? base : `${base}-${n}`;
      if (known.has(run) || await _exists(this.artifactDir(run))) continue;
      const lock = await acquireLock(this.root, run);
      try {
        const log = await EventLog.create(this.root, run);
        if (log !== null) {
          return _writer(log, lock, this.artifactDir(run), earlier);
        }
      } catch (e) {
        lock.release();
        throw e;
      }
      lock.release(); // Taken meanwhile: try the next id.
    }
    throw new Error(
      `Cannot name a new run: ${MAX_SAME_ID} runs are already called ${base}`,
    );
  }

  /**
   * Records a whole run made elsewhere (`orchestrate merge`), as a run
   * records itself: under the project lock, its IR (when given) beside the
   * log, the files its events name (copied in, never replacing one, never
   * through a link), then its log in one atomic write, then its place in
   * the index. The same log recorded again changes nothing.
   *
   * @param files Each file's path under the run folder of the run that
   *   wrote it (`<job run>/<name>`), and the regular file to copy it from.
   * @returns `false` when the same log was recorded before, the IR's hash
   *   as written, and what {@link copyRunFiles} did.
   * @throws {LockedError} When a live run holds the lock.
   * @throws {RunExists} When `run` holds another log, or is not a file.
   *
   * @example
   * ```ts ignore
   * const { written } = await store.importRun("merged-1f", text, plan, []);
   * ```
   */
  async importRun(
    run: string,
    text: string,
    plan: Plan | null,
    files: readonly { path: string; from: string }[],
  ): Promise<
    {
      written: boolean;
      planHash: string | null;
      copied: number;
      warnings: string[];
    }
  > {
    if (!RUN_ID.test(run)) throw new TypeError(`Invalid run id "${run}"`);
    const lock = await acquireLock(this.root, run);
    try {
      await controlFolder(
        resolve(this.root, RUNS_DIR, ".."),
        "orchestrate's state",
      );
      await controlFolder(resolve(this.root, RUNS_DIR), "the runs' logs");
      const path = this.logPath(run);
      const kind = await entryKind(path);
      if (kind === "file") {
        if ((await Deno.readTextFile(path)) !== text) {
          throw new RunExists(
            `Run ${run} exists and holds other events: merge under another --run`,
          );
        }
        await recordRun(this.root, run);
        return { written: false, planHash: null, copied: 0, warnings: [] };
      }
      if (kind !== "missing") {
        throw new RunExists(
          `${RUNS_DIR}/${run}.jsonl is not a file: cannot record run ${run} there`,
        );
      }
      const planHash = plan === null
        ? null
        : await writeRecordedPlan(this.artifactDir(run), plan);
      // The files first: the log never names one that is not there yet.
      const { copied, warnings } = await this.copyRunFiles(files);
      writeFileAtomic(path, text);
      await recordRun(this.root, run);
      return { written: true, planHash, copied, warnings };
    } finally {
      lock.release();
    }
  }

  /**
   * Copies files made elsewhere into run folders: each `from` (a regular
   * file, not a link, at most 64 MiB) to `path` (`<run>/<name>`, no `..`)
   * under `.codex/runs/`, its folders made as control folders (a planted
   * link is set aside), never replacing a file. A source that is gone, a
   * link, or a file already there is passed over.
   *
   * @returns How many were copied, and one warning per file that could not be.
   *
   * @example
   * ```ts ignore
   * await store.copyRunFiles([{ path: "r1/A.log", from: "art/r1/A.log" }]);
   * ```
   */
  async copyRunFiles(
    files: readonly { path: string; from: string }[],
  ): Promise<{ copied: number; warnings: string[] }> {
    let copied = 0;
    const warnings: string[] = [];
    for (const file of files) {
      const done = await _copyIn(resolve(this.root, RUNS_DIR), file);
      if (done === true) copied++;
      else if (done !== false) warnings.push(done);
    }
    return { copied, warnings };
  }

  /**
   * Records an approval of `run`. With no live run, it is appended to the
   * log under the lock; while a run is live (or takes the lock first), to
   * the run's approvals journal, which the live run re-reads (see
   * {@link approvals}) and every fold includes.
   *
   * @returns Where it was recorded.
   */
  async grant(run: string, approval: NewApproval): Promise<GrantedWhere> {
    // Sealed first: no key, no approval recorded anywhere.
    const now = new Date();
    const event = sealApproval({ ts: now.toISOString(), run, ...approval });
    if ((await this.live()) === null) {
      try {
        const writer = await this.open(run);
        try {
          writer.append(event as NewEvent, now);
        } finally {
          writer.close();
        }
        return "log";
      } catch (e) {
        if (!(e instanceof LockedError)) throw e;
      }
    }
    await controlFolder(this.artifactDir(run));
    const journal = this.journalPath(run);
    // What is not a regular file holds no approval that counts: set it aside.
    const kind = await entryKind(journal);
    if (kind !== "file" && kind !== "missing") await setAside(journal);
    await appendLine(journal, JSON.stringify(event));
    return "journal";
  }

  async #readJournal(
    run: string,
  ): Promise<{ events: ApprovalGrantedEvent[]; warnings: string[] }> {
    const cached = this.#journals.get(run) ??
      { size: 0, lines: 0, grants: [] };
    const read = await readJournal(
      this.journalPath(run),
      run,
      cached.size,
      cached.lines,
    );
    cached.size = read.size;
    cached.lines = read.lines;
    cached.grants.push(...read.grants);
    this.#journals.set(run, cached);
    return { events: [...cached.grants], warnings: read.warnings };
  }
}

/** How many runs may share one clock value before `create` gives up. */
const MAX_SAME_ID = 1000;

// deno-lint-ignore require-await
async function _exists(path: string): Promise<boolean> {
  try {
    Deno.lstatSync(path); // Synchronous: a local lstat never waits.
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.lstat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

function _writer(
  log: EventLog,
  lock: Lock,
  artifactDir: string,
  earlier: string | null,
): RunWriter {
  let closed = false;
  return {
    run: log.run,
    path: log.path,
    warning: lock.warning,
    append: (event, now) => log.append(event, now),
    appendAll: (events, now) => log.appendAll(events, now),
    recordPlan: (plan, hash) =>
      writeRecordedPlan(
        artifactDir,
        plan,
        hash === undefined ? undefined : { hash, earlier },
      ),
    close() {
      if (closed) return;
      closed = true;
      try {
        log.close();
      } finally {
        lock.release();
      }
    },
  };
}

/** A run that cannot be recorded under its id: another log, or not a file, is there. */
export class RunExists extends Error {
  override name = "RunExists";
}

/** The largest file {@link RunStore.importRun} copies in (a command's output is capped at 8 MiB). */
const IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Copies `file.from` (a regular file, not a link) to `file.path` under
 * `runsDir`, creating its folders as control folders and never replacing a
 * file: true when copied, false when passed over, else why not. Each part
 * of `from` that `path` names (its run folder down) is checked not to be
 * a link; the bytes are read from the open file (its kind and size checked
 * there) and written beside the target first, then linked into place, so
 * a full disk leaves no partial file under the target's name.
 */
async function _copyIn(
  runsDir: string,
  file: { path: string; from: string },
): Promise<boolean | string> {
  const parts = file.path.split("/");
  if (parts.some((p) => p === "" || p === "." || p === "..")) return false;
  let partial: string | null = null;
  try {
    const named = file.from.endsWith(`/${file.path}`) ? parts : [parts.at(-1)!];
    let at = file.from.slice(0, file.from.length - named.join("/").length - 1);
    for (const [i, part] of named.entries()) {
      const info = await Deno.lstat(at = resolve(at, part));
      if (i < named.length - 1 ? !info.isDirectory : !info.isFile) {
        return false;
      }
      if (i === named.length - 1 && info.size > IMPORT_MAX_BYTES) {
        return `${file.from}: ${info.size} bytes, more than a command's output can be: not copied`;
      }
    }
    let dir = runsDir;
    for (const part of parts.slice(0, -1)) {
      dir = resolve(dir, part);
      // A record (another run's log) where a folder goes stays where it is.
      if (await entryKind(dir) === "file") {
        return `${file.from}: ${dir} is a file, not a run's folder: not copied`;
      }
      await controlFolder(dir);
    }
    const target = resolve(dir, parts.at(-1)!);
    // Already here (merged before): not read at all; `link` below settles a race.
    if (await entryKind(target) !== "missing") return false;
    const bytes = await readRegularBytes(file.from, IMPORT_MAX_BYTES);
    // Hidden, as writeFileAtomic's temp files: a kill -9 before the link leaves no visible stray.
    partial = resolve(dir, `.${parts.at(-1)!}.partial-${crypto.randomUUID()}`);
    await Deno.writeFile(partial, bytes, { createNew: true, mode: 0o600 });
    await Deno.link(partial, target);
    return true;
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.AlreadyExists ||
      e instanceof NotARegularFile
    ) return false;
    if (e instanceof FileTooLarge) {
      return `${file.from}: ${e.size} bytes, more than a command's output can be: not copied`;
    }
    return `${file.from}: cannot copy it into the project: ${
      (e as Error).message
    }`;
  } finally {
    if (partial !== null) await Deno.remove(partial).catch(() => {});
  }
}

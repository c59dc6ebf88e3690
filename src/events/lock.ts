/**
 * One `run` at a time per project: `.codex/lock` names the pid, host and run
 * that own the project.
 *
 * A lock appears whole: it is written to a temporary file first, then
 * linked to `.codex/lock`, which fails when a lock exists, so no rival ever
 * reads a lock half written. A stale lock (its process is gone) is replaced
 * whole too: renamed over, under a short kernel lock on `.codex/lock.takeover`
 * that serialises the rivals, and only when its content is still the stale
 * content they read, so two rivals cannot both take it over.
 * @module
 */

import { join } from "../fs/path.ts";
import { safeText } from "../text/safe_text.ts";
import { NotARegularFile } from "../fs/regular_file.ts";
import { readStateText, readStateTextSync } from "./state_file.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** Lock file, relative to the project root. */
export const LOCK_FILE = `${STATE_DIR}/lock`;

/**
 * How long an unreadable lock (empty, torn, a pid that is not a positive
 * integer) is left alone before it counts as stale: an older writer may be
 * in the middle of writing it.
 */
export const LOCK_GRACE_MS = 2000;

/**
 * How much of a lock file is read: a lock is one short line, so a longer
 * file is damaged (unreadable), and reading all of it would only cost memory.
 */
export const LOCK_MAX_BYTES = 4096;

/** What a lock that is a pipe, socket or device "reads" as: never a valid lock. */
const SPECIAL_FILE = "\0not a regular file";

/** Another live run holds the lock. */
export class LockedError extends Error {
  override name = "LockedError";
}

/** What a lock file says. */
export interface LockInfo {
  /** Process id of the holder (a positive integer). */
  pid: number;
  /** Host name of the holder. */
  host: string;
  /** The run it works on. */
  run: string;
  /** When it took the lock (ISO 8601). */
  started: string;
}

/** A held lock; `release()` removes it. */
export interface Lock {
  /** What the lock file says (this process). */
  readonly info: LockInfo;
  /** A warning when a stale or unreadable lock was taken over. */
  readonly warning: string | null;
  /** Removes the lock if it is still this process's. Safe to call twice. */
  release(): void;
}

/** What `.codex/lock` looks like from outside. */
export type LockView =
  | { kind: "free" }
  | {
    kind: "held";
    holder: LockInfo;
    /** False when its process is gone (stale); true when alive or on another host. */
    live: boolean;
  }
  | { kind: "unreadable"; age_ms: number };

/**
 * Takes the project lock, or throws {@link LockedError} naming the holder.
 * A lock whose process is gone on this host is stale and taken over, and so
 * is an unreadable one once it is older than `graceMs`: by its date, or, when
 * the date lies (a clock set back, a lock dated in the future), by how long
 * this process watched it unchanged on its own monotonic clock.
 *
 * @param root The project root.
 * @param run The run that will own the project.
 * @param graceMs See {@link LOCK_GRACE_MS}.
 * @returns The held lock.
 * @throws {LockedError} When a live run holds it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, LockedError } from "./lock.ts";
 * const root = await Deno.makeTempDir();
 * const lock = await acquireLock(root, "r1");
 * await assert.rejects(acquireLock(root, "r2"), LockedError);
 * lock.release();
 * (await acquireLock(root, "r3")).release();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function acquireLock(
  root: string,
  run: string,
  graceMs: number = LOCK_GRACE_MS,
): Promise<Lock> {
  const path = join(root, LOCK_FILE);
  // Synchronous steps on the way to a free lock: each async one is a hop to
  // a worker thread, paid before the run's first task.
  Deno.mkdirSync(join(root, STATE_DIR), { recursive: true });
  const info: LockInfo = {
    pid: Deno.pid,
    host: Deno.hostname(),
    run,
    started: new Date().toISOString(),
  };
  const text = JSON.stringify(info) + "\n";
  let warning: string | null = null;
  // Our own monotonic clock: a wall clock that jumps (or a lock dated in the
  // future) must not make us wait forever or take over a fresh lock.
  const deadline = performance.now() + graceMs + 5000;
  // Since when (monotonic) an unreadable lock has read the same.
  let watchedContent: string | null = null, watchedSince = 0;
  while (performance.now() < deadline) {
    if (_linkNew(path, text)) return _held(path, info, text, warning);
    const seen = await _readRaw(path);
    if (seen === null) continue; // Released in between: try again.
    const holder = parseLockInfo(seen);
    if (holder) {
      if (holder.host !== info.host || isAlive(holder.pid)) {
        throw new LockedError(_lockedMessage(holder, info.host));
      }
      warning =
        `warning: took over a stale lock from pid ${holder.pid} (run ${holder.run}), which is no longer running`;
    } else {
      const age = await _age(path);
      if (age === null) continue;
      if (watchedContent !== seen) {
        watchedContent = seen;
        watchedSince = performance.now();
      }
      // Old by its date, or unchanged for graceMs as we watched it (its
      // date may lie: a clock set back, a file from another machine).
      const watchedFor = performance.now() - watchedSince;
      if (age < graceMs && watchedFor < graceMs) {
        await _sleep(Math.min(100, graceMs - watchedFor));
        continue;
      }
      warning =
        `warning: replaced an unreadable ${LOCK_FILE} (left by a run that died while writing it)`;
    }
    if (await _replaceIfUnchanged(path, seen, text)) {
      return _held(path, info, text, warning);
    }
  }
  throw new LockedError(`Cannot take ${LOCK_FILE}: it keeps changing`);
}

/**
 * Looks at the lock without taking it.
 *
 * @param root The project root.
 * @returns Free, held (and whether its process lives), or unreadable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, inspectLock } from "./lock.ts";
 * const root = await Deno.makeTempDir();
 * assert.equal((await inspectLock(root)).kind, "free");
 * const lock = await acquireLock(root, "r1");
 * assert.deepEqual(await inspectLock(root), { kind: "held", holder: lock.info, live: true });
 * lock.release();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function inspectLock(root: string): Promise<LockView> {
  const path = join(root, LOCK_FILE);
  const seen = await _readRaw(path);
  if (seen === null) return { kind: "free" };
  const holder = parseLockInfo(seen);
  if (holder) {
    return {
      kind: "held",
      holder,
      live: holder.host !== Deno.hostname() || isAlive(holder.pid),
    };
  }
  return { kind: "unreadable", age_ms: (await _age(path)) ?? 0 };
}

/**
 * Parses a lock file's text; null when it is not a complete, valid lock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLockInfo } from "./lock.ts";
 * assert.equal(parseLockInfo('{"pid":-1,"host":"h","run":"r","started":"t"}'), null);
 * assert.equal(parseLockInfo('{"pid":7,"host":"h","run":"r","started":"t"}')!.pid, 7);
 * ```
 */
export function parseLockInfo(text: string): LockInfo | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { pid, host, run, started } = value as Record<string, unknown>;
  if (
    typeof pid !== "number" || !Number.isSafeInteger(pid) || pid <= 0 ||
    typeof host !== "string" || typeof run !== "string" ||
    typeof started !== "string"
  ) return null;
  return { pid, host, run, started };
}

/** Whether a process with this pid runs on this host. */
export function isAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  // Never 0 or negative: kill() would signal a whole process group.
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    Deno.kill(pid, "SIGCONT"); // Harmless for a running process; fails when there is none.
    return true;
  } catch (e) {
    return !(e instanceof Deno.errors.NotFound) &&
      !String(e).includes("ESRCH") &&
      !String((e as Error).message).includes("No such process");
  }
}

function _held(
  path: string,
  info: LockInfo,
  text: string,
  warning: string | null,
): Lock {
  let released = false;
  return {
    info,
    warning,
    release() {
      if (released) return;
      released = true;
      let now: string;
      try {
        now = readStateTextSync(path, LOCK_MAX_BYTES);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return;
        if (e instanceof NotARegularFile) return; // Not ours any more.
        throw e;
      }
      // Only ours: a stale-lock takeover may have replaced it if we were thought dead.
      if (now === text) Deno.removeSync(path);
    },
  };
}

function _lockedMessage(holder: LockInfo, host: string): string {
  // The lock's content is anybody's: its text reaches a terminal escaped.
  const run = safeText(String(holder.run));
  const on = safeText(String(holder.host));
  const started = safeText(String(holder.started));
  return `Another run (${run}, pid ${holder.pid} on ${on}, started ${started}) holds ${LOCK_FILE}; ` +
    `wait for it to finish${
      holder.host === host
        ? ""
        : `, or remove ${LOCK_FILE} if that host is gone`
    }`;
}

/** Creates `path` with `text` in one step: link a complete temp file to it. */
function _linkNew(path: string, text: string): boolean {
  const tmp = _writeTemp(path, text);
  try {
    Deno.linkSync(tmp, path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  } finally {
    Deno.removeSync(tmp);
  }
}

/**
 * Replaces the lock at `path` with `text` if it still reads `seen`. Rivals
 * queue on a kernel lock (released by the kernel if its holder dies, so it
 * is never stale itself), and each checks the content again once inside.
 */
async function _replaceIfUnchanged(
  path: string,
  seen: string,
  text: string,
): Promise<boolean> {
  const guard = await Deno.open(`${path}.takeover`, {
    create: true,
    write: true,
  });
  try {
    await guard.lock(true);
    if (await _readRaw(path) !== seen) return false;
    const tmp = _writeTemp(path, text);
    await Deno.rename(tmp, path);
    return true;
  } finally {
    guard.close(); // Closing releases the kernel lock.
  }
}

function _writeTemp(path: string, text: string): string {
  const tmp = `${path}.${Deno.pid}.${crypto.randomUUID()}.tmp`;
  try {
    // Synchronous: a lock's few bytes never wait, and the first async file
    // write of a process costs ~2 ms of set-up.
    Deno.writeTextFileSync(tmp, text, { createNew: true });
  } catch (e) {
    // A full disk can create the file and fail the write: leave nothing behind.
    try {
      Deno.removeSync(tmp);
    } catch {
      // Never created.
    }
    throw e;
  }
  return tmp;
}

async function _readRaw(path: string): Promise<string | null> {
  try {
    return await readStateText(path, LOCK_MAX_BYTES);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    // A FIFO would block the read forever: it counts as an unreadable lock.
    if (e instanceof NotARegularFile) return SPECIAL_FILE;
    throw e;
  }
}

async function _age(path: string): Promise<number | null> {
  try {
    const { mtime } = await Deno.stat(path);
    return mtime === null ? Infinity : Date.now() - mtime.getTime();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

function _sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

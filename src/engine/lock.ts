/**
 * One `run` at a time per project: `.codex/lock` holds the pid and host of
 * the run that owns the project.
 * @module
 */

import { join } from "node:path";

/** Lock file, relative to the project root. */
export const LOCK_FILE = ".codex/lock";

/** Another live run holds the lock. */
export class LockedError extends Error {
  override name = "LockedError";
}

interface LockInfo {
  pid: number;
  host: string;
  run: string;
  started: string;
}

/** A held lock; `release()` removes it. */
export interface Lock {
  release(): void;
  /** A warning when a stale lock was taken over. */
  warning: string | null;
}

/**
 * Takes the project lock, or throws {@link LockedError} naming the holder.
 * A lock whose pid is dead on this host is stale and taken over.
 */
export async function acquireLock(root: string, run: string): Promise<Lock> {
  const path = join(root, LOCK_FILE);
  await Deno.mkdir(join(root, ".codex"), { recursive: true });
  const mine: LockInfo = {
    pid: Deno.pid,
    host: Deno.hostname(),
    run,
    started: new Date().toISOString(),
  };
  let warning: string | null = null;
  for (let tries = 0; tries < 3; tries++) {
    try {
      const file = await Deno.open(path, { write: true, createNew: true });
      await file.write(new TextEncoder().encode(JSON.stringify(mine) + "\n"));
      file.close();
      return {
        warning,
        release() {
          try {
            const held = JSON.parse(Deno.readTextFileSync(path)) as LockInfo;
            if (held.pid === mine.pid && held.run === mine.run) {
              Deno.removeSync(path);
            }
          } catch {
            // Already gone.
          }
        },
      };
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    let held: LockInfo | null = null;
    try {
      held = JSON.parse(await Deno.readTextFile(path));
    } catch {
      held = null; // Torn or empty: its writer died mid-write.
    }
    if (held && (held.host !== mine.host || isAlive(held.pid))) {
      throw new LockedError(
        `Another run (${held.run}, pid ${held.pid} on ${held.host}, started ${held.started}) holds ${LOCK_FILE}; ` +
          `wait for it to finish${
            held.host === mine.host
              ? ""
              : `, or remove ${LOCK_FILE} if that host is gone`
          }`,
      );
    }
    warning = held
      ? `warning: took over a stale lock from pid ${held.pid} (run ${held.run}), which is no longer running`
      : `warning: replaced an unreadable ${LOCK_FILE}`;
    await Deno.remove(path).catch(() => {});
  }
  throw new LockedError(`Cannot take ${LOCK_FILE}: it keeps changing`);
}

function isAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.kill(pid, "SIGCONT"); // Harmless for a running process; fails when there is none.
    return true;
  } catch (e) {
    return !(e instanceof Deno.errors.NotFound) &&
      !String(e).includes("ESRCH") &&
      !String((e as Error).message).includes("No such process");
  }
}

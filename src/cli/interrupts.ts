/**
 * Ctrl-C (SIGINT) and SIGTERM during `run`: the first stops the running
 * commands gracefully, the second kills them at once, and the engine
 * unwinds either way (records `interrupted`, writes TASKS.md, releases the
 * lock). Only if that unwinding hangs does the process exit on its own.
 * @module
 */

import { join } from "../fs/path.ts";
import { readStateTextSync } from "../events/state_file.ts";
import type { ProcessRunner } from "../exec/runner.ts";
import { EXIT_CODE } from "../exit_code.ts";

/** After a second interrupt, how long the run gets to record its end before the process exits. */
export const HARD_EXIT_MS = 5000;

/** The interrupt handlers of one run. */
export interface Interrupts {
  /** Aborted by the first interrupt. */
  signal: AbortSignal;
  /** Removes the handlers (when the run has ended). */
  dispose(): void;
}

/**
 * Installs the SIGINT/SIGTERM handlers of a run whose processes `runner`
 * starts, in the project at `root` (whose lock file is `lockFile`,
 * relative to it).
 *
 * First interrupt: abort the returned signal (commands get SIGTERM, then
 * SIGKILL after a grace period). Second: SIGKILL every command now, so each
 * pending `run()` resolves and the run records its end; if that takes
 * longer than {@link HARD_EXIT_MS}, or on a third interrupt, remove the
 * lock if it is ours and exit 130.
 *
 * @example
 * ```ts ignore
 * const interrupts = handleInterrupts(runner, root, ".codex/lock");
 * try {
 *   await executeRun({ ..., interrupt: interrupts.signal });
 * } finally {
 *   interrupts.dispose();
 * }
 * ```
 */
export function handleInterrupts(
  runner: ProcessRunner,
  root: string,
  lockFile: string,
): Interrupts {
  const abort = new AbortController();
  let count = 0;
  let hardExit: ReturnType<typeof setTimeout> | undefined;
  const exitNow = () => {
    removeLockIfOurs(join(root, lockFile));
    Deno.exit(EXIT_CODE.interrupted);
  };
  const onSignal = (signal: Deno.Signal) => () => {
    count++;
    if (count === 1) {
      say(
        `\n${signal}: stopping running tasks (press Ctrl-C again to kill them now)`,
      );
      abort.abort();
    } else if (count === 2) {
      say(`\n${signal}: killing running tasks`);
      runner.killAll("SIGKILL");
      hardExit = setTimeout(() => {
        say(`${signal}: the run did not finish recording; exiting`);
        exitNow();
      }, HARD_EXIT_MS);
    } else {
      exitNow();
    }
  };
  const handlers = (["SIGINT", "SIGTERM"] as const).map((s) =>
    [s, onSignal(s)] as const
  );
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  return {
    signal: abort.signal,
    dispose() {
      // Only when set: Deno loads its Node timers (~13 ms) on first use of clearTimeout.
      if (hardExit !== undefined) clearTimeout(hardExit);
      for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
    },
  };
}

/** Best effort: stderr may be a closed terminal by now. */
function say(message: string): void {
  try {
    console.error(message);
  } catch {
    // Nowhere to say it.
  }
}

/** Removes the lock file when it names this process: never a rival's lock. */
function removeLockIfOurs(path: string): void {
  try {
    const held = JSON.parse(readStateTextSync(path, 4096)) as { pid?: unknown };
    if (held.pid === Deno.pid) Deno.removeSync(path);
  } catch {
    // Best effort on the way out: gone, torn or unreadable stays as it is.
  }
}

/**
 * The process runner of `run`: the sandbox and the runner are made when the
 * first command starts, so a run that starts none (a no-op re-run) never
 * loads them nor reads the plan's files (~10 ms of module loading).
 * @module
 */

import type { ProcessRunner, RunRequest, RunResult } from "../exec/runner.ts";
import type { SandboxMode } from "../exec/sandbox/modes.ts";
import { killOwnProcesses } from "../exec/own_process.ts";

/** A runner made on first use, and the sandbox to close at the end. */
export interface RunRunner extends ProcessRunner {
  /** Closes the sandbox, if one was made. */
  close(): Promise<void>;
}

/**
 * The confined runner of a run of the plan at `planFile`, made when its
 * first command starts: the plan's own files (read then, before any
 * command ran) stay read-only to confined tasks, like `.codex/`.
 *
 * @example
 * ```ts ignore
 * const runner = runRunner("auto", "/repo/orchestrator.yml", printError);
 * try { await executeRun({ ...options, runner }); } finally { await runner.close(); }
 * ```
 */
export function runRunner(
  mode: SandboxMode,
  planFile: string,
  warn: (message: string) => void,
): RunRunner {
  let made: { runner: ProcessRunner; close(): Promise<void> } | null = null;
  let making: Promise<ProcessRunner> | null = null;
  // Aborted by killAll: a command that was waiting for the runner to be
  // made then does not start (the runner's own rule for a stopped command).
  const killed = new AbortController();
  const make = async (): Promise<ProcessRunner> => {
    const [{ DenoRunner }, { Sandbox }, { planFiles }] = await Promise.all([
      import("../exec/deno_runner.ts"),
      import("../exec/sandbox/confine.ts"),
      import("../plan/plan_files.ts"),
    ]);
    const sandbox = new Sandbox(mode, warn, {
      planFiles: await planFiles(planFile),
    });
    const runner = new DenoRunner({ wrap: sandbox.wrap });
    made = { runner, close: () => sandbox.close() };
    return runner;
  };
  return {
    async run(request: RunRequest): Promise<RunResult> {
      if (made !== null) return await made.runner.run(request);
      const runner = await (making ??= make());
      const signal = request.signal === undefined
        ? killed.signal
        : AbortSignal.any([request.signal, killed.signal]);
      return await runner.run({ ...request, signal });
    },
    // Spares and the sandbox's probe: asked only for a command the run
    // will surely start (the scheduler's rule), so a no-op makes no runner.
    async prepare(requests: readonly RunRequest[]): Promise<boolean> {
      if (killed.signal.aborted) return true;
      // A runner that cannot be made says so to the command that needs it.
      const runner = made?.runner ??
        await (making ??= make()).catch(() => null);
      return await runner?.prepare?.(requests) ?? true;
    },
    // A command will surely start: the runner's modules and the sandbox's
    // probe load now, while the run is still deciding and recording.
    warm(): void {
      if (killed.signal.aborted || made !== null) return;
      void (making ??= make()).then((r) => r.warm?.(), () => {});
    },
    async dropSpares(): Promise<void> {
      if (making !== null) await making.catch(() => {});
      await made?.runner.dropSpares?.();
    },
    killAll(signal: Deno.Signal): void {
      killed.abort();
      if (made !== null) return made.runner.killAll(signal);
      // No command started yet; orchestrate's own processes (git) may have.
      killOwnProcesses(signal);
    },
    async close(): Promise<void> {
      if (making !== null) await making.catch(() => {});
      if (made !== null) await made.close();
    },
  };
}

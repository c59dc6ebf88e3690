/**
 * Runs commands as real subprocesses, each in its own process group so a
 * timeout or interrupt ends the command and everything it started.
 * @module
 */

import { commandArgv } from "./argv.ts";
import type { ProcessRunner, RunRequest, RunResult } from "./runner.ts";

/** Time a process group gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/**
 * The default {@link ProcessRunner}.
 *
 * @example
 * ```ts ignore
 * const runner = new DenoRunner();
 * const r = await runner.run({ command: "true", cwd: ".", outputPath: "/tmp/out.log" });
 * r.status; // 0
 * ```
 */
export class DenoRunner implements ProcessRunner {
  #running = new Set<number>();

  async run(request: RunRequest): Promise<RunResult> {
    const started = performance.now();
    const output = await Deno.open(request.outputPath, {
      write: true,
      create: true,
      truncate: true,
    });
    const [program, ...args] = commandArgv(request.command);
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program!, {
        args,
        cwd: request.cwd,
        env: request.env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: true,
      }).spawn();
    } catch (e) {
      // The shell would say "not found" and exit 127; say the same.
      const reason = e instanceof Deno.errors.NotFound
        ? "command not found"
        : (e as Error).message;
      await output.write(
        new TextEncoder().encode(`orchestrate: ${program}: ${reason}\n`),
      );
      output.close();
      const status = e instanceof Deno.errors.NotFound ? 127 : 126;
      return {
        status,
        signal: null,
        durationMs: performance.now() - started,
        timedOut: false,
        aborted: false,
      };
    }
    const pid = child.pid;
    this.#running.add(pid);
    let timedOut = false, aborted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      killGroup(pid, "SIGTERM");
      killTimer ??= setTimeout(() => killGroup(pid, "SIGKILL"), KILL_GRACE_MS);
    };
    const timeout = request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
        timedOut = true;
        stop();
      }, request.timeoutMs);
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });

    let writes = Promise.resolve();
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) {
        writes = writes.then(async () => {
          let n = 0;
          while (n < chunk.length) n += await output.write(chunk.subarray(n));
        });
      }
    };
    const [status] = await Promise.all([
      child.status,
      drain(child.stdout),
      drain(child.stderr),
    ]);
    await writes;
    output.close();
    clearTimeout(timeout);
    clearTimeout(killTimer);
    request.signal?.removeEventListener("abort", onAbort);
    this.#running.delete(pid);
    // The command's own children may outlive it; its group goes with it.
    if (timedOut || aborted) killGroup(pid, "SIGKILL");
    return {
      status: status.signal === null ? status.code : null,
      signal: status.signal,
      durationMs: performance.now() - started,
      timedOut,
      aborted,
    };
  }

  killAll(signal: Deno.Signal): void {
    for (const pid of this.#running) killGroup(pid, signal);
  }
}

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

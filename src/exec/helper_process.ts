/**
 * Helper processes: orchestrate's own long-lived children that talk over
 * pipes (the file-check helper), started here under a policy like every
 * other process: exactly the policy's environment (nothing inherited, so
 * no withheld secret), a program the policy names, and a registry the
 * second Ctrl-C kills at once, with the runner's commands.
 * @module
 */

import type { ProcessPolicy } from "./policy.ts";

/** What to start. */
export interface HelperRequest {
  /** The program: an absolute path orchestrate chose (its own executable), never the plan's. */
  program: string;
  args: readonly string[];
  cwd?: string;
  /** What it may do; its environment is exactly `policy.env`. */
  policy: ProcessPolicy;
}

/**
 * Starts helper processes and kills them all on demand.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HelperProcesses } from "./helper_process.ts";
 * import { unrestrictedPolicy } from "./policy.ts";
 * const helpers = new HelperProcesses();
 * const child = helpers.spawn({
 *   program: "cat",
 *   args: [],
 *   policy: { ...unrestrictedPolicy({ PATH: Deno.env.get("PATH") ?? "" }), run: ["cat"] },
 * });
 * helpers.killAll("SIGKILL");
 * assert.equal((await child.status).signal, "SIGKILL");
 * await child.stdout.cancel();
 * await child.stderr.cancel();
 * ```
 */
export class HelperProcesses {
  readonly #live = new Set<Deno.ChildProcess>();

  /** Number of helpers alive. */
  get size(): number {
    return this.#live.size;
  }

  /**
   * Spawns the helper with piped stdin, stdout and stderr.
   * @throws {Error} when the policy does not name the program, or the
   * system cannot start it.
   */
  spawn(request: HelperRequest): Deno.ChildProcess {
    const { policy } = request;
    if (policy.run !== "all" && !policy.run.includes(request.program)) {
      throw new Error(
        `the helper program ${request.program} is not among the programs its policy may run`,
      );
    }
    const child = new Deno.Command(request.program, {
      args: [...request.args],
      cwd: request.cwd,
      clearEnv: true,
      env: { ...policy.env },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#live.add(child);
    child.status.finally(() => this.#live.delete(child));
    return child;
  }

  /** Sends `signal` to every helper still alive (the second Ctrl-C: SIGKILL). */
  killAll(signal: Deno.Signal): void {
    for (const child of this.#live) {
      try {
        child.kill(signal);
      } catch (e) {
        // Already gone: nothing to stop.
        if (!(e instanceof TypeError)) throw e;
      }
    }
  }
}

/**
 * The process-wide registry: the check helpers start here, and the run's
 * interrupt handling kills these with the runner's commands.
 */
export const helperProcesses: HelperProcesses = new HelperProcesses();

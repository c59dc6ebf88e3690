/**
 * Check helper processes: file checks (regexes, globs, reading files) run
 * in a separate process that can be killed when the task's timebox ends or
 * the run is interrupted; a busy regex cannot be stopped any other way
 * (a Worker's `terminate()` leaves its thread spinning). Helpers start
 * lazily, serve one check at a time over JSON lines on stdin/stdout, and
 * are reused; one that is stopped is killed and a fresh one takes its
 * place on the next check. They start through exec/ (see
 * `exec/helper_process.ts`) under a policy of their own: read only, no
 * network, and an environment of only what Deno needs to start (no
 * variable of the user's beyond that, so no secret), killed with the
 * run's commands by the second Ctrl-C. Their Deno permissions (read only)
 * are their confinement; they run no program.
 * @module
 */

import {
  type HelperProcesses,
  helperProcesses,
} from "../exec/helper_process.ts";
import { isSecretName } from "../exec/permissions_env.ts";
import type { ProcessPolicy } from "../exec/policy.ts";
import type { CheckReplyLine, CheckRequestLine } from "./check_child.ts";
import type { FileCheckRequest, FileCheckResult } from "./file_check.ts";

/** The command that starts a helper. */
export interface HelperCommand {
  command: string;
  args: string[];
}

/**
 * How to start a helper from this process: a compiled binary runs itself
 * with `__check` (`Deno.build.standalone`); under `deno run` (or `deno
 * test`) it is `deno run` of this module's `main.ts` with read permission
 * only.
 *
 * @example
 * ```ts
 * import { helperCommand } from "./check_process.ts";
 * helperCommand().args.at(-1); // "__check"
 * ```
 */
export function helperCommand(): HelperCommand {
  if (Deno.build.standalone) {
    return { command: Deno.execPath(), args: ["__check"] };
  }
  return {
    command: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-read",
      new URL("../main.ts", import.meta.url).href,
      "__check",
    ],
  };
}

/**
 * Variables a helper gets, when this process has them: where Deno keeps
 * its module cache and settings (under `deno run`), a home, a temp dir.
 */
const HELPER_ENV = [
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "NO_COLOR",
  "XDG_CACHE_HOME",
  "DENO_DIR",
];

/**
 * The policy of a check helper started by `command`: it may read, and
 * nothing else; its environment is {@link HELPER_ENV} and Deno's own
 * `DENO_*` settings, never a secret-looking name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { helperCommand, helperPolicy } from "./check_process.ts";
 * const policy = helperPolicy(helperCommand());
 * assert.deepEqual(policy.run, [Deno.execPath()]);
 * assert.equal(policy.net, false);
 * assert.equal(Object.keys(policy.env).some((n) => n.endsWith("_TOKEN")), false);
 * ```
 */
export function helperPolicy(command: HelperCommand): ProcessPolicy {
  const env: Record<string, string> = {};
  const own = Deno.env.toObject();
  for (const [name, value] of Object.entries(own)) {
    const wanted = HELPER_ENV.includes(name) ||
      (name.startsWith("DENO_") && !isSecretName(name));
    if (wanted) env[name] = value;
  }
  return {
    run: [command.command],
    read: "all",
    write: [],
    forbidden: [],
    net: false,
    env,
    secrets: [],
  };
}

/** How much of a helper's stderr is kept to explain a crash. */
const STDERR_KEEP = 4096;

class Helper {
  readonly process: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  #stderr = "";
  #waiting: ((reply: CheckReplyLine | null) => void) | null = null;
  /** Resolves when the process has ended and its output is drained. */
  readonly ended: Promise<void>;

  constructor(
    command: HelperCommand,
    policy: ProcessPolicy,
    processes: HelperProcesses,
  ) {
    this.process = processes.spawn({
      program: command.command,
      args: command.args,
      policy,
    });
    this.#writer = this.process.stdin.getWriter();
    this.ended = Promise.all([
      this.#readReplies(),
      this.#readStderr(),
      this.process.status,
    ]).then(() => this.#settle(null));
  }

  /** Sends one request; resolves with the reply, or null when the process ended first. */
  ask(line: CheckRequestLine): Promise<CheckReplyLine | null> {
    const reply = new Promise<CheckReplyLine | null>((resolve) => {
      this.#waiting = resolve;
    });
    this.#writer.write(new TextEncoder().encode(JSON.stringify(line) + "\n"))
      .catch(() => {}); // A dead helper shows up as `ended` settling the reply.
    return reply;
  }

  /** Why the process ended, for a failure reason. */
  async exitReason(): Promise<string> {
    const status = await this.process.status;
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    const said = this.#stderr.trim().split("\n").slice(-3).join(" | ");
    return `the check helper process ${how}${said ? `: ${said}` : ""}`;
  }

  kill(): void {
    try {
      this.process.kill("SIGKILL");
    } catch (e) {
      // Already gone: nothing to stop.
      if (!(e instanceof TypeError)) throw e;
    }
  }

  /** Closes stdin so an idle helper exits on its own. */
  close(): void {
    this.#writer.close().catch(() => {});
  }

  #settle(reply: CheckReplyLine | null): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.(reply);
  }

  async #readReplies(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of this.process.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      let newline: number;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        this.#settle(parseReply(line));
      }
    }
  }

  async #readStderr(): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of this.process.stderr) {
      this.#stderr = (this.#stderr + decoder.decode(chunk, { stream: true }))
        .slice(-STDERR_KEEP);
    }
  }
}

function parseReply(line: string): CheckReplyLine {
  try {
    return JSON.parse(line) as CheckReplyLine;
  } catch {
    // Not ours to crash on: report it as the helper's failure.
    return { id: -1, error: `unreadable reply: ${line.slice(0, 200)}` };
  }
}

/**
 * A pool of check helpers: one per check running at the same time, reused
 * across checks, killed and replaced when a check is stopped.
 *
 * @example
 * ```ts ignore
 * const pool = new CheckHelpers();
 * const r = await pool.evaluate({ root, check: { kind: "matches", pattern: "^v\\d" }, searchPaths: ["CHANGELOG.md"] }, signal);
 * // null when `signal` aborted first; else { passed, reason }
 * await pool.close();
 * ```
 */
export class CheckHelpers {
  readonly #command: HelperCommand;
  readonly #policy: ProcessPolicy;
  readonly #processes: HelperProcesses;
  readonly #idle: Helper[] = [];
  readonly #all = new Set<Helper>();
  /** Helpers killed but maybe not yet reaped (close() waits for them). */
  readonly #dying = new Set<Promise<void>>();
  #nextId = 1;
  #unloadHooked = false;

  /**
   * @param command How a helper starts (default: {@link helperCommand}).
   * @param processes Where helpers are started and killed (default: the process-wide registry).
   */
  constructor(
    command: HelperCommand = helperCommand(),
    processes: HelperProcesses = helperProcesses,
  ) {
    this.#command = command;
    this.#policy = helperPolicy(command);
    this.#processes = processes;
  }

  /** Number of helper processes alive (idle or busy). */
  get size(): number {
    return this.#all.size;
  }

  /**
   * Evaluates `request` in a helper. Resolves with null when `signal`
   * aborts first (the helper is killed), or with a failed result saying
   * why when the helper died on its own (out of memory, killed from
   * outside). Throws when the helper cannot be started or reports an
   * internal error.
   */
  async evaluate(
    request: FileCheckRequest,
    signal?: AbortSignal,
  ): Promise<FileCheckResult | null> {
    if (signal?.aborted) return null;
    const helper = this.#idle.pop() ?? this.#start();
    const id = this.#nextId++;
    let onAbort = () => {};
    const aborted = new Promise<"aborted">((resolve) => {
      onAbort = () => resolve("aborted");
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    try {
      const reply = await Promise.race([helper.ask({ id, request }), aborted]);
      if (reply === "aborted") {
        this.#discard(helper);
        return null;
      }
      if (reply === null) {
        this.#discard(helper);
        return { passed: false, reason: await helper.exitReason() };
      }
      if ("error" in reply) {
        this.#discard(helper);
        throw new Error(`Check helper failed: ${reply.error}`);
      }
      if (reply.id !== id) {
        this.#discard(helper);
        throw new Error(
          `Check helper answered request ${reply.id}, expected ${id}`,
        );
      }
      this.#idle.push(helper);
      return { passed: reply.passed, reason: reply.reason };
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Ends every helper (busy ones are killed) and waits until they are gone. */
  async close(): Promise<void> {
    const all = [...this.#all];
    this.#all.clear();
    this.#idle.length = 0;
    for (const helper of all) helper.kill();
    await Promise.all([...all.map((h) => h.ended), ...this.#dying]);
  }

  #start(): Helper {
    const helper = new Helper(this.#command, this.#policy, this.#processes);
    this.#all.add(helper);
    if (!this.#unloadHooked) {
      this.#unloadHooked = true;
      // Deno.exit() dispatches unload: no helper outlives the run.
      globalThis.addEventListener("unload", () => this.#killAll());
    }
    return helper;
  }

  #discard(helper: Helper): void {
    this.#all.delete(helper);
    helper.kill();
    helper.close();
    const ended = helper.ended.then(() => {
      this.#dying.delete(ended);
    });
    this.#dying.add(ended);
  }

  #killAll(): void {
    for (const helper of this.#all) helper.kill();
    this.#all.clear();
  }
}

let shared: CheckHelpers | null = null;

/**
 * The process-wide pool used by {@link evaluateCheck} when the context
 * brings none.
 *
 * @example
 * ```ts ignore
 * await sharedCheckHelpers().close(); // at the end of a run or a test
 * ```
 */
export function sharedCheckHelpers(): CheckHelpers {
  return shared ??= new CheckHelpers();
}

/**
 * Choosing the sandbox of each command (`--sandbox auto|bwrap|runtime|off`)
 * and wrapping its command line in it, right before it is spawned.
 *
 * A command is confined when its policy limits something a sandbox
 * enforces (`write` narrower than everything, a forbidden path, `net` not
 * `true`); an unlimited command runs bare, at no cost. On Linux, `auto`
 * takes raw bubblewrap (≈6 ms a command) and the sandbox runtime (≈30 ms,
 * plus its start) only for a `net` host list, which bwrap cannot filter;
 * elsewhere the runtime. Where the chosen sandbox cannot run, `auto` says
 * so once and leaves the write audit as the only guard; a sandbox named
 * explicitly fails the command instead (fail closed).
 * @module
 */

import type { ProcessPolicy } from "../policy.ts";
import type { RunRequest } from "../runner.ts";
import { bwrapArgs, bwrapProblem } from "./bwrap.ts";
import type { SandboxMode } from "./modes.ts";
import { RuntimeSandbox } from "./runtime.ts";
import { controlPaths } from "./control_paths.ts";

/** A command that must be confined, but no sandbox named by `--sandbox` can run here. */
export class SandboxUnavailable extends Error {
  override name = "SandboxUnavailable";
}

/** A command line after wrapping, and what to do once it has ended. */
export interface Wrapped {
  argv: string[];
  /** Releases what was set up for this command alone. */
  done?: () => void;
}

/**
 * Rewrites a command line just before spawn so that it runs confined;
 * the seam between the process runner and the sandboxes.
 */
export type SpawnWrapper = (
  argv: string[],
  request: RunRequest,
) => Promise<Wrapped>;

type Backend = "bwrap" | "runtime";

/**
 * Whether `policy` limits anything a sandbox enforces.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { needsSandbox } from "./confine.ts";
 * const open = { run: "all", read: "all", write: "all", forbidden: [], net: true, env: {}, secrets: [] } as const;
 * assert.equal(needsSandbox(open), false);
 * assert.equal(needsSandbox({ ...open, net: false }), true);
 * ```
 */
export function needsSandbox(policy: ProcessPolicy): boolean {
  return policy.write !== "all" || policy.forbidden.length > 0 ||
    policy.net !== true;
}

/**
 * The sandboxes of one run: probes each backend once, on first need.
 *
 * @example
 * ```ts ignore
 * const sandbox = new Sandbox("auto", (m) => console.error(m));
 * const runner = new DenoRunner({ wrap: sandbox.wrap });
 * // ... run, then:
 * await sandbox.close();
 * ```
 */
export class Sandbox {
  readonly mode: SandboxMode;
  #warn: (message: string) => void;
  #warned = false;
  #problems = new Map<Backend, Promise<string | null>>();
  #runtime = new RuntimeSandbox();
  #bwrap: string;
  #os: typeof Deno.build.os;
  #planFiles: readonly string[];

  /**
   * @param options.planFiles The plan's own files (plan file, includes,
   * helper modules): read-only to every confined command, like `.codex/`.
   */
  constructor(
    mode: SandboxMode,
    warn: (message: string) => void,
    options: {
      bwrap?: string;
      os?: typeof Deno.build.os;
      planFiles?: readonly string[];
    } = {},
  ) {
    this.mode = mode;
    this.#warn = warn;
    this.#bwrap = options.bwrap ?? "bwrap";
    this.#os = options.os ?? Deno.build.os;
    this.#planFiles = options.planFiles ?? [];
  }

  /** The {@link SpawnWrapper} to give the process runner. */
  readonly wrap: SpawnWrapper = async (argv, request) => {
    const policy = request.policy;
    if (this.mode === "off" || !policy || !needsSandbox(policy)) {
      return { argv };
    }
    const backend = await this.#backend(policy);
    if (backend === null) return { argv };
    // Nothing beyond `write`: the output file is written by orchestrate
    // (through a pipe), and the run's folder holds control state.
    const root = request.root ?? request.cwd;
    const control = controlPaths(root, policy, this.#planFiles);
    if (backend === "bwrap") {
      const narrowed = Array.isArray(policy.net)
        ? { ...policy, net: false }
        : policy;
      return {
        argv: [
          this.#bwrap,
          ...bwrapArgs(argv, narrowed, {
            cwd: request.cwd,
            root,
            writable: [],
            readOnly: control.readOnly,
            reopen: control.reopen,
          }),
        ],
      };
    }
    return await this.#runtime.wrap(
      argv,
      { ...policy, forbidden: [...policy.forbidden, ...control.denyWrite] },
      { cwd: request.cwd, writable: [] },
    );
  };

  /** Stops what the sandboxes started (the runtime's proxies). */
  close(): Promise<void> {
    return this.#runtime.close();
  }

  /** The backend for `policy`, null to run with the audit only, or a thrown {@link SandboxUnavailable}. */
  async #backend(policy: ProcessPolicy): Promise<Backend | null> {
    const hosts = Array.isArray(policy.net);
    const wanted: Backend = this.mode === "bwrap"
      ? "bwrap"
      : this.mode === "runtime" || hosts || this.#os !== "linux"
      ? "runtime"
      : "bwrap";
    const problem = await this.#problem(wanted);
    if (problem === null) {
      if (wanted === "bwrap" && hosts && this.mode === "bwrap") {
        this.#warnOnce(
          "warning: --sandbox bwrap cannot filter hosts: tasks with a `net` host list get no network (use --sandbox auto or runtime)",
        );
      }
      return wanted;
    }
    if (this.mode !== "auto") {
      throw new SandboxUnavailable(
        `Cannot confine the command with --sandbox ${this.mode}: ${problem} (use --sandbox auto to run with the write audit only, or off)`,
      );
    }
    // A host list without the runtime: no network at all is closer to what was asked than any.
    if (
      wanted === "runtime" && this.#os === "linux" &&
      await this.#problem("bwrap") === null
    ) {
      this.#warnOnce(
        `warning: ${problem}: tasks with a \`net\` host list run under bwrap with no network`,
      );
      return "bwrap";
    }
    this.#warnOnce(
      `warning: no sandbox: ${problem}; tasks with write or net limits run with the write audit only (network unrestricted). Use --sandbox bwrap|runtime to fail instead`,
    );
    return null;
  }

  #problem(backend: Backend): Promise<string | null> {
    let problem = this.#problems.get(backend);
    if (problem === undefined) {
      problem = backend === "bwrap"
        ? (this.#os === "linux"
          ? bwrapProblem(this.#bwrap)
          : Promise.resolve(`bubblewrap needs Linux, not ${this.#os}`))
        : this.#runtime.problem();
      this.#problems.set(backend, problem);
    }
    return problem;
  }

  #warnOnce(message: string): void {
    if (this.#warned) return;
    this.#warned = true;
    this.#warn(message);
  }
}

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
 *
 * A command without limits still gets a pid namespace of its own on Linux
 * (bwrap, ≈3 ms a command): its processes end with it and it cannot read
 * the orchestrator's or another task's /proc (their environment holds
 * secrets it was not given). A task that declares `keep_running` runs
 * bare instead, so that what it starts may outlive it. Of that cost (CPU,
 * 2-CPU VM), ≈1 ms is bwrap's own exec (mostly the dynamic loader probing
 * the CPU), ≈0.8 ms the mount set-up every bwrap does, and only ≈0.2 ms
 * the namespaces and fresh /proc; no bwrap option changes it measurably.
 * @module
 */

import type { ProcessPolicy } from "../policy.ts";
import type { RunRequest } from "../runner.ts";
import { prepareWritePaths } from "../write_paths.ts";
import {
  bwrapArgs,
  bwrapProblem,
  pidNamespaceArgs,
  PROBE_POLICY,
  ROOT_ESCAPE_CAPS,
  ROOT_ESCAPE_CAPS_OLD,
  SECCOMP_FD,
  SECCOMP_TRAMPOLINE,
} from "./bwrap.ts";
import type { SandboxMode } from "./modes.ts";
import { RuntimeSandbox } from "./runtime.ts";
import { controlPaths } from "./control_paths.ts";
import { unixSocketFilter } from "./seccomp.ts";

/** A command that must be confined, but no sandbox named by `--sandbox` can run here. */
export class SandboxUnavailable extends Error {
  override name = "SandboxUnavailable";
}

/** A command line after wrapping, and what to do once it has ended. */
export interface Wrapped {
  argv: string[];
  /** Releases what was set up for this command alone. */
  done?: () => void;
  /** Why the command may not start (a write path that leads out): it is not spawned. */
  refused?: string;
  /** Bytes to write to its stdin, then close it (the seccomp filter). */
  stdin?: Uint8Array;
  /**
   * The spawned process is a bwrap whose end ends every process of the
   * command (a pid namespace): stopping the command spares it SIGTERM, so
   * the command gets its grace period, and SIGKILLs it last.
   */
  pidNamespace?: boolean;
}

/** How the pid namespace of a command without limits runs here. */
interface PidSetup {
  /** Null when it runs, else why not. */
  problem: string | null;
  /** The capabilities root gives up there (none for anyone else). */
  capDrop: readonly string[];
}

/** How bubblewrap runs here, found once by probing. */
interface BwrapSetup {
  /** Null when it runs, else why not. */
  problem: string | null;
  /** Whether it may create a user namespace (only root can do without). */
  userNamespace: boolean;
  /** The seccomp filter of `net: false` (null: no filter for this architecture). */
  filter: Uint8Array | null;
}

/**
 * Rewrites a command line just before spawn so that it runs confined;
 * the seam between the process runner and the sandboxes. With `ahead`,
 * the same for a command not started yet (a spare, see `spare.ts`): it has
 * no side effect (no folder made, no probe that is not done already), and
 * gives null where that is not so or the command would run bare anyway.
 */
export type SpawnWrapper =
  & ((argv: string[], request: RunRequest) => Promise<Wrapped>)
  & {
    ahead?: (argv: string[], request: RunRequest) => Promise<Wrapped | null>;
    /** Starts the one-off probe a command without limits waits for (no side effect). */
    warm?: () => void;
  };

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
  #setup: Promise<BwrapSetup> | undefined;
  #pidSetup: Promise<PidSetup> | undefined;
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
  readonly wrap: SpawnWrapper = Object.assign(
    (argv: string[], request: RunRequest) => this.#wrapNow(argv, request),
    {
      ahead: (argv: string[], request: RunRequest) =>
        this.#wrapAhead(argv, request),
      warm: () => {
        if (this.mode !== "off" && this.#os === "linux") {
          // A probe that cannot run (no run access to bwrap) fails the
          // command that waits for it, as it would have unwarmed; not this.
          (this.#pidSetup ??= this.#probePids()).catch(() => {});
        }
      },
    },
  );

  /**
   * Only the pid namespace of a command without limits is wrapped ahead:
   * a confined one's wrapping makes its write folders.
   */
  async #wrapAhead(
    argv: string[],
    request: RunRequest,
  ): Promise<Wrapped | null> {
    const policy = request.policy;
    if (
      this.mode === "off" || !policy || needsSandbox(policy) ||
      this.#os !== "linux" || request.keepRunning === true
    ) return null;
    const wrapped = await this.#ownPids(argv, request);
    return wrapped.pidNamespace === true ? wrapped : null;
  }

  async #wrapNow(argv: string[], request: RunRequest): Promise<Wrapped> {
    const policy = request.policy;
    if (this.mode === "off" || !policy) return { argv };
    if (!needsSandbox(policy)) return await this.#ownPids(argv, request);
    const backend = await this.#backend(policy);
    if (backend === null) return { argv };
    // Nothing beyond `write`: the output file is written by orchestrate
    // (through a pipe), and the run's folder holds control state.
    const root = request.root ?? request.cwd;
    let confined = policy;
    if (policy.write !== "all") {
      const prepared = prepareWritePaths(
        policy.write,
        policy.writeFolders ?? [],
        root,
      );
      if ("refused" in prepared) return { argv, refused: prepared.refused };
      confined = { ...policy, write: prepared.paths };
    }
    const control = controlPaths(root, confined, this.#planFiles);
    if (backend === "bwrap") {
      const narrowed = Array.isArray(confined.net)
        ? { ...confined, net: false }
        : confined;
      const setup = await this.#bwrapSetup();
      const filter = narrowed.net === false ? setup.filter : null;
      const args = bwrapArgs(argv, narrowed, {
        cwd: request.cwd,
        root,
        writable: [],
        readOnly: control.readOnly,
        reopen: control.reopen,
        userNamespace: setup.userNamespace,
        seccompFd: filter ? SECCOMP_FD : undefined,
        keepRunning: request.keepRunning,
      });
      const pidNamespace = request.keepRunning !== true;
      return filter
        ? {
          argv: [...SECCOMP_TRAMPOLINE, this.#bwrap, ...args],
          stdin: filter,
          pidNamespace,
        }
        : { argv: [this.#bwrap, ...args], pidNamespace };
    }
    return await this.#runtime.wrap(
      argv,
      { ...confined, forbidden: [...confined.forbidden, ...control.denyWrite] },
      { cwd: request.cwd, writable: [] },
    );
  }

  /** A command without limits, in a pid namespace of its own where bwrap runs. */
  async #ownPids(argv: string[], request: RunRequest): Promise<Wrapped> {
    if (this.#os !== "linux" || request.keepRunning === true) return { argv };
    this.#pidSetup ??= this.#probePids();
    const { problem, capDrop } = await this.#pidSetup;
    if (problem !== null) {
      this.#warnOnce(
        `warning: ${problem}: tasks without a sandbox run as before, so their processes can outlive them and see the run's other processes`,
      );
      return { argv };
    }
    return {
      argv: [this.#bwrap, ...pidNamespaceArgs(argv, request.cwd, capDrop)],
      pidNamespace: true,
    };
  }

  /**
   * Probes the pid namespace once. Root keeps its capabilities in it but
   * those that would reach past it (as root, bwrap drops none by itself);
   * anyone else has none there.
   */
  async #probePids(): Promise<PidSetup> {
    const lists = Deno.uid() === 0
      ? [ROOT_ESCAPE_CAPS, ROOT_ESCAPE_CAPS_OLD]
      : [[]];
    let problem: string | null = null;
    for (const capDrop of lists) {
      problem = await bwrapProblem(
        this.#bwrap,
        pidNamespaceArgs(["true"], "/", capDrop),
      );
      if (problem === null) return { problem, capDrop };
    }
    return { problem, capDrop: [] };
  }

  /** Probes bwrap once: with a user namespace and the filter, else (root) without the namespace. */
  #bwrapSetup(): Promise<BwrapSetup> {
    this.#setup ??= (async () => {
      const filter = unixSocketFilter();
      const probe = (userNamespace: boolean, filter: Uint8Array | null) =>
        bwrapProblem(
          this.#bwrap,
          bwrapArgs(["true"], PROBE_POLICY, {
            cwd: "/",
            root: "/",
            writable: [],
            userNamespace,
            seccompFd: filter ? SECCOMP_FD : undefined,
          }),
          filter ?? undefined,
        );
      const problem = await probe(true, filter);
      if (problem === null) return { problem, userNamespace: true, filter };
      // Root where user namespaces are off: still no effective capability.
      if (Deno.uid() === 0 && await probe(false, filter) === null) {
        return { problem: null, userNamespace: false, filter };
      }
      // A kernel without seccomp: confined all the same, and said once.
      if (filter !== null && await probe(true, null) === null) {
        this.#warnOnce(
          `warning: bwrap cannot load the seccomp filter here (${problem}): tasks with net: false can still reach unix sockets`,
        );
        return { problem: null, userNamespace: true, filter: null };
      }
      return { problem, userNamespace: true, filter };
    })();
    return this.#setup;
  }

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
          ? this.#bwrapSetup().then((s) => s.problem)
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

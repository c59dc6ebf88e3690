/**
 * The portable sandbox: `npm:@anthropic-ai/sandbox-runtime` (bubblewrap and
 * seccomp on Linux, Seatbelt on macOS, a restricted account on Windows),
 * whose proxies enforce a network allow-list by host. Loaded only when a
 * command needs it: its first use costs ≈120–360 ms (it starts its
 * proxies), each command ≈30 ms (see `deno task bench --only sandbox`).
 * @module
 */

import type { ProcessPolicy } from "../policy.ts";

type Manager = typeof import("@anthropic-ai/sandbox-runtime")["SandboxManager"];

/** Where a command runs, besides its policy. */
export interface RuntimePlace {
  cwd: string;
  /** Extra writable folders: the run's output folder. */
  writable: readonly string[];
}

/**
 * One sandbox session (the library keeps one per process): started on the
 * first {@link RuntimeSandbox.wrap}, stopped by {@link RuntimeSandbox.close}.
 *
 * @example
 * ```ts ignore
 * const sandbox = new RuntimeSandbox();
 * const { argv, done } = await sandbox.wrap(["make"], policy, { cwd: "/repo", writable: [] });
 * // spawn argv; when it has ended, done(), and at the end of the run:
 * await sandbox.close();
 * ```
 */
export class RuntimeSandbox {
  #manager: Promise<Manager> | null = null;

  /** Why the library cannot run here, or null when it can. */
  async problem(): Promise<string | null> {
    const { SandboxManager } = await import("@anthropic-ai/sandbox-runtime");
    if (!SandboxManager.isSupportedPlatform()) {
      return `the sandbox runtime does not support ${Deno.build.os}`;
    }
    if (Deno.build.os === "linux" && Deno.uid() === 0 && !readsOwnStatus()) {
      // As root it reads its capabilities there; Deno grants /proc/self only with --allow-all.
      return "the sandbox runtime needs --allow-all to run as root (Deno refuses it /proc/self/status)";
    }
    const deps = SandboxManager.checkDependencies();
    return deps.errors.length > 0
      ? `the sandbox runtime is missing ${deps.errors.join(", ")}`
      : null;
  }

  /**
   * The command line that runs `argv` confined by `policy`, to be spawned
   * as is. A host list in `net` is registered for this command alone;
   * `net: true` cannot be expressed (the library filters every connection),
   * so it gets the hosts of no list: use bwrap for it on Linux.
   */
  async wrap(
    argv: readonly string[],
    policy: ProcessPolicy,
    place: RuntimePlace,
  ): Promise<{ argv: string[]; done: () => void }> {
    const manager = await this.#start();
    const commandId = randomId();
    if (Array.isArray(policy.net)) {
      manager.registerCommandNetworkLists(commandId, {
        allowedDomains: [...policy.net],
      });
    }
    const line = argv.map(shellQuote).join(" ");
    const wrapped = await manager.wrapWithSandbox(
      line,
      undefined,
      {
        filesystem: {
          denyRead: [],
          allowWrite: policy.write === "all"
            ? ["/"]
            : [...policy.write, ...place.writable],
          denyWrite: [...policy.forbidden],
        },
      },
      undefined,
      { commandId },
    );
    return {
      argv: ["bash", "-c", wrapped],
      done: () => manager.unregisterCommandNetworkLists(commandId),
    };
  }

  /** Stops the library's proxies (once the run is over). */
  async close(): Promise<void> {
    if (this.#manager === null) return;
    const manager = await this.#manager;
    this.#manager = null;
    await manager.reset();
  }

  #start(): Promise<Manager> {
    this.#manager ??= (async () => {
      const { SandboxManager } = await import(
        "@anthropic-ai/sandbox-runtime"
      );
      await SandboxManager.initialize({
        network: { allowedDomains: [], deniedDomains: [] },
        filesystem: { denyRead: [], allowWrite: [], denyWrite: [] },
      });
      return SandboxManager;
    })();
    return this.#manager;
  }
}

function readsOwnStatus(): boolean {
  try {
    Deno.readTextFileSync("/proc/self/status");
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) return false;
    throw e;
  }
}

/** 16 random bytes, base64url: the library requires ids that cannot be guessed. */
function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * `word` quoted for a POSIX shell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shellQuote } from "./runtime.ts";
 * assert.equal(shellQuote("it's"), `'it'\\''s'`);
 * ```
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./,:@%+=-]+$/.test(word)
    ? word
    : `'${word.replaceAll("'", `'\\''`)}'`;
}

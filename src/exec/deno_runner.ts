/**
 * Runs commands as real subprocesses. Where the sandbox wraps a command in
 * a pid namespace (every command on Linux, unless its task keeps processes
 * running), the namespace's end ends everything the command started: the
 * bwrap that holds it is spared SIGTERM, so the command gets its grace,
 * and is killed last. Otherwise: a command that can time out (its own
 * timeout or its task's timebox) gets its own process group and session,
 * so the whole group is killed at once. Others stay in ours: a terminal
 * Ctrl-C reaches them directly, and stopping one kills its process tree.
 * (A new process group costs about 5 ms of CPU per spawn here, several
 * times a plain spawn, which a 1,000-task run would feel.) Either way every
 * process the command starts carries its tag in the environment, so
 * children re-parented away from it (`server &` in a shell that exited) are
 * found and killed too.
 * @module
 */

import { killOwnProcesses } from "./own_process.ts";
import { commandArgv } from "./argv.ts";
import { maskText, StreamMask } from "./mask.ts";
import { isOsError } from "./os_error.ts";
import { refuseSpawn } from "./permissions.ts";
import { OutputFile } from "./output_file.ts";
import {
  type CommandProcesses,
  commandProcesses,
  leftProcesses,
  signalAll,
  TAG_VARIABLE,
} from "./process_tree.ts";
import type { ProcessRunner, RunRequest, RunResult } from "./runner.ts";
import type { ProcessPolicy } from "./policy.ts";
import { feed } from "./sandbox/bwrap.ts";
import type { SpawnWrapper, Wrapped } from "./sandbox/confine.ts";
import { gateArgv, GO, probeShell } from "./spare.ts";

/** Time a command gets between SIGTERM and SIGKILL. */
export const KILL_GRACE_MS = 2000;

/**
 * After SIGKILL, how long the pipes get to deliver what is left before the
 * runner stops reading them (a process it could not find may hold them).
 */
const SETTLE_MS = 250;

/** After a forced kill, how long to wait for the exit status. */
const FORCED_EXIT_MS = 500;

/** A command in flight, as {@link DenoRunner.killAll} sees it. */
interface InFlight {
  killNow(signal: Deno.Signal): void;
  /** When its run started (performance.now()). */
  started: number;
}

/**
 * How long a command must have been running before spares are started
 * for the next ones. A run of quick commands is bound by the CPU, which a
 * spare's extra `sh` costs more than its set-up saves; and a run that
 * merely waits longer on a loaded machine is no sign of long commands.
 */
export const SPARE_AFTER_MS = 20;

/** At most this many spares wait at once. */
const MAX_SPARES = 8;

/** A command's launcher started ahead, held at its gate (see `spare.ts`). */
interface Spare {
  /** What it runs, as {@link spareKey} says it. */
  key: string;
  child: Deno.ChildProcess;
  tag: string;
  wrapped: Wrapped;
  /** It ended before it was released (its sandbox could not start). */
  ended: boolean;
}

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
  #running = new Set<InFlight>();
  #count = 0;
  /** Tags of an orchestrate that runs this one, kept so it can find our children too. */
  #outerTags = Deno.env.get(TAG_VARIABLE);
  #path = Deno.env.get("PATH") ?? "";
  #wrap: SpawnWrapper | undefined;
  #spares: Spare[] = [];
  /** Names the gate's shell changes (null: no spares here), probed on first need. */
  #shell: Promise<Set<string> | null> | undefined;

  /** @param options.wrap Confines each command line just before spawn (the sandbox). */
  constructor(options: { wrap?: SpawnWrapper } = {}) {
    this.#wrap = options.wrap;
  }

  /** The argv of `request`'s command line, found on the PATH it runs with. */
  #argv(request: RunRequest): Promise<string[]> {
    const { policy } = request;
    return commandArgv(
      request.command,
      (policy ? policy.env.PATH : request.env?.PATH) ?? this.#path,
    );
  }

  #nextTag(): string {
    return `${Deno.pid}.${++this.#count}`;
  }

  /**
   * What orchestrate itself adds for a process (an agent's
   * ORCHESTRATE_BRIEF, ...) on top of the policy's environment: its tag.
   */
  #added(request: RunRequest, tag: string): Record<string, string> {
    return {
      ...(request.env === request.policy?.env ? undefined : request.env),
      [TAG_VARIABLE]: this.#outerTags ? `${this.#outerTags},${tag}` : tag,
    };
  }

  /**
   * Takes the spare of `key` and lets it run its command, or null when
   * there is none or it has ended (then it is reaped and forgotten).
   */
  async #release(key: string): Promise<Spare | null> {
    const at = this.#spares.findIndex((s) => s.key === key);
    if (at < 0) return null;
    const [spare] = this.#spares.splice(at, 1);
    if (!spare!.ended) {
      const writer = spare!.child.stdin.getWriter();
      try {
        await writer.write(GO);
        await writer.close();
        return spare!;
      } catch {
        // Its sandbox ended before it could be released: spawned anew.
        writer.releaseLock();
      }
    }
    await discard(spare!);
    return null;
  }

  async run(request: RunRequest): Promise<RunResult> {
    const started = performance.now();
    // Stopped before it started (Ctrl-C, a timebox): never start it, however quick it would be.
    if (request.signal?.aborted) return stoppedBeforeStart();
    const output = new OutputFile(request.outputPath, request.outputCapBytes);
    const { policy } = request;
    const ownGroup = request.timeoutMs !== undefined ||
      request.ownProcessGroup === true;
    const argv = await this.#argv(request);
    // The program itself is checked, before any sandbox wraps it.
    const refused = policy ? refuseSpawn(argv[0]!, policy, request.cwd) : null;
    if (refused !== null) {
      return await notStarted(refused, request, output, started);
    }
    // A spare of exactly this command (program, folder, environment,
    // policy) is released instead of a new spawn.
    const spare = this.#spares.length > 0 && !ownGroup
      ? await this.#release(spareKey(argv, request))
      : null;
    let tag: string, wrapped: Wrapped, child: Deno.ChildProcess | Error;
    if (spare !== null) {
      ({ tag, wrapped, child } = spare);
    } else {
      tag = this.#nextTag();
      wrapped = this.#wrap ? await this.#wrap(argv, request) : { argv };
      if (wrapped.refused !== undefined) {
        wrapped.done?.();
        return await notStarted(wrapped.refused, request, output, started);
      }
      child = spawn(
        wrapped.argv,
        request,
        this.#added(request, tag),
        ownGroup,
        wrapped.stdin,
      );
    }
    if (child instanceof Error) {
      wrapped.done?.();
      return await notStarted(child, request, output, started);
    }

    const processes: CommandProcesses = {
      pid: child.pid,
      group: ownGroup ? child.pid : null,
      tag,
    };
    const failures: unknown[] = [];
    const track = (p: Promise<unknown>) =>
      p.catch((e: unknown) => void failures.push(e));
    if (wrapped.stdin) track(feed(child, wrapped.stdin));
    let exited = false;
    const exit = child.status.then((s) => {
      exited = true;
      return s;
    });
    // Once reaped, the pid may belong to someone else: only its tree's survivors are signalled.
    const signalProcesses = async (signal: Deno.Signal) => {
      const pids = await commandProcesses({
        ...processes,
        pid: exited ? null : processes.pid,
      });
      // A pid namespace's bwrap takes everything with it when it dies:
      // spared until SIGKILL, so the command gets SIGTERM and its grace.
      if (wrapped.pidNamespace && signal !== "SIGKILL") {
        signalAll(pids.filter((p) => p !== processes.pid), null, signal);
      } else signalAll(pids, processes.group, signal);
    };

    const readers = [child.stdout.getReader(), child.stderr.getReader()];
    let cut = false;
    const cutOff = () => {
      if (cut) return;
      cut = true;
      for (const reader of readers) track(reader.cancel());
    };
    let timedOut = false, aborted = false, stopping = false;
    let forced: () => void = () => {};
    const forcedKill = new Promise<void>((resolve) => forced = resolve);
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const after = (ms: number, f: () => void) => timers.add(setTimeout(f, ms));

    const stop = () => {
      if (stopping) return;
      stopping = true;
      track(signalProcesses("SIGTERM"));
      after(
        KILL_GRACE_MS,
        () =>
          track(
            signalProcesses("SIGKILL").finally(() => after(SETTLE_MS, cutOff)),
          ),
      );
    };
    const inFlight: InFlight = {
      started,
      killNow: (signal) => {
        aborted = true;
        stopping = true;
        track(
          signalProcesses(signal).finally(() => {
            cutOff();
            forced();
          }),
        );
      },
    };
    this.#running.add(inFlight);
    if (request.timeoutMs !== undefined) {
      after(request.timeoutMs, () => {
        timedOut = true;
        stop();
      });
    }
    const onAbort = () => {
      aborted = true;
      stop();
    };
    if (request.signal?.aborted) onAbort();
    request.signal?.addEventListener("abort", onAbort, { once: true });

    // Backpressure: the next chunk is read only once the last one is on disk.
    // (A reader loop costs measurably less per spawn than `for await`.)
    // Secrets are masked per stream, so a value split across two chunks is still caught.
    const secrets = policy?.secrets ?? [];
    const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      const mask = new StreamMask(secrets);
      const keep = async (bytes: Uint8Array) => {
        if (bytes.length > 0) request.onOutput?.(bytes);
        if (bytes.length === 0 || await output.write(bytes)) return true;
        // The output cannot be kept: end the command rather than run it unrecorded.
        stop();
        cutOff();
        return false;
      };
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (!(await keep(mask.push(r.value)))) return;
      }
      if (mask.active) await keep(mask.flush());
    };
    try {
      await Promise.all(readers.map(drain));
      const status = await Promise.race([
        exit,
        forcedKill.then(() =>
          new Promise<null>((resolve) =>
            after(FORCED_EXIT_MS, () => resolve(null))
          )
        ),
      ]);
      for (const t of timers) clearTimeout(t);
      // The command's own children may outlive it: a stopped command leaves nothing behind.
      if (timedOut || aborted) await track(signalProcesses("SIGKILL"));
      // A task that may leave services running says what it left.
      const left = request.keepRunning && !timedOut && !aborted
        ? await leftProcesses({ ...processes, pid: null })
        : [];
      const totals = await output.close();
      if (output.error) throw output.error;
      if (failures.length > 0) throw failures[0];
      return {
        status: status === null
          ? null
          : status.signal === null
          ? status.code
          : null,
        signal: status === null ? "SIGKILL" : status.signal,
        durationMs: performance.now() - started,
        timedOut,
        aborted,
        wroteOutput: output.used,
        ...totals,
        ...(left.length > 0 ? { leftRunning: left } : {}),
      };
    } finally {
      for (const t of timers) clearTimeout(t);
      request.signal?.removeEventListener("abort", onAbort);
      this.#running.delete(inFlight);
      wrapped.done?.();
    }
  }

  /**
   * Starts spares for `requests`, commands the run will likely start
   * next, each held at its gate until a {@link run} of the same command
   * releases it; only once a command has been running for
   * {@link SPARE_AFTER_MS} (the run waits on commands, not on the CPU),
   * and only for commands whose sandbox is a pid namespace that can be set
   * up without side effects (see `SpawnWrapper`). Resolves to false when
   * it is too early (no command has run that long yet): ask again later.
   */
  async prepare(requests: readonly RunRequest[]): Promise<boolean> {
    const ahead = this.#wrap?.ahead;
    // Spares hold a pid namespace (bwrap): Linux only.
    if (ahead === undefined || Deno.build.os !== "linux") return true;
    if (this.#running.size === 0) {
      // Too early for spares, not for the sandbox's one-off probe, which
      // the first commands would otherwise wait for.
      if (requests.length > 0) this.warm();
      return false;
    }
    const now = performance.now();
    let long = false;
    for (const command of this.#running) {
      if (now - command.started >= SPARE_AFTER_MS) long = true;
    }
    if (!long) return false;
    for (const request of requests) {
      const { policy } = request;
      if (
        this.#spares.length >= MAX_SPARES || policy === undefined ||
        request.timeoutMs !== undefined || request.ownProcessGroup === true
      ) continue;
      const argv = await this.#argv(request);
      if (refuseSpawn(argv[0]!, policy, request.cwd) !== null) continue;
      const key = spareKey(argv, request);
      if (this.#spares.some((s) => s.key === key)) continue;
      // No namespace ahead for it (--sandbox off, limits, keep_running): no spare.
      if (await ahead(argv, request) === null) continue;
      this.#shell ??= probeShell();
      const changed = await this.#shell;
      if (changed === null) return true;
      const tag = this.#nextTag();
      const added = this.#added(request, tag);
      const gate = gateArgv(argv, { ...policy.env, ...added }, changed);
      if (gate === null) continue;
      const wrapped = await ahead(gate, request);
      if (wrapped === null || wrapped.stdin || wrapped.done) continue;
      if (this.#spares.length >= MAX_SPARES) break;
      const child = spawn(wrapped.argv, request, added, false, GO);
      if (child instanceof Error) continue;
      const spare: Spare = { key, child, tag, wrapped, ended: false };
      child.status.then(() => spare.ended = true);
      this.#spares.push(spare);
    }
    return true;
  }

  /** Ends every spare not released (the run is over, or stopping): none runs its command. */
  async dropSpares(): Promise<void> {
    const spares = this.#spares.splice(0);
    await Promise.all(spares.map(discard));
  }

  /** Starts the sandbox's one-off probe (see {@link ProcessRunner.warm}). */
  warm(): void {
    this.#wrap?.warm?.();
  }

  killAll(signal: Deno.Signal): void {
    void this.dropSpares();
    for (const command of this.#running) command.killNow(signal);
    // orchestrate's own processes (git) stop with the tasks' ones.
    killOwnProcesses(signal);
  }
}

/**
 * The key of a command for its spare: what the spawn depends on besides
 * the per-command tag (the timeout and group are excluded: such commands
 * get no spare).
 */
function spareKey(argv: readonly string[], request: RunRequest): string {
  return JSON.stringify([
    argv,
    request.cwd,
    request.root ?? null,
    request.keepRunning === true,
    request.env === request.policy?.env ? null : request.env ?? null,
  ]) + (request.policy ? policyText(request.policy) : "");
}

/** A policy as text, once per policy object (a task's commands share one). */
const policyTexts = new WeakMap<ProcessPolicy, string>();
function policyText(policy: ProcessPolicy): string {
  let text = policyTexts.get(policy);
  if (text === undefined) {
    text = JSON.stringify(policy);
    policyTexts.set(policy, text);
  }
  return text;
}

/** Kills a spare held at its gate (its namespace ends with its bwrap) and reaps it. */
async function discard(spare: Spare): Promise<void> {
  try {
    if (!spare.ended) spare.child.kill("SIGKILL");
  } catch {
    // Gone already.
  }
  await Promise.all([
    spare.child.stdin.close().catch(() => {}),
    spare.child.stdout.cancel().catch(() => {}),
    spare.child.stderr.cancel().catch(() => {}),
    spare.child.status,
  ]);
}

/**
 * Spawns `argv` with the policy's environment (if any) plus `added`, or
 * returns the error of the system that prevented it (no such program,
 * cwd, ...).
 */
function spawn(
  [program, ...args]: string[],
  request: RunRequest,
  added: Record<string, string>,
  ownGroup: boolean,
  input?: Uint8Array,
): Deno.ChildProcess | Error {
  // Deno's `detached` forks the whole orchestrator (4-7 ms a spawn, growing
  // with its memory); util-linux `setsid` gives the same new session and
  // process group for one more exec (~0.3 ms). A freshly spawned child is
  // never a group leader, so setsid execs in place: the pid is the command's.
  const setsid = ownGroup ? setsidProgram() : null;
  // Under a policy the child gets exactly its environment, nothing
  // inherited. When that environment names every variable of ours (nothing
  // withheld), inheriting plus what differs is the same child environment,
  // and Deno spawns it without converting the whole map every time.
  const policyEnv = request.policy?.env;
  const delta = policyEnv === undefined ? {} : differencesFrom(policyEnv);
  try {
    return new Deno.Command(setsid ?? program!, {
      args: setsid ? [program!, ...args] : args,
      cwd: request.cwd,
      env: delta === null ? { ...policyEnv, ...added } : { ...delta, ...added },
      clearEnv: delta === null,
      stdin: input ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
      detached: ownGroup && setsid === null,
    }).spawn();
  } catch (e) {
    if (!isOsError(e)) throw e;
    return e as Error;
  }
}

let ownEnvironment: Record<string, string> | undefined;
/** Per policy environment (a task's, shared by its commands): see {@link differencesFrom}. */
const differences = new WeakMap<object, Record<string, string> | null>();

/**
 * The variables of `env` that ours lacks or has otherwise, when `env` names
 * every one of ours; else null (one is withheld: `env` must be given whole).
 */
function differencesFrom(
  env: Readonly<Record<string, string>>,
): Record<string, string> | null {
  const known = differences.get(env);
  if (known !== undefined) return known;
  // Without access to our whole environment, the child's is given whole.
  if (ownEnvironment === undefined) {
    if (Deno.permissions.querySync({ name: "env" }).state !== "granted") {
      return null;
    }
    ownEnvironment = Deno.env.toObject();
  }
  let delta: Record<string, string> | null = {};
  for (const name in ownEnvironment) {
    if (!Object.hasOwn(env, name)) {
      delta = null;
      break;
    }
  }
  if (delta !== null) {
    for (const name in env) {
      if (env[name] !== ownEnvironment[name]) delta[name] = env[name]!;
    }
  }
  differences.set(env, delta);
  return delta;
}

let setsidPath: string | null | undefined;

/** util-linux `setsid` on Linux (found once), else null. */
function setsidProgram(): string | null {
  if (setsidPath !== undefined) return setsidPath;
  setsidPath = null;
  if (Deno.build.os !== "linux") return null;
  for (const candidate of ["/usr/bin/setsid", "/bin/setsid"]) {
    try {
      if (Deno.statSync(candidate).isFile) return setsidPath = candidate;
    } catch (e) {
      // Not here, or not ours to look at: the slow `detached` path still works.
      if (
        !(e instanceof Deno.errors.NotFound ||
          e instanceof Deno.errors.PermissionDenied ||
          e instanceof Deno.errors.NotCapable)
      ) throw e;
    }
  }
  return null;
}

/** The result of a command whose signal was aborted before it could start: it did not run. */
function stoppedBeforeStart(): RunResult {
  return {
    status: null,
    signal: null,
    durationMs: 0,
    timedOut: false,
    aborted: true,
    wroteOutput: false,
    outputBytes: 0,
    droppedBytes: 0,
  };
}

/**
 * The result of a command that could not be started, said the way a shell
 * would (127 not found, else 126), or that its policy refused (a message).
 */
async function notStarted(
  e: Error | string,
  request: RunRequest,
  output: OutputFile,
  started: number,
): Promise<RunResult> {
  const missing = e instanceof Deno.errors.NotFound;
  const why = typeof e === "string"
    ? `refused: ${e}`
    : missing
    ? "command not found"
    : e.message;
  await output.write(
    new TextEncoder().encode(
      maskText(
        `orchestrate: ${request.command}: ${why}\n`,
        request.policy?.secrets ?? [],
      ),
    ),
  );
  const totals = await output.close();
  if (output.error) throw output.error;
  return {
    status: missing ? 127 : 126,
    signal: null,
    durationMs: performance.now() - started,
    timedOut: false,
    aborted: false,
    wroteOutput: true,
    ...totals,
    ...(typeof e === "string" ? { refused: e } : {}),
  };
}

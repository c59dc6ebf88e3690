/**
 * Runs commands as real subprocesses. A command that can time out (its own
 * timeout or its task's timebox) gets its own process group, so the whole
 * group is killed at once. Others stay in ours: a terminal Ctrl-C reaches
 * them directly, and an interrupt kills their process tree. (A new process
 * group costs about 5 ms of CPU per spawn here, several times a plain spawn,
 * which a 1,000-task run would feel.)
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
  /** Running pids, and whether each leads its own process group. */
  #running = new Map<number, boolean>();

  async run(request: RunRequest): Promise<RunResult> {
    const started = performance.now();
    const output = new OutputFile(request.outputPath);
    const [program, ...args] = await commandArgv(request.command);
    const ownGroup = request.timeoutMs !== undefined ||
      request.ownProcessGroup === true;
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(program!, {
        args,
        cwd: request.cwd,
        env: request.env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        detached: ownGroup,
      }).spawn();
    } catch (e) {
      // The shell would say "not found" and exit 127; say the same.
      const reason = e instanceof Deno.errors.NotFound
        ? "command not found"
        : (e as Error).message;
      output.write(
        new TextEncoder().encode(`orchestrate: ${program}: ${reason}\n`),
      );
      await output.close();
      const status = e instanceof Deno.errors.NotFound ? 127 : 126;
      const durationMs = performance.now() - started;
      return {
        status,
        signal: null,
        durationMs,
        timedOut: false,
        aborted: false,
        wroteOutput: true,
      };
    }
    const pid = child.pid;
    this.#running.set(pid, ownGroup);
    let timedOut = false, aborted = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const stop = () => {
      void kill(pid, ownGroup, "SIGTERM");
      killTimer ??= setTimeout(
        () => void kill(pid, ownGroup, "SIGKILL"),
        KILL_GRACE_MS,
      );
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

    // A reader loop costs measurably less per spawn than `for await`.
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      const reader = stream.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        output.write(r.value);
      }
    };
    const [status] = await Promise.all([
      child.status,
      drain(child.stdout),
      drain(child.stderr),
    ]);
    await output.close();
    clearTimeout(timeout);
    clearTimeout(killTimer);
    request.signal?.removeEventListener("abort", onAbort);
    this.#running.delete(pid);
    // The command's own children may outlive it; its group goes with it.
    if ((timedOut || aborted) && ownGroup) killGroup(pid, "SIGKILL");
    return {
      status: status.signal === null ? status.code : null,
      signal: status.signal,
      durationMs: performance.now() - started,
      timedOut,
      aborted,
      wroteOutput: output.used,
    };
  }

  killAll(signal: Deno.Signal): void {
    for (const [pid, ownGroup] of this.#running) {
      void kill(pid, ownGroup, signal);
    }
  }
}

/**
 * Output written in arrival order, the file created only when the first
 * byte arrives: most commands of a big run print nothing, and an open per
 * command costs more than the spawn budget allows.
 */
class OutputFile {
  #path: string;
  #file: Promise<Deno.FsFile> | null = null;
  #writes: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
  }

  /** Whether anything was written. */
  get used(): boolean {
    return this.#file !== null;
  }

  write(chunk: Uint8Array): void {
    this.#file ??= Deno.open(this.#path, {
      write: true,
      create: true,
      truncate: true,
    });
    const file = this.#file;
    this.#writes = this.#writes.then(async () => {
      const f = await file;
      let n = 0;
      while (n < chunk.length) n += await f.write(chunk.subarray(n));
    });
  }

  async close(): Promise<void> {
    await this.#writes;
    if (this.#file) (await this.#file).close();
  }
}

async function kill(
  pid: number,
  ownGroup: boolean,
  signal: Deno.Signal,
): Promise<void> {
  if (ownGroup) return killGroup(pid, signal);
  // Parents first, so none of them starts a replacement for a killed child.
  for (const target of [pid, ...await descendants(pid)]) {
    try {
      Deno.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Every process below `pid` in the process tree (from /proc, else one `ps` listing). */
async function descendants(pid: number): Promise<number[]> {
  const children = new Map<number, number[]>();
  for (const [child, parent] of await processParents()) {
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(child);
  }
  const found: number[] = [];
  const todo = [...(children.get(pid) ?? [])];
  while (todo.length > 0) {
    const next = todo.shift()!;
    found.push(next);
    todo.push(...(children.get(next) ?? []));
  }
  return found;
}

/** [pid, parent pid] of every process. */
async function processParents(): Promise<[number, number][]> {
  const pairs: [number, number][] = [];
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(
        () => "",
      );
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const parent = Number(
        stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1],
      );
      if (stat && Number.isInteger(parent)) {
        pairs.push([Number(entry.name), parent]);
      }
    }
    return pairs;
  } catch {
    // No /proc (macOS): ask ps.
  }
  try {
    const out = await new Deno.Command("ps", {
      args: ["-A", "-o", "pid=", "-o", "ppid="],
      stdout: "piped",
    }).output();
    for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
      const [child, parent] = line.trim().split(/\s+/).map(Number);
      if (child && parent !== undefined) pairs.push([child, parent]);
    }
  } catch {
    // Neither: only the direct child is signalled.
  }
  return pairs;
}

function killGroup(pid: number, signal: Deno.Signal): void {
  try {
    Deno.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Whole-process measurements: wall time of a spawned command, medians, and
 * peak RSS through GNU time.
 * @module
 */

import { SOURCE_FLAGS } from "../compile.ts";
export { SOURCE_FLAGS };

/** A command line to spawn. */
export interface Cmd {
  cmd: string;
  args: string[];
  cwd?: string;
}

/** `deno run --quiet <permissions> <script> <args>` as a {@link Cmd}. */
export function denoRun(script: string, args: string[], cwd?: string): Cmd {
  return {
    cmd: Deno.execPath(),
    args: ["run", "--quiet", ...SOURCE_FLAGS, script, ...args],
    cwd,
  };
}

/** Result of one spawn. */
export interface Spawned {
  seconds: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `c` to completion, timing it from spawn to exit. */
export async function spawn(c: Cmd): Promise<Spawned> {
  const command = new Deno.Command(c.cmd, {
    args: c.args,
    cwd: c.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const start = performance.now();
  const out = await command.output();
  const seconds = (performance.now() - start) / 1000;
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    seconds,
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

/** Runs `c` and throws with its output unless it exits 0. */
export async function spawnOk(c: Cmd, what: string): Promise<Spawned> {
  const r = await spawn(c);
  if (r.code !== 0) {
    throw new Error(
      `${what} exited ${r.code}:\n${r.stdout.slice(-2000)}${
        r.stderr.slice(-2000)
      }`,
    );
  }
  return r;
}

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Times every command `reps` times after one warm-up run each, interleaving
 * them so drift affects all alike. `prepare` runs before every spawn (not
 * timed), e.g. to make a fresh directory. Returns the median seconds of each.
 */
export async function compare(
  cmds: Record<string, () => Cmd | Promise<Cmd>>,
  reps: number,
): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  for (const [name, make] of Object.entries(cmds)) {
    await spawnOk(await make(), name);
    times[name] = [];
  }
  for (let r = 0; r < reps; r++) {
    for (const [name, make] of Object.entries(cmds)) {
      times[name]!.push((await spawnOk(await make(), name)).seconds);
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, xs]) => [name, median(xs)]),
  );
}

const GNU_TIME = "/usr/bin/time";

/** Whether GNU time (with `-f %M`) is available. */
export async function hasGnuTime(): Promise<boolean> {
  try {
    const out = await new Deno.Command(GNU_TIME, {
      args: ["-f", "%M", "true"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return out.code === 0 &&
      /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
  } catch {
    return false;
  }
}

/** Peak resident set size of `c` in MB, measured with GNU time. */
export async function peakRssMb(c: Cmd): Promise<number> {
  const report = await Deno.makeTempFile({ prefix: "bench-rss-" });
  try {
    await spawnOk(
      {
        cmd: GNU_TIME,
        args: ["-f", "%M", "-o", report, c.cmd, ...c.args],
        cwd: c.cwd,
      },
      `${c.cmd} under ${GNU_TIME}`,
    );
    const kb = Number(
      (await Deno.readTextFile(report)).trim().split("\n").pop(),
    );
    return kb / 1024;
  } finally {
    await Deno.remove(report);
  }
}

/** Peak RSS and wall time of one run, or how far it got before it was stopped. */
export interface Watched {
  /** Peak RSS in MB (at least `limitMb` when stopped). */
  peakMb: number;
  seconds: number;
  /** Killed for passing `limitMb`. */
  stopped: boolean;
}

/**
 * Runs `c` under GNU time and a watchdog that kills it once its RSS passes
 * `limitMb` (polled with `ps`), so a regression cannot take the machine's
 * memory. Throws unless it exits 0 or was stopped.
 */
export async function watchedPeakRss(
  c: Cmd,
  limitMb: number,
): Promise<Watched> {
  const report = await Deno.makeTempFile({ prefix: "bench-rss-" });
  try {
    const start = performance.now();
    const child = new Deno.Command(GNU_TIME, {
      args: ["-f", "%M", "-o", report, c.cmd, ...c.args],
      cwd: c.cwd,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).spawn();
    let stopped = false;
    let done = false;
    const status = child.output().finally(() => done = true);
    while (!done) {
      await new Promise((r) => setTimeout(r, 200));
      const rss = await rssKbOfChildren(child.pid);
      if (rss !== null && rss / 1024 > limitMb) {
        stopped = true;
        const target = await childPids(child.pid);
        for (const pid of target) {
          try {
            Deno.kill(pid, "SIGKILL");
          } catch (e) {
            if (!(e instanceof Deno.errors.NotFound)) throw e;
          }
        }
      }
    }
    const out = await status;
    const seconds = (performance.now() - start) / 1000;
    if (stopped) return { peakMb: limitMb, seconds, stopped };
    if (out.code !== 0) {
      throw new Error(
        `${c.cmd} exited ${out.code}: ${
          new TextDecoder().decode(out.stderr).slice(-2000)
        }`,
      );
    }
    const kb = Number(
      (await Deno.readTextFile(report)).trim().split("\n").pop(),
    );
    return { peakMb: kb / 1024, seconds, stopped };
  } finally {
    await Deno.remove(report);
  }
}

async function childPids(parent: number): Promise<number[]> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "pid=", "--ppid", String(parent)],
    stdout: "piped",
    stderr: "null",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").map(Number)
    .filter((n) => n > 0);
}

/** RSS in KB of the direct children of `parent` (the measured command under time). */
async function rssKbOfChildren(parent: number): Promise<number | null> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "rss=", "--ppid", String(parent)],
    stdout: "piped",
    stderr: "null",
  }).output();
  const values = new TextDecoder().decode(out.stdout).split("\n").map(Number)
    .filter((n) => n > 0);
  return values.length === 0 ? null : Math.max(...values);
}

/** `1.234` → `"1.23 s"`; below a second, milliseconds. */
export function fmtTime(seconds: number): string {
  return seconds < 1
    ? `${(seconds * 1000).toFixed(0)} ms`
    : `${seconds.toFixed(2)} s`;
}

/** `a / b` as `"1.65x"`. */
export function fmtRatio(a: number, b: number): string {
  return `${(a / b).toFixed(2)}x`;
}

/**
 * Helpers for engine tests: read a project's run logs.
 * @module
 */

import { join } from "node:path";
import type { RunEvent } from "../../src/events/types.ts";

/** Events of the latest run log in `dir` (a torn last line is dropped). */
export async function latestEvents(dir: string): Promise<RunEvent[]> {
  const runs = join(dir, ".codex/runs");
  const logs = (await Array.fromAsync(Deno.readDir(runs))).map((e) => e.name)
    .filter((n) => n.endsWith(".jsonl"))
    .sort();
  const text = await Deno.readTextFile(join(runs, logs[logs.length - 1]!));
  return text.split("\n").filter((l) => l.trim() !== "").flatMap((l) => {
    try {
      return [JSON.parse(l) as RunEvent];
    } catch {
      return [];
    }
  });
}

/** Number of run logs in `dir`. */
export async function runCount(dir: string): Promise<number> {
  try {
    return (await Array.fromAsync(Deno.readDir(join(dir, ".codex/runs"))))
      .filter((e) => e.name.endsWith(".jsonl"))
      .length;
  } catch {
    return 0;
  }
}

/** `type task` strings, for compact order assertions. */
export function sequence(events: RunEvent[], types?: string[]): string[] {
  return events.filter((e) => !types || types.includes(e.type)).map((e) =>
    `${e.type}${e.task ? " " + e.task : ""}${e.shard ? "/" + e.shard : ""}`
  );
}

/** Whether any process's command line contains `marker` (from /proc, else `ps`). */
export async function processWith(marker: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`)
        .catch(() => "");
      if (cmdline.replaceAll("\0", " ").includes(marker)) return true;
    }
    return false;
  } catch {
    const out = await new Deno.Command("ps", {
      args: ["-eo", "args"],
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n").some((l) =>
      l.includes(marker) && !l.includes("ps -eo")
    );
  }
}

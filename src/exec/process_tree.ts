/**
 * Finding every process a command started, so that stopping it leaves
 * nothing behind: its process tree, its process group, and processes that
 * were re-parented away from it (a shell that ran `server &` and exited),
 * which carry the command's tag in their environment.
 * @module
 */

import { osErrorNumber } from "./os_error.ts";

const ESRCH = 3;

/**
 * Environment variable set on every command: a comma-separated list of
 * tags (`<orchestrate pid>.<n>`), the innermost last, inherited by
 * everything the command starts.
 */
export const TAG_VARIABLE = "ORCHESTRATE_COMMAND_TAG";

/** One process: its pid, parent, process group and session. */
export interface ProcessInfo {
  pid: number;
  parent: number;
  group: number;
  session: number;
}

/** Who belongs to a command. */
export interface CommandProcesses {
  /** The command's own process (gone once reaped: then null). */
  pid: number | null;
  /** The process group (and session) it leads, when it has its own. */
  group: number | null;
  /** Its tag in {@link TAG_VARIABLE}. */
  tag: string;
}

/**
 * Every live process that belongs to `command`, parents before children,
 * never this process: its tree (by parent pid), members of its group, and
 * processes carrying its tag (from /proc; elsewhere the tree and the group
 * from `ps`).
 *
 * @example
 * ```ts ignore
 * const pids = await commandProcesses({ pid: child.pid, group: child.pid, tag: "12.3" });
 * ```
 */
export async function commandProcesses(
  command: CommandProcesses,
): Promise<number[]> {
  const table = await processTable();
  const found = new Set<number>();
  if (command.pid !== null) {
    found.add(command.pid);
    const children = new Map<number, number[]>();
    for (const p of table.values()) {
      if (!children.has(p.parent)) children.set(p.parent, []);
      children.get(p.parent)!.push(p.pid);
    }
    const todo = [command.pid];
    while (todo.length > 0) {
      for (const child of children.get(todo.shift()!) ?? []) {
        if (!found.has(child)) todo.push(child), found.add(child);
      }
    }
  }
  for (const p of table.values()) {
    // A detached command leads its own session too: members that left the group stay in it.
    if (
      command.group !== null &&
      (p.group === command.group || p.session === command.group)
    ) found.add(p.pid);
  }
  for (const pid of await taggedProcesses(table.keys(), command.tag)) {
    found.add(pid);
  }
  found.delete(Deno.pid);
  return [...found];
}

/**
 * Sends `signal` to `pids`, and to the whole process group `group` when
 * given (atomically, before its members can start more). Processes that are
 * already gone are skipped.
 */
export function signalAll(
  pids: readonly number[],
  group: number | null,
  signal: Deno.Signal,
): void {
  if (group !== null) signalOne(-group, signal);
  for (const pid of pids) signalOne(pid, signal);
}

function signalOne(pid: number, signal: Deno.Signal): void {
  // Never 0, -1 or ourselves: those would signal our own group or everyone.
  if (pid === 0 || pid === -1 || pid === 1 || pid === Deno.pid) return;
  try {
    Deno.kill(pid, signal);
  } catch (e) {
    // Gone already (ESRCH), or not ours to signal (EPERM).
    if (
      !(e instanceof Deno.errors.NotFound) &&
      !(e instanceof Deno.errors.PermissionDenied)
    ) throw e;
  }
}

/** Every process, by pid: from /proc, else one `ps` listing, else none. */
async function processTable(): Promise<Map<number, ProcessInfo>> {
  const table = new Map<number, ProcessInfo>();
  try {
    for await (const entry of Deno.readDir("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      const stat = await readIfThere(`/proc/${entry.name}/stat`);
      if (stat === null) continue;
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const [, parent, group, session] = stat.slice(stat.lastIndexOf(")") + 2)
        .split(" ").map(Number);
      const pid = Number(entry.name);
      if (
        parent !== undefined && group !== undefined && session !== undefined
      ) {
        table.set(pid, { pid, parent, group, session });
      }
    }
    return table;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  // No /proc (macOS): ask ps.
  try {
    const out = await new Deno.Command("ps", {
      args: ["-A", "-o", "pid=", "-o", "ppid=", "-o", "pgid="],
      stdout: "piped",
      stderr: "null",
    }).output();
    for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
      const [pid, parent, group] = line.trim().split(/\s+/).map(Number);
      if (pid && parent !== undefined && group !== undefined) {
        table.set(pid, { pid, parent, group, session: -1 });
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return table;
}

/** Pids among `pids` whose environment tags them with `tag` (Linux only). */
async function taggedProcesses(
  pids: Iterable<number>,
  tag: string,
): Promise<number[]> {
  const found: number[] = [];
  const prefix = `${TAG_VARIABLE}=`;
  for (const pid of pids) {
    const environ = await readIfThere(`/proc/${pid}/environ`);
    if (environ === null) continue;
    for (const entry of environ.split("\0")) {
      if (
        entry.startsWith(prefix) &&
        entry.slice(prefix.length).split(",").includes(tag)
      ) found.push(pid);
    }
  }
  return found;
}

/** A file's text, or null when the process it describes is gone or not ours. */
async function readIfThere(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.PermissionDenied ||
      // ESRCH: the process exited while we read, or is a kernel thread.
      osErrorNumber(e) === ESRCH
    ) return null;
    throw e;
  }
}

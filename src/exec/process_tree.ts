/**
 * Finding every process a command started, so that stopping it leaves
 * nothing behind: its process tree, its process group, and processes that
 * were re-parented away from it (a shell that ran `server &` and exited),
 * which carry the command's tag in their environment.
 * @module
 */

/**
 * Environment variable set on every command: a comma-separated list of
 * tags (`<orchestrate pid>.<n>`), the innermost last, inherited by
 * everything the command starts.
 */
export const TAG_VARIABLE = "ORCHESTRATE_COMMAND_TAG";

/** One process: its pid, parent, process group, session and name. */
export interface ProcessInfo {
  pid: number;
  parent: number;
  group: number;
  session: number;
  /** Its program's name (from /proc; empty from `ps`). */
  name: string;
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
 * from `ps`). One listing subprocess per call: it runs only to stop a
 * command.
 *
 * @example
 * ```ts ignore
 * const pids = await commandProcesses({ pid: child.pid, group: child.pid, tag: "12.3" });
 * ```
 */
export async function commandProcesses(
  command: CommandProcesses,
): Promise<number[]> {
  const { table, tagged } = await processTable(command.tag);
  return [...collect(command, table, tagged)];
}

/**
 * The processes of {@link commandProcesses} with their names: what a
 * command that may leave services running (`keep_running`) left.
 *
 * @example
 * ```ts ignore
 * const left = await leftProcesses({ pid: null, group: null, tag: "12.3" });
 * // [{ pid: 4242, command: "postgres" }]
 * ```
 */
export async function leftProcesses(
  command: CommandProcesses,
): Promise<{ pid: number; command: string }[]> {
  const { table, tagged } = await processTable(command.tag);
  return [...collect(command, table, tagged)].map((pid) => ({
    pid,
    command: table.get(pid)?.name ?? "",
  }));
}

function collect(
  command: CommandProcesses,
  table: Map<number, ProcessInfo>,
  tagged: number[],
): Set<number> {
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
  for (const pid of tagged) found.add(pid);
  found.delete(Deno.pid);
  return found;
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

/**
 * Lists /proc through `sh` (Deno grants /proc only with --allow-all, which
 * the binary does not have): every process's stat line, then the environ
 * files that match the tag pattern ($1). Exits 3 without /proc.
 */
const PROC_SCRIPT = `cd /proc 2>/dev/null || exit 3
cat [0-9]*/stat 2>/dev/null
echo ---
grep -lzE "$1" [0-9]*/environ 2>/dev/null
exit 0`;

/**
 * Every process by pid, and the pids tagged with `tag`: from /proc, else
 * from one `ps` listing (no tags), else none.
 */
async function processTable(
  tag: string,
): Promise<{ table: Map<number, ProcessInfo>; tagged: number[] }> {
  const table = new Map<number, ProcessInfo>();
  const tagged: number[] = [];
  const pattern = `^${TAG_VARIABLE}=(.*,)?${tag.replaceAll(".", "\\.")}(,.*)?$`;
  const proc = await listing("sh", ["-c", PROC_SCRIPT, "sh", pattern]);
  if (proc !== null && proc.code === 0) {
    const [stats = "", matches = ""] = proc.text.split("\n---\n");
    for (const line of stats.split("\n")) {
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const pid = Number(line.slice(0, line.indexOf(" (")));
      const [, parent, group, session] = line.slice(line.lastIndexOf(")") + 2)
        .split(" ").map(Number);
      if (
        pid > 0 && Number.isInteger(parent) && Number.isInteger(group) &&
        Number.isInteger(session)
      ) {
        table.set(pid, {
          pid,
          parent: parent!,
          group: group!,
          session: session!,
          name: line.slice(line.indexOf(" (") + 2, line.lastIndexOf(")")),
        });
      }
    }
    for (const line of matches.split("\n")) {
      const pid = Number(line.slice(0, line.indexOf("/")));
      if (pid > 0) tagged.push(pid);
    }
    return { table, tagged };
  }
  // No /proc (macOS): ask ps.
  const ps = await listing("ps", [
    "-A",
    "-o",
    "pid=",
    "-o",
    "ppid=",
    "-o",
    "pgid=",
  ]);
  for (const line of ps?.text.split("\n") ?? []) {
    const [pid, parent, group] = line.trim().split(/\s+/).map(Number);
    if (pid && parent !== undefined && group !== undefined) {
      table.set(pid, { pid, parent, group, session: -1, name: "" });
    }
  }
  return { table, tagged };
}

/** The stdout of a listing command, or null when there is no such program. */
async function listing(
  program: string,
  args: string[],
): Promise<{ code: number; text: string } | null> {
  try {
    const out = await new Deno.Command(program, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { code: out.code, text: new TextDecoder().decode(out.stdout) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

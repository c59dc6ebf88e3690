/**
 * The write audit: what a task changed in the project, compared with what
 * its policy lets it write. It holds on every platform, with or without a
 * sandbox (where there is none it is the only guard): the files a task may
 * not write are listed (size, mtime, ctime, inode; no reads of contents)
 * before the task and again after it, and any difference is a violation.
 *
 * What is listed: every forbidden path, and, when `write` is a list, the
 * whole project outside it, except the orchestrator's own files (`.codex/`,
 * `TASKS.md`, the files its standard output and error go to) and `.git/`
 * (listed only when forbidden). A task whose
 * `write` is `"all"` costs one listing of its forbidden paths.
 *
 * Concurrent tasks: a change is blamed on a task only when no task that ran
 * at the same time was allowed to write that path (the audit sees the tree,
 * not who wrote it). With the sandbox on, a confined task cannot have made
 * such a change, so nothing real is excused; without it, run with
 * `--concurrency 1` to attribute every change.
 * @module
 */

import { join, relative, sep } from "../fs/path.ts";
import type { ProcessPolicy } from "../exec/policy.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** One path a task changed but may not write. */
export interface WriteViolation {
  /** Relative to the project root. */
  path: string;
  /** Forbidden, or outside its `write` paths. */
  kind: "forbidden" | "outside_write";
}

/** Files the orchestrator itself writes during a run, relative to the root. */
const OWN = new Set([STATE_DIR, "TASKS.md"]);

/**
 * The files behind this process's standard output and error (device and
 * inode), as `orchestrate run > build.log` inside the project makes them:
 * orchestrate writes them itself, so no task is blamed for them.
 */
let ownOutput: Set<string> | undefined;

/** Empty until {@link findOwnOutputFiles} ran (every audit starts with it). */
function ownOutputFiles(): Set<string> {
  return ownOutput ?? new Set();
}

/** Finds {@link ownOutputFiles}, once; node:fs (~15 ms to load) only when a task is audited. */
async function findOwnOutputFiles(): Promise<void> {
  if (ownOutput) return;
  const { fstatSync } = await import("node:fs");
  ownOutput = new Set();
  for (const fd of [1, 2]) {
    try {
      // The descriptor itself, whatever its name (Deno refuses /dev/fd/N
      // without --allow-all; fstat needs no permission).
      const info = fstatSync(fd);
      if (info.isFile() && info.ino !== 0) ownOutput.add(fileKey(info));
    } catch {
      // Closed: nothing to ignore.
    }
  }
}

/** Device and inode: the same file under any name. */
function fileKey(info: { dev: number | null; ino: number | null }): string {
  return `${info.dev}:${info.ino}`;
}

/** Whether `path` is `scope` or inside it (both absolute). */
export function within(path: string, scope: string): boolean {
  return path === scope ||
    path.startsWith(scope.endsWith(sep) ? scope : scope + sep);
}

/** Whether `policy` lets its task write the absolute `path`. */
export function mayWrite(policy: ProcessPolicy, path: string): boolean {
  if (policy.forbidden.some((f) => within(path, f))) return false;
  return policy.write === "all" || policy.write.some((w) => within(path, w));
}

/** Signatures of the files the audit watches, by absolute path. */
type Listing = Map<string, string>;

/**
 * Lists what `policy` does not let its task write under `root`.
 *
 * @example
 * ```ts ignore
 * const before = await listGuarded(root, policy);
 * // ... the task runs ...
 * const violations = auditWrites(root, policy, before, await listGuarded(root, policy));
 * ```
 */
export async function listGuarded(
  root: string,
  policy: ProcessPolicy,
): Promise<Listing> {
  const found: Listing = new Map();
  for (const path of policy.forbidden) await walk(path, found, () => true);
  if (policy.write !== "all") {
    const writable = policy.write;
    await walk(root, found, (path) => {
      const rel = relative(root, path);
      if (OWN.has(rel) || rel === ".git") return false;
      return !writable.some((w) => within(path, w));
    });
  }
  return found;
}

/**
 * The violations between two listings of {@link listGuarded}: paths added,
 * removed or changed that `policy` does not let its task write (and, when
 * `excused` is given, that no concurrent task could write), sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { auditWrites } from "./write_audit.ts";
 * const policy = { run: "all", read: "all", write: "all", forbidden: ["/r/secret"], net: true, env: {}, secrets: [] } as const;
 * const before = new Map([["/r/secret", "1"]]);
 * const after = new Map([["/r/secret", "2"]]);
 * assert.deepEqual(auditWrites("/r", policy, before, after), [{ path: "secret", kind: "forbidden" }]);
 * ```
 */
export function auditWrites(
  root: string,
  policy: ProcessPolicy,
  before: Listing,
  after: Listing,
  excused: (path: string) => boolean = () => false,
): WriteViolation[] {
  const changed = new Set<string>();
  for (const [path, sig] of after) {
    if (before.get(path) !== sig) changed.add(path);
  }
  for (const path of before.keys()) if (!after.has(path)) changed.add(path);
  const violations: WriteViolation[] = [];
  for (const path of [...changed].sort()) {
    if (mayWrite(policy, path) || excused(path)) continue;
    // The parent folders of a missing write path, made before a spawn.
    if (addedAbove(policy, path, before)) continue;
    violations.push({
      path: relative(root, path) || ".",
      kind: policy.forbidden.some((f) => within(path, f))
        ? "forbidden"
        : "outside_write",
    });
  }
  return violations;
}

/** Whether `path` is new and above one of the write paths (created for it). */
function addedAbove(
  policy: ProcessPolicy,
  path: string,
  before: Listing,
): boolean {
  return !before.has(path) && policy.write !== "all" &&
    policy.write.some((w) => w !== path && within(w, path));
}

/**
 * The `task_failed` detail for `violations`: the files, by kind.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeViolations } from "./write_audit.ts";
 * assert.equal(
 *   describeViolations([{ path: "vendor/a", kind: "forbidden" }]),
 *   "changed a forbidden path: vendor/a",
 * );
 * ```
 */
export function describeViolations(violations: WriteViolation[]): string {
  const list = (kind: WriteViolation["kind"]) =>
    violations.filter((v) => v.kind === kind).map((v) => v.path);
  const parts: string[] = [];
  const forbidden = list("forbidden"), outside = list("outside_write");
  if (forbidden.length > 0) {
    parts.push(`changed a forbidden path: ${shortList(forbidden)}`);
  }
  if (outside.length > 0) {
    parts.push(`wrote outside its write paths: ${shortList(outside)}`);
  }
  return parts.join("; ");
}

function shortList(paths: string[]): string {
  const shown = paths.slice(0, 10).join(", ");
  return paths.length > 10 ? `${shown} and ${paths.length - 10} more` : shown;
}

/** Adds `path` and, for a folder, everything below it that `keep` accepts; a symlink is not followed. */
async function walk(
  path: string,
  found: Listing,
  keep: (path: string) => boolean,
): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory
    ) return;
    throw e;
  }
  if (info.isFile && ownOutputFiles().has(fileKey(info))) return;
  found.set(path, signature(info));
  if (!info.isDirectory) return;
  const todo = [path];
  while (todo.length > 0) {
    const dir = todo.pop()!;
    try {
      for await (const entry of Deno.readDir(dir)) {
        const child = join(dir, entry.name);
        if (!keep(child)) continue;
        let child_info: Deno.FileInfo;
        try {
          child_info = await Deno.lstat(child);
        } catch (e) {
          // Removed while being listed: the next listing will not have it either.
          if (e instanceof Deno.errors.NotFound) continue;
          throw e;
        }
        if (child_info.isFile && ownOutputFiles().has(fileKey(child_info))) {
          continue;
        }
        found.set(child, signature(child_info));
        if (child_info.isDirectory) todo.push(child);
      }
    } catch (e) {
      if (
        e instanceof Deno.errors.NotFound ||
        e instanceof Deno.errors.NotADirectory
      ) continue;
      throw e;
    }
  }
}

/** What changes when a file is written, replaced, renamed over or re-permissioned. */
function signature(info: Deno.FileInfo): string {
  // A folder's times change with its entries, which are listed themselves:
  // creating a writable file in it is no change of the folder.
  if (info.isDirectory) return `d:${info.ino ?? ""}:${info.mode ?? ""}`;
  return `${info.isSymlink ? "l" : "f"}:${info.size}:${
    info.mtime?.getTime() ?? ""
  }:${info.ctime?.getTime() ?? ""}:${info.ino ?? ""}:${info.mode ?? ""}`;
}

/**
 * The tasks running at once in a run, so that a change is not blamed on a
 * task when another task that ran meanwhile may write it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { AuditBoard } from "./write_audit.ts";
 * const open = { run: "all", read: "all", write: "all", forbidden: [], net: true, env: {}, secrets: [] } as const;
 * const board = new AuditBoard();
 * const a = board.begin({ ...open, forbidden: ["/r/x"] });
 * const b = board.begin(open);
 * b.end();
 * assert.equal(a.excused("/r/x"), true); // b ran meanwhile and may write it
 * ```
 */
export class AuditBoard {
  #running = new Set<{ policy: ProcessPolicy; seen: Set<ProcessPolicy> }>();

  /** Registers a task that starts now; `end()` when it has ended. */
  begin(
    policy: ProcessPolicy,
  ): { excused: (path: string) => boolean; end: () => void } {
    const me = { policy, seen: new Set<ProcessPolicy>() };
    for (const other of this.#running) {
      other.seen.add(policy);
      me.seen.add(other.policy);
    }
    this.#running.add(me);
    return {
      excused: (path) => [...me.seen].some((p) => mayWrite(p, path)),
      end: () => void this.#running.delete(me),
    };
  }
}

/**
 * Starts auditing one task: lists what it may not write now, and returns
 * the function that lists it again and gives the violations. Null when its
 * policy lets it write everything (nothing to audit).
 */
export async function startAudit(
  root: string,
  policy: ProcessPolicy,
  board: AuditBoard | undefined,
): Promise<(() => Promise<WriteViolation[]>) | null> {
  if (policy.write === "all" && policy.forbidden.length === 0) return null;
  await findOwnOutputFiles();
  const ticket = board?.begin(policy);
  try {
    const before = await listGuarded(root, policy);
    return async () => {
      try {
        return auditWrites(
          root,
          policy,
          before,
          await listGuarded(root, policy),
          ticket?.excused,
        );
      } finally {
        ticket?.end();
      }
    };
  } catch (e) {
    ticket?.end();
    throw e;
  }
}

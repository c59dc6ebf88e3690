/**
 * The agent's change as a patch: captured from its worktree against the
 * snapshot it started from (text, with full binary content), summarised
 * from its own bytes (files by old and new path, lines, what each change
 * does), checked against the paths no patch may touch, and applied from
 * exactly the bytes that were hashed (on git's stdin, never a path read
 * again).
 * @module
 */

import picomatch from "picomatch";
import type { PatchSummary } from "../events/types.ts";
import { relative } from "../fs/path.ts";
import { gitBytes, type GitCall, gitOk, own } from "./git.ts";
import { describePatch, type PatchEntry } from "./patch_text.ts";
import type { Worktree } from "./worktree.ts";

export { describePatch, type PatchEntry };

/** A captured patch: its bytes and its summary (without the file name). */
export interface CapturedPatch {
  text: Uint8Array;
  hash: string;
  files: string[];
  added: number;
  removed: number;
  /** What each file's change is, beyond an edit (see {@link changeNotes}). */
  changes: string[];
  entries: PatchEntry[];
}

/**
 * Everything the worktree changed since `base` (edits, new and deleted
 * files), as a binary-safe git patch relative to the repository's top,
 * taken through orchestrate's own repository and index.
 */
export async function capturePatch(
  worktree: Worktree,
  base: string,
): Promise<CapturedPatch> {
  const call = own(worktree);
  await gitOk(["read-tree", base], call);
  await gitOk(["add", "-A"], call);
  const diff = await gitBytes([
    "diff",
    "--cached",
    "--binary",
    "--full-index",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "-M",
    base,
  ], call);
  if (diff.code !== 0) {
    throw new Error(
      `git diff in ${worktree.path} exited ${diff.code}: ${diff.stderr.trim()}`,
    );
  }
  return await summarise(diff.stdout);
}

/** The summary of a patch's bytes: hash, files, lines, changes. */
export async function summarise(bytes: Uint8Array): Promise<CapturedPatch> {
  const entries = describePatch(bytes);
  const files = new Set<string>();
  let added = 0, removed = 0;
  for (const e of entries) {
    if (e.oldPath !== null) files.add(e.oldPath);
    if (e.newPath !== null) files.add(e.newPath);
    added += e.added;
    removed += e.removed;
  }
  return {
    text: bytes,
    hash: await patchHash(bytes),
    files: [...files].sort(),
    added,
    removed,
    changes: changeNotes(entries),
    entries,
  };
}

/**
 * Captures the worktree's change since `base` (see {@link capturePatch}),
 * writes it to `file`, and summarises it for events, the patch named
 * relative to the project `root`.
 */
export async function savePatch(
  worktree: Worktree,
  base: string,
  file: string,
  root: string,
): Promise<PatchSummary & { entries: PatchEntry[] }> {
  const captured = await capturePatch(worktree, base);
  await Deno.writeFile(file, captured.text);
  return {
    patch: relative(root, file),
    hash: captured.hash,
    files: captured.files,
    added: captured.added,
    removed: captured.removed,
    ...(captured.changes.length > 0 ? { changes: captured.changes } : {}),
    entries: captured.entries,
  };
}

/**
 * What each change is beyond a plain edit, one line each, for the gate.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { changeNotes } from "./patch.ts";
 * const e = { oldMode: "100644", newMode: "100644", binary: false, symlink: null, added: 0, removed: 0 };
 * assert.deepEqual(changeNotes([
 *   { ...e, status: "rename", oldPath: "secret.cfg", newPath: "renamed.cfg" },
 *   { ...e, status: "modify", oldPath: "run.sh", newPath: "run.sh", newMode: "100755" },
 * ]), ["rename secret.cfg -> renamed.cfg", "mode 100644 -> 100755 run.sh"]);
 * ```
 */
export function changeNotes(entries: readonly PatchEntry[]): string[] {
  const notes: string[] = [];
  for (const e of entries) {
    const path = e.newPath ?? e.oldPath ?? "";
    if (e.status === "rename" || e.status === "copy") {
      notes.push(`${e.status} ${e.oldPath} -> ${e.newPath}`);
    } else if (e.status === "delete") notes.push(`delete ${e.oldPath}`);
    if (
      e.oldMode !== null && e.newMode !== null && e.oldMode !== e.newMode
    ) notes.push(`mode ${e.oldMode} -> ${e.newMode} ${path}`);
    if (e.symlink !== null) notes.push(`symlink ${path} -> ${e.symlink}`);
    if (e.newMode === "160000") notes.push(`submodule ${path}`);
    if (e.binary) notes.push(`binary ${path}`);
  }
  return notes;
}

/**
 * A patch file's bytes, read once, or why there are none ("is gone", "is
 * not a regular file": never a pipe or a link that could give other bytes
 * to another reader).
 */
export async function readPatchFile(
  file: string,
): Promise<Uint8Array | string> {
  try {
    const info = await Deno.lstat(file);
    if (!info.isFile) return "is not a regular file";
    return await Deno.readFile(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "is gone";
    throw e;
  }
}

/** `sha256:<hex>` of the bytes. */
export async function patchHash(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    bytes as Uint8Array<ArrayBuffer>,
  );
  return `sha256:${
    Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
      .join("")
  }`;
}

/**
 * The files of a patch that fall under a forbidden path: a file or folder
 * of the list (a folder covers everything below it), or a glob.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { forbiddenFiles } from "./patch.ts";
 * assert.deepEqual(
 *   forbiddenFiles(["src/a.ts", "vendor/x.js", "secrets.env"], ["vendor", "*.env"]),
 *   ["vendor/x.js", "secrets.env"],
 * );
 * ```
 */
export function forbiddenFiles(
  files: readonly string[],
  forbidden: readonly string[],
): string[] {
  if (forbidden.length === 0) return [];
  const rules = forbidden.map((f) => {
    const plain = f.replace(/^\.\//, "").replace(/\/+$/, "");
    const glob = picomatch(plain, { dot: true });
    return (file: string) =>
      file === plain || file.startsWith(`${plain}/`) || glob(file);
  });
  return files.filter((file) => rules.some((rule) => rule(file)));
}

/** How applying a patch to the project went. */
export type ApplyResult = { ok: true } | { ok: false; conflict: string };

/**
 * Applies the patch's bytes (on git's stdin) to the working tree the call
 * names (its `cwd` the repository's top) with `git apply`: first
 * `--check`, so a patch that no longer applies cleanly changes nothing and
 * is reported with git's own account of the conflict. Never a three-way
 * merge.
 */
export async function applyPatch(
  call: GitCall,
  bytes: Uint8Array,
): Promise<ApplyResult> {
  const check = await gitBytes(["apply", "--check", "--binary", "-"], {
    ...call,
    stdin: bytes,
  });
  if (check.code !== 0) return { ok: false, conflict: check.stderr.trim() };
  const apply = await gitBytes(["apply", "--binary", "-"], {
    ...call,
    stdin: bytes,
  });
  if (apply.code !== 0) return { ok: false, conflict: apply.stderr.trim() };
  return { ok: true };
}

/**
 * Whether the working tree the call names already holds the patch: its
 * reverse applies cleanly (a crash came between `git apply` and the record
 * of it).
 */
export async function alreadyApplied(
  call: GitCall,
  bytes: Uint8Array,
): Promise<boolean> {
  const r = await gitBytes(["apply", "--check", "--reverse", "--binary", "-"], {
    ...call,
    stdin: bytes,
  });
  return r.code === 0;
}

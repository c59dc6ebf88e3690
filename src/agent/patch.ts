/**
 * The agent's change as a patch: captured from its worktree against the
 * snapshot it started from, summarised (files, lines added and removed, a
 * content hash), checked against the task's forbidden paths, and applied to
 * the project with git only when it applies cleanly.
 * @module
 */

import picomatch from "picomatch";
import type { PatchSummary } from "../events/types.ts";
import { relative } from "../path.ts";
import { git, gitOk } from "./git.ts";

/** A captured patch: its text and its summary (without the file name). */
export interface CapturedPatch {
  text: Uint8Array;
  hash: string;
  files: string[];
  added: number;
  removed: number;
}

/**
 * Everything the worktree changed since `base` (edits, new and deleted
 * files, commits the agent made), as a binary-safe git patch, relative to
 * the repository's top.
 */
export async function capturePatch(
  worktree: string,
  base: string,
): Promise<CapturedPatch> {
  await gitOk(["add", "-A"], worktree);
  const args = ["diff", "--cached", "--no-color", "--no-ext-diff", base];
  const [diff, numstat] = await Promise.all([
    new Deno.Command("git", {
      args: ["-c", "core.quotePath=false", ...args, "--binary"],
      cwd: worktree,
      stdout: "piped",
      stderr: "piped",
    }).output(),
    gitOk(["-c", "core.quotePath=false", ...args, "--numstat", "-z"], worktree),
  ]);
  if (diff.code !== 0) {
    throw new Error(
      `git diff in ${worktree} exited ${diff.code}: ${
        new TextDecoder().decode(diff.stderr).trim()
      }`,
    );
  }
  const stat = parseNumstat(numstat);
  return { text: diff.stdout, hash: await patchHash(diff.stdout), ...stat };
}

/**
 * Captures the worktree's change since `base` (see {@link capturePatch}),
 * writes it to `file`, and summarises it for events, the patch named
 * relative to the project `root`.
 */
export async function savePatch(
  worktree: string,
  base: string,
  file: string,
  root: string,
): Promise<PatchSummary> {
  const captured = await capturePatch(worktree, base);
  await Deno.writeFile(file, captured.text);
  return {
    patch: relative(root, file),
    hash: captured.hash,
    files: captured.files,
    added: captured.added,
    removed: captured.removed,
  };
}

/**
 * Files and line counts from `git diff --numstat -z` (binary files count
 * no lines; a rename lists its new path).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseNumstat } from "./patch.ts";
 * assert.deepEqual(parseNumstat("3\t1\tsrc/a.ts\0-\t-\tlogo.png\0"), {
 *   files: ["logo.png", "src/a.ts"], added: 3, removed: 1,
 * });
 * ```
 */
export function parseNumstat(
  text: string,
): { files: string[]; added: number; removed: number } {
  const files: string[] = [];
  let added = 0, removed = 0;
  const parts = text.split("\0");
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry === "") continue;
    const [a, r, path] = entry.split("\t");
    if (a !== "-") added += Number(a);
    if (r !== "-") removed += Number(r);
    // A rename: the path is empty and the old and new paths follow.
    if (path === "") {
      i += 2;
      files.push(parts[i]!);
    } else files.push(path!);
  }
  return { files: files.sort(), added, removed };
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
 * Applies the patch file to the working tree at `repo` (the repository's
 * top) with `git apply`: first `--check`, so a patch that no longer applies
 * cleanly changes nothing and is reported with git's own account of the
 * conflict. Never a three-way merge.
 */
export async function applyPatch(
  repo: string,
  patchFile: string,
): Promise<ApplyResult> {
  const check = await git(["apply", "--check", "--binary", patchFile], repo);
  if (check.code !== 0) {
    return { ok: false, conflict: (check.stderr || check.stdout).trim() };
  }
  const apply = await git(["apply", "--binary", patchFile], repo);
  if (apply.code !== 0) {
    return { ok: false, conflict: (apply.stderr || apply.stdout).trim() };
  }
  return { ok: true };
}

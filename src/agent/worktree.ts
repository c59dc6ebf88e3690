/**
 * The agent's git worktree: a fresh checkout of the project as the user
 * sees it (HEAD plus the main tree's uncommitted changes, untracked files
 * that are not ignored included), so an agent edits what the user would.
 * The snapshot is a commit of its own (never on a branch), which is also
 * the base the agent's patch is taken against.
 * @module
 */

import { join } from "../path.ts";
import { git, GitError, gitOk } from "./git.ts";
import { applyPatch } from "./patch.ts";

/** A worktree made for one task's agent. */
export interface Worktree {
  /** Its folder (absolute): the repository's top. */
  path: string;
  /** The project's folder inside it (differs from `path` when the project is a subfolder). */
  root: string;
  /** The snapshot commit it starts from: the patch's base. */
  base: string;
}

/** Where orchestrate keeps its own files: never part of a snapshot. */
const OWN_FILES = ".codex";

/**
 * Snapshots the project's working tree into a commit (through a temporary
 * index, so the user's index is untouched) and checks it out, detached, at
 * `path`. A leftover worktree at `path` (an earlier attempt kept for
 * inspection) is removed first.
 *
 * @throws {GitError} when `root` is not in a git repository, or git fails.
 */
export async function createWorktree(
  root: string,
  path: string,
): Promise<Worktree> {
  const base = await snapshot(root, `${path}.index`);
  return await addWorktree(root, path, base);
}

/**
 * Commits the project's working tree as the user sees it (HEAD plus the
 * uncommitted and untracked, non-ignored files; never `.codex`) through
 * the temporary index `index`, on no branch, and returns the commit.
 *
 * @throws {GitError} when `root` is not in a git repository, or git fails.
 */
export async function snapshot(root: string, index: string): Promise<string> {
  const top = await git(["rev-parse", "--show-toplevel"], root);
  if (top.code !== 0) {
    throw new GitError(
      `An agent task needs the project in a git repository (${root} is not): run git init`,
    );
  }
  await Deno.mkdir(join(index, ".."), { recursive: true });
  const env = { GIT_INDEX_FILE: index };
  const head = await git(["rev-parse", "--verify", "-q", "HEAD"], root);
  try {
    if (head.code === 0) await gitOk(["read-tree", "HEAD"], root, env);
    await gitOk(
      [
        "add",
        "-A",
        "--",
        ":/",
        `:(top,exclude)${OWN_FILES}`,
        `:(exclude)${OWN_FILES}`,
      ],
      root,
      env,
    );
    const tree = (await gitOk(["write-tree"], root, env)).trim();
    const parent = head.code === 0 ? ["-p", head.stdout.trim()] : [];
    return (await gitOk(
      [
        "commit-tree",
        tree,
        ...parent,
        "-m",
        "orchestrate: the project as the agent found it",
      ],
      root,
    )).trim();
  } finally {
    await Deno.remove(index).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/**
 * Checks out the commit `base`, detached, at `path` (a leftover worktree
 * there is removed first).
 */
export async function addWorktree(
  root: string,
  path: string,
  base: string,
): Promise<Worktree> {
  await removeWorktree(root, path);
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await gitOk(["worktree", "add", "--detach", path, base], root);
  const prefix = (await gitOk(["rev-parse", "--show-prefix"], root)).trim();
  return { path, root: prefix === "" ? path : join(path, prefix), base };
}

/**
 * Applies the patch files in order to the worktree and makes the result
 * its new base (a commit on no branch, HEAD moved to it), so a patch taken
 * later holds only what came after. A patch that does not apply cleanly is
 * returned with git's account of the conflict, the worktree as it was.
 */
export async function stackPatches(
  worktree: Worktree,
  patches: readonly string[],
): Promise<Worktree | { conflict: string }> {
  if (patches.length === 0) return worktree;
  for (const file of patches) {
    const applied = await applyPatch(worktree.path, file);
    if (!applied.ok) return { conflict: applied.conflict };
  }
  await gitOk(["add", "-A"], worktree.path);
  const tree = (await gitOk(["write-tree"], worktree.path)).trim();
  const base = (await gitOk(
    [
      "commit-tree",
      tree,
      "-p",
      worktree.base,
      "-m",
      "orchestrate: the earlier shards' patches",
    ],
    worktree.path,
  )).trim();
  await gitOk(["reset", "-q", "--soft", base], worktree.path);
  return { ...worktree, base };
}

/** Removes the worktree at `path` (and git's record of it) when there is one. */
export async function removeWorktree(
  root: string,
  path: string,
): Promise<void> {
  try {
    await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      await git(["worktree", "prune"], root);
      return;
    }
    throw e;
  }
  const r = await git(["worktree", "remove", "--force", path], root);
  if (r.code !== 0) {
    // Not a worktree git knows (a copied folder): remove the files.
    await Deno.remove(path, { recursive: true });
    await git(["worktree", "prune"], root);
  }
}

/**
 * The agent's worktree: a fresh checkout of the project as the user sees
 * it (HEAD plus the main tree's uncommitted changes, untracked files that
 * are not ignored included), so an agent edits what the user would. The
 * snapshot is a commit of its own (never on a branch), which is also the
 * base the agent's patch is taken against.
 *
 * Two repositories, so orchestrate never trusts one an agent could write:
 * orchestrate's own (`gitDir`, in the run's control folder, which no task
 * may write) holds the snapshot and is the only one orchestrate's git ever
 * works on, named explicitly with its work tree and an index file of its
 * own; its `info/attributes` switches every in-tree attribute off, so an
 * agent's `.gitattributes` cannot turn a file binary or run a filter. The
 * worktree's own `.git`, for the agent to use as it likes, is a second
 * repository reading objects from the first; orchestrate never reads it.
 * @module
 */

import { basename, dirname, join, relative } from "../fs/path.ts";
import { workDir } from "../events/log.ts";
import { type GitCall, GitError, gitOk, own } from "./git.ts";
import { applyPatch } from "./patch.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/** A worktree made for one task's agent. */
export interface Worktree {
  /** Its folder (absolute): the repository's top. */
  path: string;
  /** The project's folder inside it (differs from `path` when the project is a subfolder). */
  root: string;
  /** The snapshot commit it starts from: the patch's base. */
  base: string;
  /** The project root (PATH folders below it are not trusted for git). */
  project: string;
  /** orchestrate's own repository for it (see the module doc). */
  gitDir: string;
  /** orchestrate's index file for it. */
  index: string;
}

/** Where orchestrate keeps its own files: never part of a snapshot. */
const OWN_FILES = STATE_DIR;

/** Every attribute that changes what git reads or writes, unset for every path. */
const NO_ATTRIBUTES =
  "* !diff !filter !text !eol !crlf !ident !working-tree-encoding !merge !whitespace !export-subst !export-ignore\n";

/**
 * Snapshots the project's working tree (see {@link snapshot}) into the
 * repository `gitDir` and checks it out at `path`.
 *
 * @throws {GitError} when `root` is not in a git repository, or git fails.
 */
export async function createWorktree(
  root: string,
  path: string,
  gitDir: string,
): Promise<Worktree> {
  const base = await snapshot(root, gitDir);
  return await addWorktree(root, path, base, gitDir);
}

/**
 * orchestrate's own repository at `gitDir` (made when missing): objects
 * read from the project's repository, every attribute off.
 */
async function ownRepository(root: string, gitDir: string): Promise<void> {
  try {
    await Deno.stat(join(gitDir, "HEAD"));
    return;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const common =
    (await gitOk(["rev-parse", "--path-format=absolute", "--git-common-dir"], {
      root,
    })).trim();
  await gitOk(["init", "-q", "--bare", "--template=", gitDir], { root });
  await Deno.mkdir(join(gitDir, "info"), { recursive: true });
  await Deno.writeTextFile(join(gitDir, "info", "attributes"), NO_ATTRIBUTES);
  await Deno.writeTextFile(
    join(gitDir, "objects", "info", "alternates"),
    `${join(common, "objects")}\n`,
  );
}

/**
 * Commits the project's working tree as the user sees it (HEAD plus the
 * uncommitted and untracked, non-ignored files; never `.codex`) into
 * orchestrate's repository `gitDir`, on no branch, and returns the commit.
 *
 * @throws {GitError} when `root` is not in a git repository, or git fails.
 */
export async function snapshot(root: string, gitDir: string): Promise<string> {
  let top: string;
  try {
    top = (await gitOk(["rev-parse", "--show-toplevel"], { root })).trim();
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    throw new GitError(
      `An agent task needs the project in a git repository (${root} is not): run git init`,
    );
  }
  const headOut = await gitOk(["rev-parse", "--verify", "-q", "HEAD"], { root })
    .catch(() => "");
  const head = headOut.trim();
  await ownRepository(root, gitDir);
  const index = join(gitDir, "snapshot.index");
  const call: GitCall = { root, gitDir, workTree: top, cwd: top, index };
  const own = relative(top, join(root, OWN_FILES));
  try {
    if (head !== "") await gitOk(["read-tree", head], call);
    else await gitOk(["read-tree", "--empty"], call);
    // `.codex` excluded for the snapshot only (the capture of a patch must
    // see an agent's `.codex` files, to refuse them), and whatever a
    // `.gitignore` re-included taken out again; never named to `git add`,
    // which refuses a path the project's `.gitignore` ignores.
    const exclude = join(gitDir, "snapshot.exclude");
    await Deno.writeTextFile(exclude, `/${own.replaceAll("\\", "\\\\")}/\n`);
    await gitOk(["-c", `core.excludesFile=${exclude}`, "add", "-A"], call);
    await gitOk(
      [
        "rm",
        "-r",
        "-q",
        "--cached",
        "--ignore-unmatch",
        "--",
        `:(literal)${own}`,
      ],
      call,
    );
    const tree = (await gitOk(["write-tree"], call)).trim();
    const parent = head !== "" ? ["-p", head] : [];
    return (await gitOk(
      [
        "commit-tree",
        tree,
        ...parent,
        "-m",
        "orchestrate: the project as the agent found it",
      ],
      call,
    )).trim();
  } finally {
    await Deno.remove(index).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
  }
}

/**
 * Checks out the commit `base` of orchestrate's repository `gitDir` at
 * `path` (a leftover folder there is removed first), and gives it a `.git`
 * of its own for the agent, at the same commit.
 */
export async function addWorktree(
  root: string,
  path: string,
  base: string,
  gitDir: string,
): Promise<Worktree> {
  await removeWorktree(root, path);
  await ownRepository(root, gitDir);
  await Deno.mkdir(path, { recursive: true });
  const top = (await gitOk(["rev-parse", "--show-toplevel"], { root })).trim();
  const prefix = relative(top, root);
  // One index per worktree of the task (the task's, each shard's, the combined one).
  const index = join(gitDir, `${basename(dirname(path))}.index`);
  const worktree: Worktree = {
    path,
    root: prefix === "" ? path : join(path, prefix),
    base,
    project: root,
    gitDir,
    index,
  };
  await gitOk(["read-tree", "--reset", "-u", base], own(worktree));
  await agentRepository(worktree);
  return worktree;
}

/**
 * The agent's `.git` in the worktree: a repository whose HEAD is the
 * worktree's base and whose index matches its files, reading objects from
 * orchestrate's. Made by orchestrate before the agent starts; read by it
 * never again.
 */
async function agentRepository(worktree: Worktree): Promise<void> {
  const dotGit = join(worktree.path, ".git");
  await Deno.remove(dotGit, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await gitOk(["init", "-q", "--template=", worktree.path], {
    root: worktree.project,
    gitDir: dotGit,
    cwd: worktree.path,
  });
  await Deno.writeTextFile(
    join(dotGit, "objects", "info", "alternates"),
    `${join(worktree.gitDir, "objects")}\n`,
  );
  await Deno.writeTextFile(join(dotGit, "HEAD"), `${worktree.base}\n`);
  await Deno.copyFile(worktree.index, join(dotGit, "index"));
}

/**
 * Applies the patch files in order to the worktree and makes the result
 * its new base (a commit on no branch in orchestrate's repository, the
 * agent's HEAD moved to it), so a patch taken later holds only what came
 * after. A patch that does not apply cleanly is returned with git's
 * account of the conflict, the worktree as it was.
 */
export async function stackPatches(
  worktree: Worktree,
  patches: readonly string[],
): Promise<Worktree | { conflict: string }> {
  if (patches.length === 0) return worktree;
  const call = own(worktree);
  for (const file of patches) {
    const applied = await applyPatch(call, await Deno.readFile(file));
    if (!applied.ok) return { conflict: applied.conflict };
  }
  await gitOk(["add", "-A"], call);
  const tree = (await gitOk(["write-tree"], call)).trim();
  const base = (await gitOk(
    [
      "commit-tree",
      tree,
      "-p",
      worktree.base,
      "-m",
      "orchestrate: the earlier shards' patches",
    ],
    call,
  )).trim();
  const moved = { ...worktree, base };
  await agentRepository(moved);
  return moved;
}

/** Removes the worktree at `path` when there is one (its files; git keeps no record of it). */
export async function removeWorktree(
  _root: string,
  path: string,
): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/**
 * Where an agent works: under the run's work folder, apart from the run's
 * control files (`.codex/work/<run>/agent/<task>[/<shard>]/worktree`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { worktreePath } from "./worktree.ts";
 * assert.equal(worktreePath("/p", "R", "T"), "/p/.codex/work/R/agent/T/worktree");
 * assert.equal(worktreePath("/p", "R", "T", "s1"), "/p/.codex/work/R/agent/T/s1/worktree");
 * ```
 */
export function worktreePath(
  root: string,
  run: string,
  task: string,
  unit?: string,
): string {
  return join(
    workDir(root, run),
    "agent",
    task,
    ...(unit === undefined ? [] : [unit]),
    "worktree",
  );
}

/**
 * The git variables of the agent's processes: its worktree's own `.git`,
 * named outright, so whatever `GIT_*` orchestrate inherited (a pre-commit
 * hook's `GIT_INDEX_FILE`, a `GIT_DIR`) never points the agent's git at
 * the user's repository.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agentGitEnv } from "./worktree.ts";
 * assert.equal(agentGitEnv({ path: "/w" }).GIT_INDEX_FILE, "/w/.git/index");
 * ```
 */
export function agentGitEnv(
  worktree: Pick<Worktree, "path">,
): Record<string, string> {
  const dotGit = join(worktree.path, ".git");
  return {
    GIT_DIR: dotGit,
    GIT_WORK_TREE: worktree.path,
    GIT_INDEX_FILE: join(dotGit, "index"),
    GIT_OBJECT_DIRECTORY: join(dotGit, "objects"),
    GIT_COMMON_DIR: dotGit,
  };
}

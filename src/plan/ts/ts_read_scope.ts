/**
 * What the plan worker may read: the real files of the plan's folder, and
 * nothing a symlink inside it leads to outside. Deno checks a read against
 * the path as written, then the system follows symlinks, so granting the
 * folder would also grant `sys/etc/shadow` through a link `sys -> /`.
 * Instead the folder is walked once: a folder with no link leading out
 * anywhere below it (directly, or through a link to another folder of the
 * tree that has one) is granted whole; any other is granted entry by entry,
 * leaving out the links that lead out (or nowhere) and the folder itself.
 * @module
 */

import { join, sep } from "../../fs/path.ts";

/** Entries walked before the rest of the tree counts as unreadable (a bound on the cost). */
export const READ_SCOPE_MAX_ENTRIES = 500_000;

/** One folder of the tree, as the walk saw it. */
interface Folder {
  /** Subfolders (real, not links). */
  folders: string[];
  /** Regular files and other non-link entries that are not folders. */
  files: string[];
  /** Links to a file or folder inside the tree: link path → real target. */
  links: Map<string, { target: string; folder: boolean }>;
  /** A link here leads out of the tree, or nowhere; or the walk stopped here. */
  leaks: boolean;
}

/**
 * The paths the plan worker may read for the plan folder `folder`: every
 * path is inside its real path, and no path leads out of it through a link.
 * Paths are given both as the real path and as `folder` spells it when the
 * two differ.
 *
 * @param folder The plan's folder (absolute).
 * @returns Absolute paths for the worker's `read` permission.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readScope } from "./ts_read_scope.ts";
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.mkdir(`${dir}/lib`);
 * await Deno.writeTextFile(`${dir}/plan.ts`, "");
 * await Deno.symlink("/", `${dir}/sys`);
 * assert.deepEqual((await readScope(dir)).sort(), [`${dir}/lib`, `${dir}/plan.ts`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readScope(folder: string): Promise<string[]> {
  const root = await Deno.realPath(folder);
  const tree = walk(root);
  const dirty = leakyFolders(tree);
  const grants: string[] = [];
  const grant = (dir: string): void => {
    if (!dirty.has(dir)) {
      grants.push(dir);
      return;
    }
    const here = tree.get(dir);
    if (here === undefined) return; // Not walked: nothing of it is granted.
    grants.push(...here.files);
    for (const sub of here.folders) grant(sub);
    for (const [link, { target, folder }] of here.links) {
      if (!folder || !dirty.has(target)) grants.push(link);
    }
  };
  grant(root);
  const given = folder.endsWith(sep) && folder !== sep
    ? folder.slice(0, -1)
    : folder;
  if (given === root) return grants;
  // The plan may spell its folder as it was named (import.meta.dirname).
  return [...grants, ...grants.map((g) => given + g.slice(root.length))];
}

/** Every folder below `root` (links not followed), within {@link READ_SCOPE_MAX_ENTRIES}. */
function walk(root: string): Map<string, Folder> {
  const tree = new Map<string, Folder>();
  const inside = (path: string) => path === root || path.startsWith(root + sep);
  let budget = READ_SCOPE_MAX_ENTRIES;
  const todo = [root];
  while (todo.length > 0) {
    const dir = todo.pop()!;
    const here: Folder = {
      folders: [],
      files: [],
      links: new Map(),
      leaks: false,
    };
    tree.set(dir, here);
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      here.leaks = true; // Unreadable to us: nothing of it is granted.
      continue;
    }
    if ((budget -= entries.length) < 0) {
      here.leaks = true;
      continue;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        here.folders.push(path);
        todo.push(path);
      } else if (!entry.isSymlink) {
        here.files.push(path);
      } else {
        const target = realTarget(path);
        if (target === null || !inside(target.path)) here.leaks = true;
        else {
          here.links.set(path, {
            target: target.path,
            folder: target.folder,
          });
        }
      }
    }
  }
  return tree;
}

/**
 * The folders through which a read can leave the tree: those with a leak,
 * their ancestors, and those holding a link to such a folder (or to one
 * the walk did not list), and theirs, and so on.
 */
function leakyFolders(tree: Map<string, Folder>): Set<string> {
  const dirty = new Set<string>();
  const parent = new Map<string, string>();
  /** Folder → the folders holding a link to it. */
  const linkedFrom = new Map<string, string[]>();
  const todo: string[] = [];
  for (const [dir, here] of tree) {
    for (const sub of here.folders) parent.set(sub, dir);
    for (const { target, folder } of here.links.values()) {
      if (!folder) continue;
      if (!tree.has(target)) todo.push(dir); // Unknown: as good as a leak.
      const holders = linkedFrom.get(target) ?? [];
      holders.push(dir);
      linkedFrom.set(target, holders);
    }
    if (here.leaks) todo.push(dir);
  }
  while (todo.length > 0) {
    const dir = todo.pop()!;
    if (dirty.has(dir)) continue;
    dirty.add(dir);
    const up = parent.get(dir);
    if (up !== undefined) todo.push(up);
    todo.push(...linkedFrom.get(dir) ?? []);
  }
  return dirty;
}

/** Where a link leads (real path) and whether to a folder; null when nowhere. */
function realTarget(path: string): { path: string; folder: boolean } | null {
  try {
    const real = Deno.realPathSync(path);
    return { path: real, folder: Deno.statSync(real).isDirectory };
  } catch {
    return null;
  }
}

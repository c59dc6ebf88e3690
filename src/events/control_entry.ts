/**
 * What sits at the path of a control file (a run's log, its approvals
 * journal, the run index, a recorded plan): orchestrate reads and writes
 * them only as regular files, never through a link, never as a folder or a
 * FIFO (a read of one waits forever). Anything else is named in a clear
 * error saying what to do, or set aside where nothing depends on it.
 * @module
 */

/** What a path holds, as `lstat` sees it (a link is not followed). */
export type EntryKind = "file" | "missing" | "folder" | "link" | "special";

/**
 * The kind of entry at `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryKind } from "./control_entry.ts";
 * assert.equal(await entryKind("/no/such/file"), "missing");
 * assert.equal(await entryKind("/"), "folder");
 * assert.equal(await entryKind("/dev/null"), "special");
 * ```
 */
// deno-lint-ignore require-await
export async function entryKind(path: string): Promise<EntryKind> {
  return entryKindSync(path);
}

/**
 * {@link entryKind}, synchronous: one lstat, which on a local disk never
 * waits, where an async one costs a hop to a worker thread (0.03-0.5 ms,
 * more on a loaded machine) on the paths a run takes before its first task.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entryKindSync } from "./control_entry.ts";
 * assert.equal(entryKindSync("/no/such/path"), "missing");
 * ```
 */
export function entryKindSync(path: string): EntryKind {
  let info: Deno.FileInfo;
  try {
    info = Deno.lstatSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "missing";
    throw e;
  }
  return info.isSymlink
    ? "link"
    : info.isFile
    ? "file"
    : info.isDirectory
    ? "folder"
    : "special";
}

/** `a folder`, `a symbolic link`, `a pipe, socket or device`. */
export function describeKind(kind: Exclude<EntryKind, "file" | "missing">) {
  return kind === "folder"
    ? "a folder"
    : kind === "link"
    ? "a symbolic link"
    : "a pipe, socket or device";
}

/**
 * A control file (or folder) is not what orchestrate keeps there: the
 * message names it, says what it is, and what to do. An I/O fault (exit
 * 74) until the user moves it away; nothing was read or written through it.
 */
export class ControlFileError extends Deno.errors.InvalidData {
  override name = "ControlFileError";
  /**
   * @param path The path, as it will be shown.
   * @param kind What is there.
   * @param holds What orchestrate keeps there, e.g. `the run's log`.
   * @param want What it must be.
   */
  constructor(
    path: string,
    kind: Exclude<EntryKind, "missing">,
    holds: string,
    want: "a regular file" | "a folder" = "a regular file",
  ) {
    super(
      `${path} is ${
        kind === "file" ? "a file" : describeKind(kind)
      }, not ${want}: orchestrate keeps ${holds} there and never follows a link or opens anything else. Move it away (mv '${path}' '${path}.moved') and run the command again`,
    );
  }
}

/**
 * Makes sure `path` is a real folder (not a link to one): created when
 * missing (with its parents), kept when a folder. Anything else is set
 * aside when `holds` is null (a folder orchestrate fills from scratch, such
 * as a resume's output folder), else a {@link ControlFileError}.
 *
 * @returns The path something was set aside to, or null.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { controlFolder } from "./control_entry.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.symlink("/", `${dir}/out`);
 * assert.equal(await controlFolder(`${dir}/out`), `${dir}/out.set-aside-1`);
 * assert.ok((await Deno.lstat(`${dir}/out`)).isDirectory);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function controlFolder(
  path: string,
  holds: string | null = null,
): Promise<string | null> {
  const kind = await entryKind(path);
  if (kind === "folder") return null;
  let aside: string | null = null;
  if (kind !== "missing") {
    if (holds !== null) {
      throw new ControlFileError(path, kind, holds, "a folder");
    }
    aside = await setAside(path);
  }
  Deno.mkdirSync(path, { recursive: true }); // Local: no hop to a worker thread.
  return aside;
}

/**
 * Renames what is at `path` to a free name beside it (`<path>.set-aside-N`)
 * and returns that name; renaming never follows a link or opens a FIFO.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { setAside } from "./control_entry.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/index`);
 * assert.equal(await setAside(`${dir}/index`), `${dir}/index.set-aside-1`);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function setAside(path: string): Promise<string> {
  for (let n = 1;; n++) {
    const to = `${path}.set-aside-${n}`;
    try {
      await Deno.lstat(to);
      continue;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.rename(path, to);
    return to;
  }
}

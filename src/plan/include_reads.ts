/**
 * The file-system reads an `include:` expansion makes (`include.ts`), as a
 * record that can be replayed: when every read gives the same answer again,
 * the expansion would name the same files, since it decides only from
 * these answers and the globs. The plan cache (`cache.ts`) checks a cached
 * plan's includes this way instead of expanding them again, which would
 * load the glob matcher (an npm package in CommonJS: Deno's Node
 * compatibility layer, ~20 ms of the command).
 * @module
 */

/** Reads replayed at once, at most (each holds a file descriptor). */
export const AT_ONCE = 32;

/** A directory entry's kind: file, directory, symbolic link, other. */
type Kind = "f" | "d" | "l" | "o";

/** One read and its answer (`null`: the path names nothing, or no folder). */
export type IncludeRead =
  | { op: "realPath"; path: string; answer: string | null }
  | { op: "readDir"; path: string; answer: [string, Kind][] | null }
  | { op: "stat"; path: string; answer: Kind | null };

/** Where reads are recorded; `undefined` records nothing. */
export type ReadLog = IncludeRead[] | undefined;

/**
 * `Deno.realPath`, `null` when nothing is there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { realPathOf } from "./include_reads.ts";
 * assert.equal(await realPathOf("/no/such/path", undefined), null);
 * ```
 */
export async function realPathOf(
  path: string,
  log: ReadLog,
): Promise<string | null> {
  let answer: string | null;
  try {
    answer = await Deno.realPath(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    answer = null;
  }
  log?.push({ op: "realPath", path, answer });
  return answer;
}

/**
 * The entries of the folder `path` in the order the system lists them;
 * `null` for a folder that is gone, not a folder, or unreadable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { entriesOf } from "./include_reads.ts";
 * assert.equal(await entriesOf("/no/such/folder", undefined), null);
 * ```
 */
export async function entriesOf(
  path: string,
  log: ReadLog,
): Promise<Deno.DirEntry[] | null> {
  let entries: Deno.DirEntry[] | null;
  try {
    entries = await Array.fromAsync(Deno.readDir(path));
  } catch (e) {
    if (
      !(e instanceof Deno.errors.NotFound ||
        e instanceof Deno.errors.NotADirectory ||
        e instanceof Deno.errors.PermissionDenied)
    ) throw e;
    entries = null;
  }
  log?.push({
    op: "readDir",
    path,
    answer: entries?.map((e) => [e.name, kindOf(e)]) ?? null,
  });
  return entries;
}

/**
 * What `path` is, links followed (`Deno.stat`); `null` when nothing is
 * there and `missingIsNull`, else a missing path throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statKind } from "./include_reads.ts";
 * assert.equal(await statKind("/", undefined, true), "d");
 * ```
 */
export async function statKind(
  path: string,
  log: ReadLog,
  missingIsNull: boolean,
): Promise<Kind | null> {
  let answer: Kind | null;
  try {
    answer = kindOf(await Deno.stat(path));
  } catch (e) {
    if (!missingIsNull || !(e instanceof Deno.errors.NotFound)) throw e;
    answer = null;
  }
  log?.push({ op: "stat", path, answer });
  return answer;
}

function kindOf(
  e: { isFile: boolean; isDirectory: boolean; isSymlink: boolean },
): Kind {
  return e.isSymlink ? "l" : e.isFile ? "f" : e.isDirectory ? "d" : "o";
}

/**
 * Whether every read of `log` gives the same answer now (any error: no).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type IncludeRead, realPathOf, sameReads } from "./include_reads.ts";
 * const log: IncludeRead[] = [];
 * await realPathOf("/", log);
 * assert.equal(await sameReads(log), true);
 * assert.equal(await sameReads([{ op: "realPath", path: "/", answer: "/elsewhere" }]), false);
 * ```
 */
export async function sameReads(log: readonly IncludeRead[]): Promise<boolean> {
  // Many at once (each read is independent of the others' answers), a
  // bounded number: each holds a file descriptor.
  const same = async (read: IncludeRead) => {
    const again: IncludeRead[] = [];
    if (read.op === "realPath") await realPathOf(read.path, again);
    else if (read.op === "readDir") await entriesOf(read.path, again);
    else await statKind(read.path, again, true);
    return JSON.stringify(again[0]!.answer) === JSON.stringify(read.answer);
  };
  try {
    for (let i = 0; i < log.length; i += AT_ONCE) {
      const part = await Promise.all(log.slice(i, i + AT_ONCE).map(same));
      if (!part.every((x) => x)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

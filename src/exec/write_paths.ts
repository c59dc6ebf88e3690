/**
 * A confined task's `write` paths, resolved right before each spawn: a
 * sandbox binds a path by following whatever it names at that moment, so
 * a symbolic link a task planted in a writable folder (`out/cache ->
 * /elsewhere`) would make its target writable at the next command. Each
 * path is walked one component at a time; a link inside the project or
 * inside another write path is refused, and a path in the project must
 * stay in it. Missing paths are created first (bubblewrap cannot bind what
 * does not exist): a path the plan wrote with a trailing `/` as a folder,
 * any other path's parent folders.
 * @module
 */

import { dirname, relative } from "../fs/path.ts";

/** The real paths to make writable, or why the command may not start. */
export type WritePaths = { paths: string[] } | { refused: string };

/**
 * Resolves `write` (absolute paths as the policy holds them) against the
 * project `root`. `folders` are those written with a trailing `/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { prepareWritePaths } from "./write_paths.ts";
 * const root = Deno.makeTempDirSync();
 * const made = prepareWritePaths([`${root}/out`], [`${root}/out`], root);
 * assert.deepEqual(made, { paths: [`${Deno.realPathSync(root)}/out`] });
 * Deno.removeSync(root, { recursive: true });
 * ```
 */
export function prepareWritePaths(
  write: readonly string[],
  folders: readonly string[],
  root: string,
): WritePaths {
  const realRoot = Deno.realPathSync(root);
  const areas = [root, ...write];
  const paths: string[] = [];
  for (const path of write) {
    const shown = isWithin(path, root) && path !== root
      ? relative(root, path)
      : path;
    const walked = walk(path, areas);
    if ("refused" in walked) {
      return { refused: `write path ${shown} ${walked.refused}` };
    }
    let { real, missing } = walked;
    if (isWithin(path, root) && !isWithin(real, realRoot)) {
      return {
        refused:
          `write path ${shown} resolves to ${real}, outside the project: refused`,
      };
    }
    if (missing.length > 0) {
      const folder = folders.includes(path);
      const create = folder ? missing : missing.slice(0, -1);
      if (create.length > 0) {
        const made = `${real}/${create.join("/")}`;
        try {
          Deno.mkdirSync(made, { recursive: true });
        } catch (e) {
          return {
            refused: `write path ${shown}: cannot create ${made}: ${
              (e as Error).message
            }`,
          };
        }
        real = made;
      }
      // A file that does not exist yet stays unbound: its folder is not the task's.
      if (!folder) continue;
    }
    paths.push(real);
  }
  return { paths };
}

/**
 * Follows `path` from `/`: its real prefix, the components below it that
 * do not exist, or why a link on the way is refused.
 */
function walk(
  path: string,
  areas: readonly string[],
): { real: string; missing: string[] } | { refused: string } {
  const parts = path.split("/").filter((p) => p !== "" && p !== ".");
  let real = "/", lexical = "";
  for (let i = 0; i < parts.length; i++) {
    lexical = `${lexical}/${parts[i]}`;
    const next = real === "/" ? `/${parts[i]}` : `${real}/${parts[i]}`;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(next);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        return { real, missing: parts.slice(i) };
      }
      throw e;
    }
    if (info.isSymlink) {
      const parent = dirname(lexical);
      // A link where a task may have planted it: never followed.
      if (areas.some((a) => isWithin(parent, a) || isWithin(real, a))) {
        let target = "?";
        try {
          target = Deno.readLinkSync(next);
        } catch { /* gone meanwhile: the refusal stands */ }
        const at = lexical === path
          ? "is"
          : `passes through ${lexical}, which is`;
        return {
          refused: `${at} a symbolic link (to ${target}): refused`,
        };
      }
      try {
        real = Deno.realPathSync(next);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          return { refused: `passes through a dangling link ${lexical}` };
        }
        throw e;
      }
      continue;
    }
    real = next;
  }
  return { real, missing: [] };
}

function isWithin(path: string, folder: string): boolean {
  return path === folder ||
    path.startsWith(folder.endsWith("/") ? folder : `${folder}/`);
}

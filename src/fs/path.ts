/**
 * The path functions orchestrate uses, with `node:path`'s results. On
 * Linux and macOS they are a port of Node's POSIX implementation; on
 * Windows, `node:path` itself. Importing `node:path` starts Deno's Node
 * compatibility layer (its win32 half loads Node's assert, errors and
 * util), about 10 ms of every command's start-up; a test checks the port
 * agrees with `node:path` on random paths. Modules on the start-up path
 * import paths from here, not from `node:path`.
 * @module
 */

/** The functions of this module, as `node:path` types them. */
interface PathApi {
  join(...paths: string[]): string;
  resolve(...paths: string[]): string;
  relative(from: string, to: string): string;
  dirname(path: string): string;
  basename(path: string, suffix?: string): string;
  normalize(path: string): string;
  isAbsolute(path: string): boolean;
  sep: string;
}

const SLASH = 47; // "/"
const DOT = 46; // "."

// Node's normalizeString for POSIX: resolves "." and ".." segments.
function normalizeString(path: string, allowAboveRoot: boolean): string {
  let res = "";
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= path.length; ++i) {
    if (i < path.length) code = path.charCodeAt(i);
    else if (code === SLASH) break;
    else code = SLASH;
    if (code === SLASH) {
      if (lastSlash === i - 1 || dots === 1) {
        // Empty or "." segment.
      } else if (dots === 2) {
        if (
          res.length < 2 || lastSegmentLength !== 2 ||
          res.charCodeAt(res.length - 1) !== DOT ||
          res.charCodeAt(res.length - 2) !== DOT
        ) {
          if (res.length > 2) {
            const lastSlashIndex = res.lastIndexOf("/");
            if (lastSlashIndex === -1) {
              res = "";
              lastSegmentLength = 0;
            } else {
              res = res.slice(0, lastSlashIndex);
              lastSegmentLength = res.length - 1 - res.lastIndexOf("/");
            }
            lastSlash = i;
            dots = 0;
            continue;
          } else if (res.length !== 0) {
            res = "";
            lastSegmentLength = 0;
            lastSlash = i;
            dots = 0;
            continue;
          }
        }
        if (allowAboveRoot) {
          res += res.length > 0 ? "/.." : "..";
          lastSegmentLength = 2;
        }
      } else {
        if (res.length > 0) res += `/${path.slice(lastSlash + 1, i)}`;
        else res = path.slice(lastSlash + 1, i);
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) {
      ++dots;
    } else {
      dots = -1;
    }
  }
  return res;
}

/** Node's POSIX path functions (lib/path.js), for the subset used here. */
export const posixPort: PathApi = {
  sep: "/",

  resolve(...paths: string[]): string {
    let resolved = "";
    let absolute = false;
    for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
      const path = i >= 0 ? paths[i]! : Deno.cwd();
      if (path.length === 0) continue;
      resolved = `${path}/${resolved}`;
      absolute = path.charCodeAt(0) === SLASH;
    }
    resolved = normalizeString(resolved, !absolute);
    if (absolute) return `/${resolved}`;
    return resolved.length > 0 ? resolved : ".";
  },

  normalize(path: string): string {
    if (path.length === 0) return ".";
    const absolute = path.charCodeAt(0) === SLASH;
    const trailing = path.charCodeAt(path.length - 1) === SLASH;
    path = normalizeString(path, !absolute);
    if (path.length === 0) {
      if (absolute) return "/";
      return trailing ? "./" : ".";
    }
    if (trailing) path += "/";
    return absolute ? `/${path}` : path;
  },

  isAbsolute(path: string): boolean {
    return path.length > 0 && path.charCodeAt(0) === SLASH;
  },

  join(...paths: string[]): string {
    let joined: string | undefined;
    for (const path of paths) {
      if (path.length > 0) {
        joined = joined === undefined ? path : `${joined}/${path}`;
      }
    }
    return joined === undefined ? "." : posixPort.normalize(joined);
  },

  relative(from: string, to: string): string {
    if (from === to) return "";
    from = posixPort.resolve(from);
    to = posixPort.resolve(to);
    if (from === to) return "";
    const fromStart = 1;
    const fromEnd = from.length;
    const fromLen = fromEnd - fromStart;
    const toStart = 1;
    const toLen = to.length - toStart;
    const length = fromLen < toLen ? fromLen : toLen;
    let lastCommonSep = -1;
    let i = 0;
    for (; i < length; i++) {
      const fromCode = from.charCodeAt(fromStart + i);
      if (fromCode !== to.charCodeAt(toStart + i)) break;
      else if (fromCode === SLASH) lastCommonSep = i;
    }
    if (i === length) {
      if (toLen > length) {
        if (to.charCodeAt(toStart + i) === SLASH) {
          return to.slice(toStart + i + 1); // from is a parent of to
        }
        if (i === 0) return to.slice(toStart + i); // from is the root
      } else if (fromLen > length) {
        if (from.charCodeAt(fromStart + i) === SLASH) {
          lastCommonSep = i; // to is a parent of from
        } else if (i === 0) {
          lastCommonSep = 0; // to is the root
        }
      }
    }
    let out = "";
    for (i = fromStart + lastCommonSep + 1; i <= fromEnd; ++i) {
      if (i === fromEnd || from.charCodeAt(i) === SLASH) {
        out += out.length === 0 ? ".." : "/..";
      }
    }
    return `${out}${to.slice(toStart + lastCommonSep)}`;
  },

  dirname(path: string): string {
    if (path.length === 0) return ".";
    const hasRoot = path.charCodeAt(0) === SLASH;
    let end = -1;
    let matchedSlash = true;
    for (let i = path.length - 1; i >= 1; --i) {
      if (path.charCodeAt(i) === SLASH) {
        if (!matchedSlash) {
          end = i;
          break;
        }
      } else {
        matchedSlash = false;
      }
    }
    if (end === -1) return hasRoot ? "/" : ".";
    if (hasRoot && end === 1) return "//";
    return path.slice(0, end);
  },

  basename(path: string, suffix?: string): string {
    let start = 0;
    let end = -1;
    let matchedSlash = true;
    if (
      suffix !== undefined && suffix.length > 0 && suffix.length <= path.length
    ) {
      if (suffix === path) return "";
      let extIdx = suffix.length - 1;
      let firstNonSlashEnd = -1;
      for (let i = path.length - 1; i >= 0; --i) {
        const code = path.charCodeAt(i);
        if (code === SLASH) {
          if (!matchedSlash) {
            start = i + 1;
            break;
          }
        } else {
          if (firstNonSlashEnd === -1) {
            matchedSlash = false;
            firstNonSlashEnd = i + 1;
          }
          if (extIdx >= 0) {
            if (code === suffix.charCodeAt(extIdx)) {
              if (--extIdx === -1) end = i;
            } else {
              extIdx = -1;
              end = firstNonSlashEnd;
            }
          }
        }
      }
      if (start === end) end = firstNonSlashEnd;
      else if (end === -1) end = path.length;
      return path.slice(start, end);
    }
    for (let i = path.length - 1; i >= 0; --i) {
      if (path.charCodeAt(i) === SLASH) {
        if (!matchedSlash) {
          start = i + 1;
          break;
        }
      } else if (end === -1) {
        matchedSlash = false;
        end = i + 1;
      }
    }
    if (end === -1) return "";
    return path.slice(start, end);
  },
};

const node = Deno.build.os === "windows" ? await import("node:path") : null;
const api: PathApi = node ?? posixPort;

/** POSIX paths on every system (`node:path`'s `posix`). */
export const posix: PathApi = node?.posix ?? posixPort;

/**
 * Joins path segments and normalizes the result, as `node:path`'s `join`.
 *
 * @example
 * ```ts
 * import { join } from "./path.ts";
 * join("a", "b/../c"); // "a/c" (on Windows: "a\\c")
 * ```
 */
export const join: PathApi["join"] = api.join;
/** `node:path`'s `resolve` (an absolute result; relative to `Deno.cwd()`). */
export const resolve: PathApi["resolve"] = api.resolve;
/** `node:path`'s `relative`. */
export const relative: PathApi["relative"] = api.relative;
/** `node:path`'s `dirname`. */
export const dirname: PathApi["dirname"] = api.dirname;
/** `node:path`'s `basename` (without `suffix` when it ends the name). */
export const basename: PathApi["basename"] = api.basename;
/** `node:path`'s `isAbsolute`. */
export const isAbsolute: PathApi["isAbsolute"] = api.isAbsolute;
/** `node:path`'s `sep`: `/`, or `\` on Windows. */
export const sep: string = api.sep;

/**
 * Files named by paths and globs, relative to the project root. Symlinks
 * are followed only while they stay inside the root; one that leads out is
 * reported, never read.
 * @module
 */

import { join, posix, sep } from "../fs/path.ts";
import type { Task } from "../plan/ir.ts";
import { STATE_DIR } from "../fs/state_dir.ts";

/**
 * Folders seen to be real folders (not links) since {@link trustFolders},
 * until {@link distrustFolders}: while no task of the run has started,
 * nothing of the run can have made one a link, so the fingerprints and
 * output checks of a no-op re-run lstat each folder on the way once, not
 * once per file below it. Null: every component is looked at each time.
 */
let folders: Set<string> | null = null;

/**
 * From now until {@link distrustFolders}, a folder found by the link-free
 * resolve is remembered as such: the run calls it before its first
 * fingerprint, when nothing it runs has started.
 *
 * @example
 * ```ts ignore
 * trustFolders(); // a run starts: no task has run yet
 * await matchFiles(root, ["in/a"]); // lstats in, in/a
 * await matchFiles(root, ["in/b"]); // lstats in/b only
 * distrustFolders(); // a task starts: anything may change from now on
 * ```
 */
export function trustFolders(): void {
  folders = new Set();
  listings = new Map();
}

/** Forgets the folders seen and remembers no more (a task starts: it may change any). */
export function distrustFolders(): void {
  folders = null;
  listings = null;
}

/**
 * Output lookups in one trusted folder, and its listing once taken: a
 * no-op re-run checks ~1,000 outputs in one folder with one listing
 * instead of ~1,000 lstats (each a FileInfo with four dates to make).
 */
interface Listing {
  lookups: number;
  /** Its size by its lstat, once asked (at the first lookup it may be listed). */
  size: number | null;
  /** Its entries by name; null: not listed (yet); false: not to be listed. */
  entries: Map<string, Deno.DirEntry> | null | false;
}

/** The listings of trusted folders, by absolute path (null: not trusted). */
let listings: Map<string, Listing> | null = null;

/** A folder is listed at its this-many-th output lookup, not before. */
const LIST_AFTER = 16;

/**
 * Nor before its size (as its lstat says: on the usual file systems, a few
 * dozen bytes an entry or less) is at most this much per lookup so far: a
 * big folder with few outputs in it keeps its lstats.
 */
const LIST_BYTES_PER_LOOKUP = 1024;

/**
 * Whether the output at `rel` (already normal, no glob) is a regular file
 * or missing, from its trusted folder's listing; null when the listing
 * cannot tell (not trusted, not listed, a folder, link or other kind
 * there): the caller resolves it as usual. The folder is one the link-free
 * resolve saw to be a real folder since {@link trustFolders}.
 */
function listedOutput(root: string, rel: string): "file" | "missing" | null {
  if (listings === null || folders === null || sep !== "/") return null;
  if (!ALREADY_NORMAL.test(rel)) return null;
  const cut = rel.lastIndexOf("/");
  if (cut === -1) return null; // In the root itself: its lstat is enough.
  const folder = underRoot(root) + rel.slice(0, cut);
  if (!folders.has(folder)) return null;
  let listing = listings.get(folder);
  if (listing === undefined) {
    listing = { lookups: 0, size: null, entries: null };
    listings.set(folder, listing);
  }
  listing.lookups++;
  if (listing.entries === null && listing.lookups >= LIST_AFTER) {
    listing.size ??= folderSize(folder);
    if (listing.size === null) listing.entries = false;
    else if (listing.size <= listing.lookups * LIST_BYTES_PER_LOOKUP) {
      listing.entries = listFolder(folder);
    }
  }
  if (!listing.entries) return null;
  const entry = listing.entries.get(rel.slice(cut + 1));
  // Not listed under this exact name: lstat it (a file system that folds
  // case or Unicode forms finds it under another spelling).
  if (entry === undefined) return null;
  return entry.isFile ? "file" : null;
}

/** The size of `folder` by its lstat; null when it is no longer a folder. */
function folderSize(folder: string): number | null {
  try {
    const info = Deno.lstatSync(folder);
    return info.isDirectory ? info.size : null;
  } catch {
    return null; // Gone or unreadable: each lookup says why.
  }
}

/** The entries of `folder` by name, or false when it cannot be listed. */
function listFolder(folder: string): Map<string, Deno.DirEntry> | false {
  try {
    const entries = new Map<string, Deno.DirEntry>();
    for (const entry of Deno.readDirSync(folder)) {
      entries.set(entry.name, entry);
    }
    return entries;
  } catch {
    return false; // Gone or unreadable: each lookup says why.
  }
}

/** Folders never searched: version control and our own state. */
const SKIP_DIRS = new Set([".git", STATE_DIR, "node_modules"]);

/** What a list of paths and globs names under a root. */
export interface FileMatch {
  /** Regular files inside the root (through in-root symlinks too), relative, sorted. */
  files: string[];
  /** Paths that lead outside the root through a symlink (not followed). */
  outside: string[];
  /** Paths named explicitly that are neither regular files nor folders (FIFOs, sockets, devices). */
  special: string[];
  /** Folders that could not be listed, with the reason. */
  unreadable: { path: string; reason: string }[];
  /** The stat of files named outright (not found by a walk), by relative path. */
  stats: Map<string, Deno.FileInfo>;
}

/**
 * Files under `root` matching any of `patterns` (paths, folders or globs).
 * A folder stands for every file below it. `.git`, `.codex` and
 * `node_modules` are not searched.
 *
 * @example
 * ```ts ignore
 * const m = await matchFiles("/repo", ["src/**\/*.ts", "README.md"]);
 * m.files; // ["README.md", "src/a.ts"]
 * m.outside; // ["src/passwd.ts"] when src/passwd.ts links to /etc/passwd
 * ```
 */
export async function matchFiles(
  root: string,
  patterns: readonly string[],
): Promise<FileMatch> {
  const walker = new Walker(root, await realRoot(root));
  for (const raw of patterns) {
    const pattern = normalizePattern(raw);
    if (!isGlob(pattern)) {
      const found = walker.resolve(pattern);
      if (found.kind === "outside") walker.outside.add(pattern);
      else if (found.kind === "unreadable") {
        walker.unreadable.push({ path: pattern, reason: found.reason });
      } else if (found.kind === "file") {
        walker.files.add(pattern);
        walker.stats.set(pattern, found.info);
      } else if (found.kind === "dir") {
        await walker.walk(pattern, found.real, ALL, [found.real]);
      } else if (found.kind === "special") walker.special.add(pattern);
      continue;
    }
    const { default: picomatch } = await import("picomatch");
    const base = picomatch.scan(pattern).base;
    const found = walker.resolve(base);
    if (found.kind === "outside") walker.outside.add(base);
    if (found.kind === "unreadable") {
      walker.unreadable.push({ path: base || ".", reason: found.reason });
    }
    if (found.kind !== "dir") continue;
    const isMatch = picomatch(pattern, { dot: true });
    // Segment by segment, unless a brace or paren group spans a slash.
    const segments = /[{(][^})]*\//.test(pattern)
      ? null
      : pattern.split("/").map((seg) =>
        seg === "**" ? "**" : picomatch(seg, { dot: true })
      );
    const mayContain = (dir: string) => {
      if (segments === null) return true;
      const parts = dir.split("/");
      for (const [i, part] of parts.entries()) {
        const seg = segments[i];
        if (seg === undefined) return false;
        if (seg === "**") return true;
        if (!seg(part)) return false;
      }
      return segments.length > parts.length;
    };
    await walker.walk(base, found.real, { isMatch, mayContain }, [found.real]);
  }
  return {
    files: [...walker.files].sort(),
    outside: [...walker.outside].sort(),
    special: [...walker.special].sort(),
    unreadable: walker.unreadable,
    stats: walker.stats,
  };
}

/** Real paths of roots, once per process: every fingerprint asks for it. */
const realRoots = new Map<string, string>();

/** The real path of a root (kept; a failure is not). */
async function realRoot(root: string): Promise<string> {
  const real = realRoots.get(root) ?? await Deno.realPath(root);
  realRoots.set(root, real);
  return real;
}

/**
 * Whether every declared output of `task` (path, folder or glob) names at
 * least one file inside `root`; a task whose outputs are missing is not up
 * to date. True when the task declares no outputs.
 *
 * @example
 * ```ts ignore
 * await outputsPresent("/repo", task); // false when dist/*.js matches nothing
 * ```
 */
export async function outputsPresent(
  root: string,
  task: Pick<Task, "outputs">,
): Promise<boolean> {
  for (const output of task.outputs) {
    const pattern = normalizePattern(output);
    if (!isGlob(pattern)) {
      // A path: a file there is enough, without gathering a whole match.
      const listed = listedOutput(root, pattern);
      if (listed === "file") continue;
      if (listed === "missing") return false;
      const found = await resolveInside(root, pattern);
      if (found.kind === "file") continue;
      if (found.kind !== "dir") return false;
    }
    if ((await matchFiles(root, [output])).files.length === 0) return false;
  }
  return true;
}

/**
 * `root` joined and ended with a separator: `underRoot(root) + rel` is
 * `join(root, rel)` for a `rel` that is already normal (see
 * {@link ALREADY_NORMAL}) with the platform's separators.
 *
 * @example
 * ```ts ignore
 * underRoot("/repo/"); // "/repo/"
 * underRoot("/"); // "/"
 * ```
 */
export function underRoot(root: string): string {
  let under = underRoots.get(root);
  if (under === undefined) {
    under = join(root, "x").slice(0, -1);
    underRoots.set(root, under);
  }
  return under;
}
const underRoots = new Map<string, string>();

/**
 * `join(root, rel)`, by concatenation when `rel` is already normal (as
 * every path {@link matchFiles} gives is).
 *
 * @example
 * ```ts ignore
 * joinUnder("/repo", "in/a.txt"); // "/repo/in/a.txt"
 * joinUnder("/repo", "in/../a.txt"); // "/repo/a.txt"
 * ```
 */
export function joinUnder(root: string, rel: string): string {
  if (rel === "" || !ALREADY_NORMAL.test(rel)) return join(root, rel);
  return underRoot(root) + (sep === "/" ? rel : rel.replaceAll("/", sep));
}

/** No leading or trailing slash, no `//`, no `.` or `..` segment, not empty. */
const ALREADY_NORMAL = /^(?!\/)(?!.*\/\/)(?!(?:.*\/)?\.\.?(?:\/|$)).*[^/]$/;

/** `./a/b/` → `a/b`; `.` → `` (the root). */
function normalizePattern(raw: string): string {
  // Already normal (the usual `in/a.txt`): spare normalize, a cost on every fingerprint.
  if (ALREADY_NORMAL.test(raw)) return raw;
  const path = posix.normalize(raw).replace(/\/+$/, "");
  return path === "." ? "" : path;
}

/** Whether a path has glob syntax. */
export function isGlob(path: string): boolean {
  // picomatch (loaded only when a glob is used: it costs ~45 ms of start-up) agrees on these.
  return /[*?[\]{}()!]/.test(path);
}

/** Where a relative path leads, following symlinks. */
export type Resolved =
  | { kind: "missing" }
  | { kind: "outside" }
  | { kind: "unreadable"; reason: string }
  | { kind: "file" | "dir" | "special"; real: string; info: Deno.FileInfo };

/**
 * Where `path` (relative to `root`) leads: missing (or a dangling link),
 * outside the root through a symlink, unreadable (a folder on the way
 * cannot be searched), or a file, folder or other entry inside it.
 *
 * @example
 * ```ts ignore
 * await resolveInside("/repo", "README.md"); // { kind: "file", real: "/repo/README.md" }
 * ```
 */
export async function resolveInside(
  root: string,
  path: string,
): Promise<Resolved> {
  return new Walker(root, await realRoot(root)).resolve(path);
}

interface Matcher {
  isMatch(rel: string): boolean;
  /** Whether files below folder `rel` could match (whether to enter it, or report a link out). */
  mayContain(rel: string): boolean;
}

const ALL: Matcher = { isMatch: () => true, mayContain: () => true };

class Walker {
  files = new Set<string>();
  outside = new Set<string>();
  special = new Set<string>();
  stats = new Map<string, Deno.FileInfo>();
  unreadable: { path: string; reason: string }[] = [];
  under: string | undefined;
  constructor(readonly root: string, readonly realRoot: string) {}

  inside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.realRoot + sep) ||
      this.realRoot === sep;
  }

  /** Synchronous: a no-op re-run resolves every input without a turn of the event loop. */
  resolve(rel: string): Resolved {
    const direct = this.resolveWithoutLinks(rel);
    if (direct !== null) return direct;
    let real: string, info: Deno.FileInfo;
    try {
      // Synchronous: two quick calls on a local disk, where each async one
      // costs a hop to a worker thread (most of a no-op re-run's time).
      real = Deno.realPathSync(join(this.root, rel));
      if (!this.inside(real)) return { kind: "outside" };
      info = Deno.statSync(real);
    } catch (e) {
      if (isDangling(e)) return { kind: "missing" };
      return { kind: "unreadable", reason: errorReason(e) };
    }
    const kind = info.isFile ? "file" : info.isDirectory ? "dir" : "special";
    return { kind, real, info };
  }

  /**
   * The usual case, cheaply: when no component of `rel` below the root is
   * a symlink (an lstat each), it leads where it says, inside the root; no
   * realpath (which lstats every component from `/`) and no second stat.
   * Null when a link is on the way or the answer needs the full walk.
   */
  resolveWithoutLinks(rel: string): Resolved | null {
    if (rel === "" || !ALREADY_NORMAL.test(rel)) return null;
    // `rel` is already normal: joined by concatenation, not normalize (a
    // cost on every input and output of every task).
    const under = this.under ??= underRoot(this.root);
    const local = sep === "/" ? rel : rel.replaceAll("/", sep);
    let info: Deno.FileInfo | null = null;
    try {
      for (let at = local.indexOf(sep);; at = local.indexOf(sep, at + 1)) {
        const path = under + (at === -1 ? local : local.slice(0, at));
        if (at !== -1 && folders?.has(path)) continue;
        info = Deno.lstatSync(path);
        if (info.isSymlink) return null;
        if (at === -1) break;
        if (info.isDirectory) folders?.add(path);
      }
    } catch (e) {
      return e instanceof Deno.errors.NotFound ? { kind: "missing" } : null;
    }
    const kind = info!.isFile ? "file" : info!.isDirectory ? "dir" : "special";
    return { kind, real: underRoot(this.realRoot) + local, info: info! };
  }

  /** Walks folder `dir` (relative; `real` is where it leads), keeping `ancestors` to stop link loops. */
  async walk(
    dir: string,
    real: string,
    matcher: Matcher,
    ancestors: string[],
  ): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(real));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return;
      this.unreadable.push({ path: dir || ".", reason: errorReason(e) });
      return;
    }
    for (const entry of entries) {
      const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (SKIP_DIRS.has(entry.name) || !matcher.mayContain(rel)) continue;
        const sub = join(real, entry.name);
        await this.walk(rel, sub, matcher, [...ancestors, sub]);
      } else if (entry.isFile) {
        if (matcher.isMatch(rel)) this.files.add(rel);
      } else if (entry.isSymlink) {
        await this.followLink(rel, entry.name, matcher, ancestors);
      }
    }
  }

  async followLink(
    rel: string,
    name: string,
    matcher: Matcher,
    ancestors: string[],
  ): Promise<void> {
    const found = this.resolve(rel);
    if (found.kind === "missing") return;
    if (found.kind === "unreadable") {
      if (matcher.isMatch(rel)) {
        this.unreadable.push({ path: rel, reason: found.reason });
      }
    } else if (found.kind === "outside") {
      let isDir: boolean;
      try {
        isDir = (await Deno.stat(join(this.root, rel))).isDirectory;
      } catch (e) {
        if (isDangling(e)) return;
        isDir = false; // Cannot tell: it leads out either way.
      }
      if (isDir ? matcher.mayContain(rel) : matcher.isMatch(rel)) {
        this.outside.add(rel);
      }
    } else if (found.kind === "file") {
      if (matcher.isMatch(rel)) this.files.add(rel);
    } else if (found.kind === "dir") {
      if (SKIP_DIRS.has(name) || ancestors.includes(found.real)) return;
      if (!matcher.mayContain(rel)) return;
      await this.walk(rel, found.real, matcher, [...ancestors, found.real]);
    }
  }
}

function isDangling(e: unknown): boolean {
  return e instanceof Deno.errors.NotFound ||
    e instanceof Deno.errors.FilesystemLoop ||
    e instanceof Deno.errors.NotADirectory;
}

/**
 * A short reason for a file system error ("permission denied"), without
 * the absolute path Deno puts in its messages.
 *
 * @example
 * ```ts
 * import { errorReason } from "./files.ts";
 * errorReason(new Deno.errors.PermissionDenied("Permission denied (os error 13): open '/x'")); // "permission denied"
 * ```
 */
export function errorReason(e: unknown): string {
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.NotCapable) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "is a directory";
  if (e instanceof Deno.errors.NotFound) return "no longer exists";
  if (e instanceof Error) {
    return e.message.replace(/\s*\(os error \d+\).*$/, "");
  }
  return String(e);
}

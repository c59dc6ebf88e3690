/**
 * Reads a git patch (the bytes orchestrate captured, hashed and applies)
 * file by file: old and new path, modes, rename or copy, binary, symlink
 * target, lines added and removed. The gate and the path checks judge a
 * patch by this reading of its own bytes, so what is judged is what git
 * applies.
 * @module
 */

/** One file's change in a patch. */
export interface PatchEntry {
  status: "add" | "delete" | "modify" | "rename" | "copy";
  /** Null for a new file. */
  oldPath: string | null;
  /** Null for a deleted file. */
  newPath: string | null;
  oldMode: string | null;
  newMode: string | null;
  binary: boolean;
  /** The link's target, when the new file is a symlink (mode 120000). */
  symlink: string | null;
  added: number;
  removed: number;
}

/** A patch this reader cannot follow: refused rather than guessed at. */
export class PatchFormatError extends Error {
  override name = "PatchFormatError";
}

const SYMLINK = "120000";

/**
 * The files of a git patch.
 *
 * @throws {PatchFormatError} when the text is not a git patch as `git diff` writes one.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describePatch } from "./patch_text.ts";
 * const patch = [
 *   "diff --git a/secret.cfg b/renamed.cfg",
 *   "similarity index 100%",
 *   "rename from secret.cfg",
 *   "rename to renamed.cfg",
 *   "diff --git a/l b/l",
 *   "new file mode 120000",
 *   "index 0000000..1111111",
 *   "--- /dev/null",
 *   "+++ b/l",
 *   "@@ -0,0 +1 @@",
 *   "+../../etc",
 *   "\\ No newline at end of file",
 *   "",
 * ].join("\n");
 * const [r, l] = describePatch(new TextEncoder().encode(patch));
 * assert.equal(r!.status, "rename");
 * assert.equal(r!.oldPath, "secret.cfg");
 * assert.equal(r!.newPath, "renamed.cfg");
 * assert.equal(l!.symlink, "../../etc");
 * assert.equal(l!.added, 1);
 * ```
 */
export function describePatch(bytes: Uint8Array): PatchEntry[] {
  const lines = new TextDecoder().decode(bytes).split("\n");
  if (lines.at(-1) === "") lines.pop();
  const entries: PatchEntry[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new PatchFormatError(`line ${i + 1} of the patch: ${why}`);
  };
  while (i < lines.length) {
    const head = lines[i]!;
    if (!head.startsWith("diff --git ")) fail("expected a diff --git line");
    const [a, b] = headerPaths(head.slice("diff --git ".length));
    i++;
    const e: PatchEntry = {
      status: "modify",
      oldPath: a,
      newPath: b,
      oldMode: null,
      newMode: null,
      binary: false,
      symlink: null,
      added: 0,
      removed: 0,
    };
    let mode: string | null = null;
    // Extended header lines.
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      const field = (name: string) =>
        line.startsWith(name) ? line.slice(name.length) : null;
      let v: string | null;
      if ((v = field("old mode ")) !== null) e.oldMode = v;
      else if ((v = field("new mode ")) !== null) e.newMode = v;
      else if ((v = field("deleted file mode ")) !== null) {
        e.status = "delete";
        e.oldMode = v;
        e.newPath = null;
      } else if ((v = field("new file mode ")) !== null) {
        e.status = "add";
        e.newMode = v;
        e.oldPath = null;
      } else if ((v = field("rename from ")) !== null) {
        e.status = "rename";
        e.oldPath = unquote(v);
      } else if ((v = field("rename to ")) !== null) e.newPath = unquote(v);
      else if ((v = field("copy from ")) !== null) {
        e.status = "copy";
        e.oldPath = unquote(v);
      } else if ((v = field("copy to ")) !== null) e.newPath = unquote(v);
      else if (
        line.startsWith("similarity index ") ||
        line.startsWith("dissimilarity index ")
      ) continue;
      else if ((v = field("index ")) !== null) {
        const m = v.split(" ")[1];
        if (m !== undefined) mode = m;
      } else break;
    }
    if (mode !== null) {
      e.oldMode ??= e.status === "add" ? null : mode;
      e.newMode ??= e.status === "delete" ? null : mode;
    }
    if (e.oldMode === null && e.status !== "add") e.oldMode = e.newMode;
    if (e.newMode === null && e.status !== "delete") e.newMode = e.oldMode;
    const line = lines[i];
    if (line === "GIT binary patch") {
      e.binary = true;
      i++;
      // Literal or delta blocks, each ended by an empty line.
      for (let blocks = 0; blocks < 2 && i < lines.length; blocks++) {
        if (!/^(literal|delta) \d+$/.test(lines[i]!)) break;
        while (i < lines.length && lines[i] !== "") i++;
        i++;
      }
    } else if (line?.startsWith("Binary files ")) {
      fail("a binary change without its content");
    } else if (line?.startsWith("--- ")) {
      const from = line.slice(4), to = lines[i + 1];
      if (to === undefined || !to.startsWith("+++ ")) fail("expected +++");
      if (from !== "/dev/null") e.oldPath = stripPrefix(from, "a/");
      if (to!.slice(4) !== "/dev/null") {
        e.newPath = stripPrefix(to!.slice(4), "b/");
      }
      i += 2;
      const isLink = e.newMode === SYMLINK;
      while (i < lines.length && lines[i]!.startsWith("@@ ")) {
        const m = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(lines[i]!);
        if (m === null) fail("a hunk header git did not write");
        let old = Number(m![1] ?? 1), now = Number(m![2] ?? 1);
        i++;
        while ((old > 0 || now > 0) && i < lines.length) {
          const l = lines[i]!;
          if (l.startsWith("+")) {
            now--;
            e.added++;
            if (isLink && e.symlink === null) e.symlink = l.slice(1);
          } else if (l.startsWith("-")) {
            old--;
            e.removed++;
          } else if (l.startsWith(" ") || l === "") {
            old--;
            now--;
          } else if (!l.startsWith("\\")) {
            fail("a hunk shorter than its header");
          }
          i++;
        }
        if (old !== 0 || now !== 0) fail("a hunk shorter than its header");
        if (lines[i]?.startsWith("\\")) i++;
      }
    }
    if (e.newMode !== SYMLINK) e.symlink = null;
    if (e.status === "modify" && e.oldPath !== e.newPath) {
      fail("paths differ without a rename");
    }
    entries.push(e);
  }
  return entries;
}

/** The two paths of a `diff --git` line (the same path twice unless quoted or renamed). */
function headerPaths(rest: string): [string, string] {
  if (rest.startsWith('"')) {
    const end = quotedEnd(rest);
    const a = stripPrefix(rest.slice(0, end), "a/");
    return [a, stripPrefix(rest.slice(end + 1), "b/")];
  }
  if (rest.endsWith('"')) {
    const start = rest.lastIndexOf(' "');
    return [
      stripPrefix(rest.slice(0, start), "a/"),
      stripPrefix(rest.slice(start + 1), "b/"),
    ];
  }
  // Unquoted: `a/X b/X`, the same path twice (a rename names its paths again below).
  const half = (rest.length - 1) / 2;
  if (
    Number.isInteger(half) && rest.startsWith("a/") &&
    rest.slice(half).startsWith(" b/") &&
    rest.slice(2, half) === rest.slice(half + 3)
  ) return [rest.slice(2, half), rest.slice(half + 3)];
  const at = rest.indexOf(" b/");
  if (rest.startsWith("a/") && at > 0) {
    return [rest.slice(2, at), rest.slice(at + 3)];
  }
  throw new PatchFormatError(`a diff --git line git did not write: ${rest}`);
}

function quotedEnd(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i + 1;
  }
  throw new PatchFormatError(`an unterminated quoted path: ${s}`);
}

/** A path as git wrote it: maybe quoted, with a prefix, maybe a trailing tab. */
function stripPrefix(path: string, prefix: string): string {
  const plain = unquote(path.replace(/\t$/, ""));
  if (!plain.startsWith(prefix)) {
    throw new PatchFormatError(
      `a path without its "${prefix}" prefix: ${path}`,
    );
  }
  return plain.slice(prefix.length);
}

const ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  "\\": 92,
};

/** A C-quoted path as git writes one (`"a\\tb"`), unquoted; others as they are. */
function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  if (!path.endsWith('"') || path.length < 2) {
    throw new PatchFormatError(`an unterminated quoted path: ${path}`);
  }
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 1; i < path.length - 1; i++) {
    const c = path[i]!;
    if (c !== "\\") {
      bytes.push(...encoder.encode(c));
      continue;
    }
    const next = path[++i]!;
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(path.slice(i, i + 3), 8));
      i += 2;
    } else if (next in ESCAPES) bytes.push(ESCAPES[next]!);
    else throw new PatchFormatError(`an unknown escape in ${path}`);
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

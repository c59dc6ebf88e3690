/**
 * `.codex/index.json`: every file of the repository that git would not
 * ignore, with its language, size, content hash and symbols, and an
 * identifier → files lookup. Built incrementally: a file whose size and
 * modification time are unchanged is not read again, and one whose content
 * hash is unchanged is not scanned again.
 * @module
 */

import { STATE_DIR } from "../fs/state_dir.ts";
import { join } from "../fs/path.ts";
import { fastHash } from "../plan/fast_hash.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import { languageOf } from "./language.ts";
import { type IndexSymbol, scanFile } from "./symbols.ts";
import { walkFiles, type WalkNote } from "./walk.ts";

/** Bump when the scanner or the shape changes: an older index is rebuilt. */
export const INDEX_VERSION = 2;

/** Where the index is kept, from the root. */
export const INDEX_FILE = `${STATE_DIR}/index.json`;

/** Files larger than this are listed but not read (generated code, data). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** An index file past this is not read (a 100,000-file index is ~30 MB). */
const INDEX_MAX_BYTES = 256 * 1024 * 1024;

/** One file in the index. */
export interface IndexedFile {
  language: string;
  size: number;
  mtime_ms: number;
  /** Hash of the content (128-bit, hex); `null` for a file not read. */
  hash: string | null;
  symbols: IndexSymbol[];
  /**
   * Names its code uses (see `scanFile`): the reference list callers,
   * callees and tests are found by. Absent for a file without a scanner.
   */
  uses?: string[];
  /** Why it was not read: `binary` or `too large`. */
  note?: string;
}

/** The whole index, as stored. */
export interface RepoIndex {
  version: number;
  /** Per path (`/`-separated, from the root), in path order. */
  files: Record<string, IndexedFile>;
  /** Per declared identifier, the files that declare it, in path order. */
  identifiers: Record<string, string[]>;
  /** Paths left out (symbolic links not followed, ...). */
  notes: WalkNote[];
}

/** What an update did. */
export interface IndexStats {
  files: number;
  /** Files taken over unread (same size and modification time). */
  unchanged: number;
  /** Files read whose content hash had not changed. */
  same_hash: number;
  /** Files read and scanned. */
  scanned: number;
  removed: number;
}

/**
 * Reads `.codex/index.json` under `root`, or `null` when there is none or
 * it is of another version or unreadable as JSON (it is rebuilt then).
 */
export function readIndex(root: string): Promise<RepoIndex | null> {
  return Promise.resolve(readIndexSync(root));
}

// Sync, as in walk.ts: the warm path is a few large calls, nothing to overlap.
function readIndexSync(root: string): RepoIndex | null {
  const path = join(root, INDEX_FILE);
  let text: string;
  try {
    // A pipe would block the read forever, a huge file take the memory:
    // neither is an index this wrote, so it is rebuilt (and replaced).
    const info = Deno.statSync(path);
    if (!info.isFile || info.size > INDEX_MAX_BYTES) return null;
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    const index = JSON.parse(text) as RepoIndex;
    if (index?.version !== INDEX_VERSION || typeof index.files !== "object") {
      return null;
    }
    Object.setPrototypeOf(index.files, null);
    Object.setPrototypeOf(index.identifiers, null);
    return index;
  } catch (e) {
    if (e instanceof SyntaxError) return null; // torn or hand-edited: rebuilt
    throw e;
  }
}

/**
 * Brings `.codex/index.json` under `root` up to date and returns it, with
 * what was reused. The file is rewritten only when something changed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { updateIndex } from "./repo_index.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/app.py`, "class Greeter:\n    def hello(self):\n        pass\n");
 * const first = await updateIndex(dir);
 * assert.deepEqual(first.index.identifiers["hello"], ["app.py"]);
 * const again = await updateIndex(dir);
 * assert.equal(again.stats.unchanged, 1);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function updateIndex(
  root: string,
): Promise<{ index: RepoIndex; stats: IndexStats }> {
  const previous = readIndexSync(root);
  const walk = await walkFiles(root);
  const files: Record<string, IndexedFile> = Object.create(null);
  const stats: IndexStats = {
    files: walk.files.length,
    unchanged: 0,
    same_hash: 0,
    scanned: 0,
    removed: 0,
  };
  const decoder = new TextDecoder();
  for (const file of walk.files) {
    const old = previous?.files[file.path];
    if (old && old.size === file.size && old.mtime_ms === file.mtime_ms) {
      files[file.path] = old;
      stats.unchanged++;
      continue;
    }
    const language = languageOf(file.path);
    const base = { language, size: file.size, mtime_ms: file.mtime_ms };
    if (file.size > MAX_FILE_BYTES) {
      files[file.path] = {
        ...base,
        hash: null,
        symbols: [],
        note: "too large",
      };
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = Deno.readFileSync(join(root, file.path)); // sync: see walk.ts
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      continue; // deleted since the walk
    }
    if (bytes.subarray(0, 8000).includes(0)) {
      files[file.path] = { ...base, hash: null, symbols: [], note: "binary" };
      continue;
    }
    const text = decoder.decode(bytes);
    const hash = fastHash(text);
    if (old && old.hash === hash) {
      files[file.path] = { ...old, mtime_ms: file.mtime_ms };
      stats.same_hash++;
      continue;
    }
    const scanned = scanFile(language, text);
    files[file.path] = scanned.uses.length > 0
      ? { ...base, hash, symbols: scanned.symbols, uses: scanned.uses }
      : { ...base, hash, symbols: scanned.symbols };
    stats.scanned++;
  }
  if (previous) {
    for (const path of Object.keys(previous.files)) {
      if (!(path in files)) stats.removed++;
    }
  }
  const changed = previous === null || stats.unchanged !== stats.files ||
    stats.removed > 0 ||
    JSON.stringify(previous.notes) !== JSON.stringify(walk.notes);
  const index: RepoIndex = {
    version: INDEX_VERSION,
    files,
    // Unchanged files: the stored lookup is still right, no need to rebuild it.
    identifiers: changed ? identifiersOf(files) : previous.identifiers,
    notes: walk.notes,
  };
  if (changed) {
    Deno.mkdirSync(join(root, ".codex"), { recursive: true });
    writeFileAtomic(join(root, INDEX_FILE), JSON.stringify(index));
  }
  return { index, stats };
}

function identifiersOf(
  files: Record<string, IndexedFile>,
): Record<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const path of Object.keys(files)) {
    for (const symbol of files[path]!.symbols) {
      let paths = found.get(symbol.name);
      if (!paths) found.set(symbol.name, paths = new Set());
      paths.add(path);
    }
  }
  const lookup: Record<string, string[]> = Object.create(null);
  for (const name of [...found.keys()].sort()) {
    lookup[name] = [...found.get(name)!]; // paths arrive in path order
  }
  return lookup;
}

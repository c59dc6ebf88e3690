/**
 * A stat cache in front of input content hashes, as git's index is: each
 * input file's sha-256 kept with the size, mtime, ctime, inode and device
 * it had when it was hashed; the hash is read from the cache only while all
 * five are unchanged, else the file is hashed again. Kept per project in
 * `.codex/cache/input_hashes.json` (derived data: deleting it costs one
 * re-hash), written atomically at the end of a run.
 *
 * Racy entries (git's "racily clean"): a file written in the same clock tick
 * as the stat taken before it was hashed can keep all five values. So an
 * entry counts only when the file's mtime and ctime are older, by
 * {@link RACY_MS}, than the moment before that stat; a younger one is
 * hashed again (and its entry trusted once it is old enough). Deno reports
 * ctime in whole seconds, so a file whose status changed less than about a
 * second before the stat is always hashed. As git does when it writes its
 * index, the run's end hashes such files once more when they have become
 * old enough, so the next run (a no-op after an edit) finds them clean.
 *
 * The same file keeps each task's last fingerprint with the exact text it
 * hashed: a fingerprint whose text is the same string again is read, not
 * hashed (see {@link StatCache.fingerprint}).
 * @module
 */

import { join } from "../fs/path.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import { readRegularText } from "../fs/regular_file.ts";
import { controlFolder } from "../events/control_entry.ts";

/** Where the cache is kept, relative to the project root. */
export const STAT_CACHE_FILE = `${STATE_DIR}/cache/input_hashes.json`;

/**
 * How much older than the stat a file's mtime and ctime must be for its
 * entry to count: well above the file system clock's tick (a jiffy, at
 * most 10 ms on Linux) and the millisecond the times are rounded to.
 */
export const RACY_MS = 100;

/**
 * The precision of ctime as Deno reports it (whole seconds; mtime has
 * milliseconds): a file changed within the second before the stat is racy.
 */
const CTIME_GRAIN_MS = 1000;

/** At most this much is hashed again when a run ends ({@link StatCache.settle}). */
const SETTLE_MAX_BYTES = 64 * 1024 * 1024;

/** The cache file's size bound: beyond it, it is ignored (and rewritten). */
const MAX_BYTES = 64 * 1024 * 1024;
/** The longest fingerprint text kept (a task with ~3,000 inputs). */
const PRINT_TEXT_MAX = 256 * 1024;
/** What the kept fingerprint texts may take of the cache file, at most. */
const PRINTS_MAX_BYTES = 16 * 1024 * 1024;
const VERSION = 1;

/** An entry: the stat key, the hash, and when (ms) the stat was taken. */
type Entry = [key: string, hash: string, statAt: number];

/** A task's last fingerprint: the exact text hashed, and its sha-256. */
type Print = [text: string, print: string];

/**
 * The five values of a stat the hash depends on, as one string; null when
 * the file system gives no mtime or ctime (then nothing is cached).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { statKey } from "./stat_cache.ts";
 * const info = Deno.statSync(new URL(import.meta.url).pathname);
 * assert.match(statKey(info)!, /^\d+:\d+:\d+:\d+:\d+$/);
 * ```
 */
export function statKey(info: Deno.FileInfo): string | null {
  if (info.mtime === null || info.ctime === null) return null;
  return `${info.size}:${info.mtime.getTime()}:${info.ctime.getTime()}:${
    info.ino ?? 0
  }:${info.dev}`;
}

/**
 * The input hashes of one project root. {@link StatCache.hash} gives a
 * file's hash from the cache or by hashing it; {@link StatCache.save}
 * writes what changed.
 *
 * @example
 * ```ts ignore
 * const cache = await StatCache.load(root);
 * const hash = await cache.hash("in/a", info, Date.now(), fileSha256);
 * await cache.save();
 * ```
 */
export class StatCache {
  #root: string;
  #entries: Map<string, Entry>;
  /** By task id: the text its last fingerprint hashed, and the fingerprint. */
  #prints: Map<string, Print>;
  #dirty = false;
  /** Files this run asked for, hit or not (what {@link prune} keeps). */
  #used = new Set<string>();
  /** Files whose entry was racy when recorded: settled at {@link save}. */
  #racy = new Set<string>();
  /** Every file is hashed again (`--force`); the entries are renewed. */
  refresh = false;
  /** Hits and misses of this process, for the bench and tests. */
  hits = 0;
  misses = 0;

  private constructor(
    root: string,
    entries: Map<string, Entry>,
    prints: Map<string, Print>,
  ) {
    this.#root = root;
    this.#entries = entries;
    this.#prints = prints;
  }

  /** The cache of `root` as last saved; empty when absent or unreadable. */
  static async load(root: string): Promise<StatCache> {
    const entries = new Map<string, Entry>();
    const prints = new Map<string, Print>();
    try {
      const text = await readRegularText(
        join(root, STAT_CACHE_FILE),
        MAX_BYTES,
      );
      const data = JSON.parse(text) as {
        v?: unknown;
        files?: unknown;
        prints?: unknown;
      };
      if (data.v === VERSION && typeof data.files === "object" && data.files) {
        for (const [path, e] of Object.entries(data.files)) {
          if (isEntry(e)) entries.set(path, e);
        }
        // One flat list (id, text, fingerprint, ...): JSON.parse makes an
        // object of 1,000 keys, or 1,000 small lists, several times slower.
        const flat = data.prints;
        if (Array.isArray(flat) && flat.length % 3 === 0) {
          for (let i = 0; i < flat.length; i += 3) {
            const id = flat[i], text = flat[i + 1], print = flat[i + 2];
            if (
              typeof id === "string" && typeof text === "string" &&
              typeof print === "string"
            ) prints.set(id, [text, print]);
          }
        }
      }
    } catch {
      // Absent, unreadable or not ours: start empty (it is rewritten at the end).
    }
    return new StatCache(root, entries, prints);
  }

  /**
   * The sha-256 (hex) of `text`, a task's fingerprint text: the one kept
   * for task `id` when it was computed from exactly this text (a string
   * comparison, so the answer is exact), else `hashText(text)`, kept.
   * Hashing ~1,000 fingerprint texts in plain JS was most of a no-op
   * re-run's hashing; comparing them costs a fraction of it.
   */
  fingerprint(
    id: string,
    text: string,
    hashText: (text: string) => string,
  ): string {
    // A task with thousands of inputs: its text is not kept (the cache
    // would repeat every input's hash, and grow past what it may read).
    if (text.length > PRINT_TEXT_MAX) {
      if (this.#prints.delete(id)) this.#dirty = true;
      return hashText(text);
    }
    const kept = this.#prints.get(id);
    if (!this.refresh && kept !== undefined && kept[0] === text) return kept[1];
    const print = hashText(text);
    if (kept === undefined || kept[0] !== text || kept[1] !== print) {
      this.#prints.set(id, [text, print]);
      this.#dirty = true;
    }
    return print;
  }

  /**
   * The sha-256 of `path` (relative to the root) from the cache, when
   * `info` (its stat) matches the entry and the entry is not racy; else
   * undefined (then {@link hash} hashes it). Synchronous: a no-op re-run
   * asks it for every input, without a turn of the event loop each.
   */
  known(path: string, info: Deno.FileInfo): string | undefined {
    this.#used.add(path);
    if (this.refresh) return undefined;
    const entry = this.#entries.get(path);
    if (entry === undefined || entry[0] !== statKey(info)) return undefined;
    // Changed too close to when its hash was taken: it may have changed since.
    if (newestChange(info) >= entry[2] - RACY_MS) return undefined;
    this.hits++;
    return entry[1];
  }

  /**
   * The sha-256 of `path` (relative to the root): from the cache when
   * {@link known} has it, else from `hashFile`, remembered when it is a
   * real hash.
   * @param statAt When (ms) `info` was about to be taken: no later than the stat.
   */
  async hash(
    path: string,
    info: Deno.FileInfo,
    statAt: number,
    hashFile: () => Promise<string>,
  ): Promise<string> {
    const hit = this.known(path, info);
    if (hit !== undefined) return hit;
    const key = statKey(info);
    const entry = this.#entries.get(path);
    this.misses++;
    const hash = await hashFile();
    if (key !== null && !hash.startsWith("unreadable:")) {
      this.#entries.set(path, [key, hash, statAt]);
      this.#dirty = true;
      if (newestChange(info) >= statAt - RACY_MS) this.#racy.add(path);
      else this.#racy.delete(path);
    } else if (entry !== undefined) {
      this.#entries.delete(path);
      this.#dirty = true;
    }
    return hash;
  }

  /**
   * Hashes again each file whose entry was racy when recorded and is old
   * enough now (its stat taken first, as in {@link hash}); one changed
   * since gets its new hash, one still racy is left to the next run.
   */
  async settle(hashFile: (path: string) => Promise<string>): Promise<void> {
    let budget = SETTLE_MAX_BYTES;
    for (const path of this.#racy) {
      const statAt = Date.now();
      let info: Deno.FileInfo;
      try {
        info = Deno.statSync(join(this.#root, path));
      } catch {
        continue; // Gone: the next run says why.
      }
      const key = statKey(info);
      if (key === null || newestChange(info) >= statAt - RACY_MS) continue;
      if ((budget -= info.size) < 0) break; // Big files: the next run hashes them.
      const hash = await hashFile(join(this.#root, path));
      if (hash.startsWith("unreadable:")) continue;
      this.#entries.set(path, [key, hash, statAt]);
      this.#dirty = true;
    }
    this.#racy.clear();
  }

  /**
   * Forgets what the plan no longer has: the kept fingerprints of tasks not
   * in `tasks`, and, when `files` (the run asked every task of the plan for
   * its inputs), the entries of files this run did not ask for (inputs
   * renamed, deleted or no longer named). Without it a project's cache
   * only grows, until it is too big to read and is thrown away whole.
   */
  prune(tasks: ReadonlySet<string>, files: boolean): void {
    for (const id of this.#prints.keys()) {
      if (!tasks.has(id) && this.#prints.delete(id)) this.#dirty = true;
    }
    if (!files) return;
    for (const path of this.#entries.keys()) {
      if (!this.#used.has(path) && this.#entries.delete(path)) {
        this.#dirty = true;
      }
    }
  }

  /**
   * Writes the cache when it changed (atomically: a reader sees the old
   * file or the new one). Failures are ignored: it is derived data.
   */
  async save(): Promise<void> {
    if (!this.#dirty) return;
    try {
      // A real folder: the cache is never written through a planted link.
      await controlFolder(join(this.#root, STATE_DIR, "cache"));
      const files: Record<string, Entry> = Object.create(null);
      for (const [path, e] of this.#entries) files[path] = e;
      const prints: string[] = [];
      let room = PRINTS_MAX_BYTES;
      for (const [id, [text, print]] of this.#prints) {
        // Past the room (many tasks gone from the plan, say), the rest are
        // hashed again next time rather than the whole cache grown unreadable.
        if ((room -= text.length + id.length + print.length) < 0) break;
        prints.push(id, text, print);
      }
      writeFileAtomic(
        join(this.#root, STAT_CACHE_FILE),
        JSON.stringify({ v: VERSION, files, prints }),
      );
      this.#dirty = false;
    } catch {
      // A read-only or full disk: the next run hashes again.
    }
  }
}

/** The latest moment the file's content may have changed, by its stat. */
function newestChange(info: Deno.FileInfo): number {
  // Deno gives ctime in whole seconds: the change may be anywhere in that second.
  return Math.max(
    info.mtime!.getTime(),
    info.ctime!.getTime() + CTIME_GRAIN_MS - 1,
  );
}

function isEntry(e: unknown): e is Entry {
  return Array.isArray(e) && e.length === 3 && typeof e[0] === "string" &&
    typeof e[1] === "string" && typeof e[2] === "number";
}

/** The cache of each root a run registered (only the project's own root). */
const caches = new Map<string, Promise<StatCache>>();
/** The same caches once loaded, for {@link loadedStatCache}. */
const loaded = new Map<string, StatCache>();

/**
 * Uses a stat cache for fingerprints of files under `root` in this process
 * (the project root of a run; a task's worktree gets none, so nothing is
 * written into it). Loaded once.
 *
 * @example
 * ```ts ignore
 * useStatCache(root, { refresh: force }); // at the start of a run
 * await saveStatCache(root); // at its end
 * ```
 */
export function useStatCache(
  root: string,
  options: { refresh?: boolean } = {},
): void {
  if (caches.has(root)) return;
  caches.set(
    root,
    StatCache.load(root).then((cache) => {
      cache.refresh = options.refresh ?? false;
      if (caches.has(root)) loaded.set(root, cache);
      return cache;
    }),
  );
}

/** The stat cache registered for `root`, or null. */
export function statCacheOf(root: string): Promise<StatCache> | null {
  return caches.get(root) ?? null;
}

/**
 * The stat cache registered for `root` once it has loaded (undefined
 * before that: then {@link statCacheOf} is awaited), or null when none is.
 */
export function loadedStatCache(root: string): StatCache | null | undefined {
  if (!caches.has(root)) return null;
  return loaded.get(root);
}

/**
 * Saves the cache of `root` (if one is registered) and lets it go; with
 * `hashFile`, racy entries grown old enough are settled first; with
 * `prune`, what the plan no longer has is forgotten ({@link StatCache.prune}).
 */
export async function saveStatCache(
  root: string,
  hashFile?: (path: string) => Promise<string>,
  prune?: { tasks: ReadonlySet<string>; files: boolean },
): Promise<void> {
  const cache = caches.get(root);
  if (cache === undefined) return;
  caches.delete(root);
  loaded.delete(root);
  const saving = await cache;
  if (hashFile) await saving.settle(hashFile);
  if (prune) saving.prune(prune.tasks, prune.files);
  await saving.save();
}

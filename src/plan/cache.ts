/**
 * A cache of checked plans, so `status`, `approve` and `run` of a large plan
 * do not parse and validate it again while its files are unchanged.
 *
 * The cached IR is what runs, so the cache must never be a way to run a
 * command the plan does not contain. It therefore lives outside the project
 * (the user's cache folder, where a restored `.codex/` or a commit cannot
 * reach), is keyed by the plan's absolute path and checked against the
 * sha-256 of the plan file, of every included file and of the include
 * expansion, and each entry carries an HMAC under a key kept in the user's
 * state folder: an entry written or edited by anything but this tool on
 * this machine (a CI cache restored from elsewhere) fails the check and is
 * ignored. Used only for projects that already have `.codex/`. A TypeScript
 * plan is code: it is cached only when none of its modules can see anything
 * but their own text and `--param` values (no `Deno`, clock, randomness,
 * network or dynamic import: {@link tsCacheBlocker}), keyed by every
 * module's content and the parameters. Derived data: deleting it loses
 * nothing.
 * @module
 */

import { dirname, isAbsolute, join, relative, resolve } from "../fs/path.ts";
import config from "../../deno.json" with { type: "json" };
import { sha256 } from "./hash.ts";
import type { Plan } from "./ir.ts";
import { PLAN_MAX_BYTES, withoutBom } from "./parse/source_text.ts";
import { readRegularText } from "../fs/regular_file.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { codeOnly } from "./ts/ts_scan.ts";
import { AT_ONCE, type IncludeRead, sameReads } from "./include_reads.ts";

/** Bump when the IR (or the entry) changes shape without a version change. */
const FORMAT = 3;
/** Entries kept; older ones are removed when a new one is written. */
const MAX_ENTRIES = 256;

/** What a cache entry holds. */
export interface CachedPlan {
  plan: Plan;
  /** sha-256 of the IR, when it was computed. */
  hash: string | null;
}

interface Entry extends CachedPlan {
  format: number;
  tool: string;
  /** Absolute path of the plan file. */
  main: string;
  /** sha-256 of the plan file's text. */
  mainHash: string;
  include: string[];
  /** Included files, or a TS plan's modules (relative to the plan's folder), and their sha-256. */
  files: [string, string][];
  /** A TS plan: sha-256 of the `--param` values it was evaluated with. */
  params?: string;
  /** A plan with includes: the reads their expansion made (see include_reads.ts). */
  reads?: IncludeRead[];
}

/**
 * The user's cache and state folders for orchestrate, from the
 * environment; `undefined` when none is known (no cache then).
 *
 * @example
 * ```ts ignore
 * userDirs(); // { cache: "/home/me/.cache/orchestrate", state: "/home/me/.local/state/orchestrate" }
 * ```
 */
export function userDirs(): { cache: string; state: string } | undefined {
  // The XDG spec ignores relative paths; so do we.
  const env = (name: string) => {
    const value = Deno.env.get(name);
    return value && isAbsolute(value) ? value : undefined;
  };
  const home = env("HOME");
  const local = env("LOCALAPPDATA");
  const cache = env("XDG_CACHE_HOME") ??
    (home ? join(home, ".cache") : local);
  const state = env("XDG_STATE_HOME") ??
    (home ? join(home, ".local", "state") : local && join(local, "state"));
  if (!cache || !state) return undefined;
  return {
    cache: join(cache, "orchestrate"),
    state: join(state, "orchestrate"),
  };
}

async function entryFile(cache: string, file: string): Promise<string> {
  const key = (await sha256(absolute(file))).slice(0, 32);
  return join(cache, "plans", `${key}.json`);
}

/** The HMAC key of this user, created on first write; `undefined` when there is none yet. */
async function macKey(
  state: string,
  create: boolean,
): Promise<CryptoKey | undefined> {
  const path = join(state, "cache.key");
  let secret: string;
  try {
    secret = await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || !create) return undefined;
    await Deno.mkdir(state, { recursive: true });
    const fresh = Array.from(
      crypto.getRandomValues(new Uint8Array(32)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    try {
      await Deno.writeTextFile(path, fresh, { createNew: true, mode: 0o600 });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    secret = await Deno.readTextFile(path); // a rival's key, if it won
  }
  if (!/^[0-9a-f]{64}$/.test(secret)) return undefined;
  return await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

async function mac(key: CryptoKey, body: string): Promise<string> {
  const signature = await crypto.subtle.sign(
    "HMAC",
    key,
    new TextEncoder().encode(body),
  );
  return Array.from(
    new Uint8Array(signature),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** The entry stored for `file`, when its HMAC is right. */
async function readEntry(file: string): Promise<Entry | undefined> {
  const dirs = userDirs();
  if (!dirs) return undefined;
  let text: string;
  try {
    text = await Deno.readTextFile(await entryFile(dirs.cache, file));
  } catch {
    return undefined; // No entry (or no readable one): a miss.
  }
  const newline = text.indexOf("\n");
  const key = await macKey(dirs.state, false).catch(() => undefined);
  if (newline < 0 || !key) return undefined;
  const body = text.slice(newline + 1);
  if (text.slice(0, newline) !== await mac(key, body)) return undefined;
  const entry = JSON.parse(body) as Entry;
  if (
    entry.format !== FORMAT || entry.tool !== config.version ||
    entry.main !== absolute(file)
  ) return undefined;
  return entry;
}

/**
 * The cached check of `file` when every source is unchanged, else undefined.
 *
 * @example
 * ```ts ignore
 * const hit = await readCachedPlan("orchestrator.yml");
 * ```
 */
export async function readCachedPlan(
  file: string,
): Promise<CachedPlan | undefined> {
  // Only projects with `.codex/` are cached: elsewhere a stat spares the
  // entry's lookup (its key's hash, its read), ~1.5 ms of a first command.
  if (!await hasCodexDir(file)) return undefined;
  const entry = await readEntry(file);
  if (!entry) return undefined;
  try {
    if (await textHash(file) !== entry.mainHash) return undefined;
    if (isTs(file)) {
      // Every module the evaluation loaded, unchanged, with the same parameters.
      if (entry.params !== await paramsHash()) return undefined;
      const planDir = dirname(file);
      if (!await sameHashes(planDir, entry.files)) return undefined;
      return { plan: entry.plan, hash: entry.hash };
    }
    if (entry.include.length > 0) {
      // The expansion's reads answered alike: it names the same files.
      if (!entry.reads || !await sameReads(entry.reads)) return undefined;
      const planDir = dirname(file);
      if (!await sameHashes(planDir, entry.files)) return undefined;
    }
  } catch {
    // A file went away or cannot be read: a miss, and the fresh check
    // reports it where it is.
    return undefined;
  }
  return { plan: entry.plan, hash: entry.hash };
}

/** Whether every file still has its hash (read {@link AT_ONCE} at a time). */
async function sameHashes(
  planDir: string,
  files: readonly [string, string][],
): Promise<boolean> {
  for (let i = 0; i < files.length; i += AT_ONCE) {
    const part = files.slice(i, i + AT_ONCE);
    const now = await Promise.all(
      part.map(([rel]) => textHash(join(planDir, rel))),
    );
    if (!part.every(([, hash], j) => now[j] === hash)) return false;
  }
  return true;
}

/** The hash of a plan source; past the limit it throws (a miss: the fresh check reports it). */
async function textHash(path: string): Promise<string> {
  return await sha256(
    withoutBom(await readRegularText(path, PLAN_MAX_BYTES)),
  );
}

/**
 * Records a successful check of `file` (a no-op without `.codex/`, without
 * a user cache folder, or for TS plans). Failures to write are ignored: the
 * cache is only a shortcut.
 */
export async function writeCachedPlan(
  file: string,
  checked: CachedPlan,
  include: readonly string[],
  sources: ReadonlyMap<string, string>,
  modules?: readonly { absolute: string; source: string }[],
): Promise<void> {
  const dirs = userDirs();
  if (!dirs) return;
  if (!await hasCodexDir(file)) {
    // A first run makes `.codex/`: it records the check then (see writeDeferredCachedPlans).
    deferred.set(
      file,
      () => writeCachedPlan(file, checked, include, sources, modules),
    );
    return;
  }
  deferred.delete(file);
  const planDir = dirname(file);
  if (isTs(file)) {
    if (!modules || tsCacheBlocker(modules) !== null) return;
    const files: [string, string][] = [];
    for (const m of modules) {
      const rel = relative(planDir, m.absolute);
      if (rel.startsWith("..") || isAbsolute(rel)) return; // the DSL copy is versioned with the tool
      files.push([rel, await sha256(withoutBom(m.source))]);
    }
    const main = sources.get(file);
    if (main === undefined) return;
    await store(dirs, file, {
      format: FORMAT,
      tool: config.version,
      main: absolute(file),
      mainHash: await sha256(main),
      include: [],
      files,
      params: await paramsHash(),
      ...checked,
    });
    return;
  }
  const reads: IncludeRead[] = [];
  // Loaded only for includes (~20 ms of a first run's module loading).
  const groups = include.length === 0 ? [] : await (await import(
    "./include.ts"
  )).expandIncludes(planDir, include, relative(planDir, file), reads);
  if (groups.some((g) => g.outside.length > 0)) return; // refused by the check
  const named = [...new Set(groups.flatMap((g) => g.files))];
  // The files the check read, and no other: one removed since would leave
  // its tasks in a plan that the expansion's reads would keep serving.
  if (named.length !== sources.size - 1) return;
  const files: [string, string][] = [];
  for (const rel of named) {
    const text = sources.get(join(planDir, rel));
    if (text === undefined) return;
    files.push([rel, await sha256(text)]);
  }
  const main = sources.get(file);
  if (main === undefined) return;
  await store(dirs, file, {
    format: FORMAT,
    tool: config.version,
    main: absolute(file),
    mainHash: await sha256(main),
    include: [...include],
    files,
    ...(include.length === 0 ? {} : { reads }),
    ...checked,
  });
}

/** Checks this process made before their project had `.codex/`. */
const deferred = new Map<string, () => Promise<void>>();

/**
 * Records the checks {@link writeCachedPlan} put off for want of
 * `.codex/`, once a run has made it: the run after the first then finds
 * its plan cached. Still without `.codex/`, still put off.
 *
 * @example
 * ```ts ignore
 * await writeDeferredCachedPlans(); // at the end of a run
 * ```
 */
export async function writeDeferredCachedPlans(): Promise<void> {
  for (const write of [...deferred.values()]) {
    try {
      await write();
    } catch {
      // A plan changed or gone meanwhile (its includes no longer expand): the cache is only a shortcut.
    }
  }
}

/** Adds the IR hash to the cache entry of `file` (computed after a hash-less check). */
export async function refreshCachedHash(
  file: string,
  hash: string,
): Promise<void> {
  const dirs = userDirs();
  const entry = await readEntry(file);
  if (!dirs || !entry) return;
  await store(dirs, file, { ...entry, hash });
}

async function store(
  dirs: { cache: string; state: string },
  file: string,
  entry: Entry,
): Promise<void> {
  try {
    const key = await macKey(dirs.state, true);
    if (!key) return;
    const target = await entryFile(dirs.cache, file);
    await Deno.mkdir(dirname(target), { recursive: true });
    const body = JSON.stringify(entry);
    const temp = `${target}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temp, `${await mac(key, body)}\n${body}`);
    await Deno.rename(temp, target);
    await prune(dirname(target));
  } catch {
    // A read-only or full disk only costs the next command a re-check.
  }
}

/** Keeps the newest {@link MAX_ENTRIES} entries. */
async function prune(dir: string): Promise<void> {
  const names = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  if (names.length <= MAX_ENTRIES) return;
  const aged = await Promise.all(names.map(async (name) => ({
    name,
    mtime: (await Deno.stat(join(dir, name))).mtime?.getTime() ?? 0,
  })));
  aged.sort((a, b) => b.mtime - a.mtime);
  for (const { name } of aged.slice(MAX_ENTRIES)) {
    await Deno.remove(join(dir, name)).catch(() => {});
  }
}

/**
 * `file` made absolute. Not a bare `resolve(file)`: that asks Node's
 * `process.cwd()`, whose first call starts Node's process object, ~10 ms
 * of every command's start-up.
 */
function absolute(file: string): string {
  return resolve(Deno.cwd(), file);
}

async function hasCodexDir(file: string): Promise<boolean> {
  try {
    return (await Deno.stat(join(dirname(file), STATE_DIR))).isDirectory;
  } catch {
    return false;
  }
}

function isTs(file: string): boolean {
  return /\.[cm]?ts$/.test(file);
}

async function paramsHash(): Promise<string> {
  const { planParams } = await import("./params.ts");
  const params = planParams();
  return await sha256(
    JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]])),
  );
}

// What a module could see besides its own text and its parameters.
const DYNAMIC =
  /\b(?:Deno|process|fetch|WebSocket|EventSource|globalThis|self|window|eval|Function|Date|Temporal|Intl|performance|crypto|navigator|location|localStorage|sessionStorage|indexedDB|caches|BroadcastChannel|WebAssembly|Worker|setTimeout|setInterval|queueMicrotask|SharedArrayBuffer|Atomics)\b|\bMath\s*\.\s*random\b|\bimport\s*\(|\brequire\s*\(/;

/**
 * Why a TS plan is evaluated every time instead of cached: the first place
 * one of its modules names something whose answer is not in the module's
 * text (the environment, files through `Deno`, the clock, randomness, the
 * network, a dynamic import), or null when it can be cached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tsCacheBlocker } from "./cache.ts";
 * assert.equal(tsCacheBlocker([{ absolute: "/p/o.ts", source: 'const x = "Deno";' }]), null);
 * assert.deepEqual(tsCacheBlocker([{ absolute: "/p/o.ts", source: "\nconst t = Date.now();" }]), { file: "/p/o.ts", line: 2, what: "Date" });
 * ```
 */
export function tsCacheBlocker(
  modules: readonly { absolute: string; source: string }[],
): { file: string; line: number; what: string } | null {
  for (const m of modules) {
    const code = codeOnly(m.source);
    const hit = DYNAMIC.exec(code);
    if (hit) {
      return {
        file: m.absolute,
        line: code.slice(0, hit.index).split("\n").length,
        what: hit[0].replace(/\s+/g, ""),
      };
    }
  }
  return null;
}

/**
 * Why `file` is not served from the cache, in words, or null when it is
 * (or will be, once checked): `plan validate --why-not-cached`.
 *
 * @example
 * ```ts ignore
 * await whyNotCached("orchestrator.ts"); // "orchestrator.ts:3 uses Date: ..."
 * ```
 */
export async function whyNotCached(file: string): Promise<string | null> {
  if (!userDirs()) {
    return "no cache folder is known (set HOME or XDG_CACHE_HOME)";
  }
  if (!await hasCodexDir(file)) {
    return `the project has no ${STATE_DIR}/ folder yet: plans are cached once orchestrate has run here`;
  }
  if (!isTs(file)) return null;
  const { transpilePlan } = await import("./ts/ts_transpile.ts");
  const source = withoutBom(await readRegularText(file, PLAN_MAX_BYTES));
  const modules = await transpilePlan(file, source, Deno.cwd());
  if (!modules.ok) return "it does not load (see the errors above)";
  const blocker = tsCacheBlocker(modules.value);
  if (blocker === null) return null;
  return `${
    relative(Deno.cwd(), blocker.file)
  }:${blocker.line} uses ${blocker.what}, whose answer is not in the plan's text (the environment, files, the clock, chance or the network): it is evaluated every time`;
}

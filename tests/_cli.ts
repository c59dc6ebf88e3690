/**
 * Test rig: runs the real CLI (`deno run` with exactly the runtime flags
 * that `deno task compile` bakes in) in a temporary project directory.
 * @module
 */

import { PERMISSIONS, SOURCE_FLAGS } from "../scripts/compile.ts";
export { PERMISSIONS, SOURCE_FLAGS };

import { join } from "node:path";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;

/** Folders made by {@link tempDir} in this test module, removed when its tests end. */
const made = new Set<string>();

// Each test module runs in its own worker, which fires `unload` once its tests are done.
globalThis.addEventListener("unload", () => {
  for (const dir of made) removeTree(dir);
  made.clear();
});

/**
 * Creates a temporary folder that is removed, with everything in it, when
 * the test module's tests end (set `ORCHESTRATE_KEEP_TEST_DIRS=1` to keep
 * them for a post-mortem).
 *
 * @param prefix Start of the folder's name.
 */
export async function tempDir(prefix = "orchestrate-test-"): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix });
  if (Deno.env.get("ORCHESTRATE_KEEP_TEST_DIRS") !== "1") made.add(dir);
  return dir;
}

/**
 * Deno's cache folder (DENO_DIR, else the default under the cache folder),
 * as this test process found it: the CLIs started here keep using it when
 * their XDG_CACHE_HOME moves (Deno's default follows XDG_CACHE_HOME, and a
 * fresh one would fetch every npm package of the lockfile again, hundreds
 * of megabytes, on each module's first CLI call).
 */
export const DENO_CACHE_DIR: string = Deno.env.get("DENO_DIR") ||
  join(
    Deno.env.get("XDG_CACHE_HOME") ||
      join(Deno.env.get("HOME") ?? "/root", ".cache"),
    "deno",
  );

/**
 * The plan cache and the keys (plan cache, approvals) go to folders of this
 * test process, not the user's. The cache folder is this module's (it lives
 * as long as the module's tests: removed with them). The state folder, where the
 * approvals key lives, is one per process, whatever module asks first:
 * `deno test --parallel` runs modules as workers of one process sharing its
 * environment, and a test that checks approvals in-process must use the key
 * its CLIs used. It is left for the process's life (no module can tell it
 * is the last) and removed by the next test process once this one has
 * ended.
 */
const USER_DIRS = await (async () => {
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  const prefix = "orchestrate-test-user-";
  for (const entry of Deno.readDirSync(tmp)) {
    const pid = Number(entry.name.slice(prefix.length));
    if (
      entry.name.startsWith(prefix) && Number.isSafeInteger(pid) &&
      pid !== Deno.pid && !alive(pid)
    ) removeTree(join(tmp, entry.name));
  }
  const state = join(tmp, `${prefix}${Deno.pid}`, "state");
  Deno.mkdirSync(state, { recursive: true, mode: 0o700 });
  const dirs = {
    DENO_DIR: DENO_CACHE_DIR,
    XDG_CACHE_HOME: join(await tempDir("orchestrate-user-"), "cache"),
    XDG_STATE_HOME: state,
  };
  Deno.env.set("XDG_STATE_HOME", dirs.XDG_STATE_HOME);
  return dirs;
})();

/**
 * Whether process `pid` exists (`ps -p`: Deno refuses `/proc/<pid>` without
 * --allow-all); true when that cannot be told, so nothing live is removed.
 */
export function alive(pid: number): boolean {
  try {
    const out = new Deno.Command("ps", {
      args: ["-p", String(pid)],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return out.code !== 1;
  } catch {
    return true;
  }
}

/** What a CLI run produced. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options for {@link cli}. */
export interface CliOptions {
  cwd: string;
  env?: Record<string, string>;
  stdin?: string;
  /**
   * Kill the CLI (SIGKILL: a hung CLI may have a SIGTERM handler that never
   * gets to run) after this many milliseconds: a bound for tests of what
   * used to hang, never an assertion about speed.
   */
  killAfterMs?: number;
  /** Programs to start `deno` through (e.g. `setpriv ... --`: another user). */
  wrap?: readonly string[];
}

/** Runs `orchestrate <args>` in `cwd` and collects its output (ANSI codes stripped). */
export async function cli(
  args: string[],
  options: CliOptions,
): Promise<CliResult> {
  const wrap = options.wrap ?? [];
  const denoArgs = ["run", "--quiet", ...SOURCE_FLAGS, MAIN, ...args];
  const command = new Deno.Command(wrap[0] ?? Deno.execPath(), {
    args: wrap.length > 0
      ? [...wrap.slice(1), Deno.execPath(), ...denoArgs]
      : denoArgs,
    cwd: options.cwd,
    env: { NO_COLOR: "1", ...USER_DIRS, ...options.env },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = command.spawn();
  const bound = options.killAfterMs === undefined
    ? undefined
    : setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // It ended just now.
      }
    }, options.killAfterMs);
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output().finally(() => clearTimeout(bound));
  const decode = (b: Uint8Array) =>
    // deno-lint-ignore no-control-regex
    new TextDecoder().decode(b).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

/** Creates a temporary project with the given files (path → content). */
export async function tempProject(
  files: Record<string, string> = {},
): Promise<string> {
  const dir = await tempDir();
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  return dir;
}

/**
 * Removes `dir` and everything in it. Tests make folders unreadable (mode
 * 000) to provoke faults: those are opened up first. A folder that still
 * cannot be removed is named on stderr rather than failing another test.
 */
function removeTree(dir: string): void {
  for (let attempt = 1;; attempt++) {
    try {
      Deno.removeSync(dir, { recursive: true });
      return;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return; // The test removed it itself.
      if (attempt === 1 && e instanceof Deno.errors.PermissionDenied) {
        openUp(dir);
        continue;
      }
      console.error(`warning: cannot remove test folder ${dir}: ${e}`);
      return;
    }
  }
}

/** Gives the owner full access to every folder under `dir` (links are not followed). */
function openUp(dir: string): void {
  try {
    Deno.chmodSync(dir, 0o700);
    for (const entry of Deno.readDirSync(dir)) {
      if (entry.isDirectory) openUp(join(dir, entry.name));
    }
  } catch {
    // What cannot be opened up is reported when its removal fails.
  }
}

/** Absolute path of a file in this repository. */
export function repoPath(relative: string): string {
  return new URL(`../${relative}`, import.meta.url).pathname;
}

/** Whether `path` exists (following links); other errors are rethrown. */
export function exists(path: string): Promise<boolean> {
  return Deno.stat(path).then(() => true, (e) => {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  });
}

/** Makes a FIFO at `path` (what used to block a read or write forever). */
export async function mkfifo(path: string): Promise<void> {
  const made = await new Deno.Command("mkfifo", { args: [path] }).output();
  if (!made.success) throw new Error(`mkfifo ${path} failed`);
}

/** Bound for what used to block forever on a FIFO: never an assertion about speed. */
export const FIFO_BOUND_MS = 20_000;

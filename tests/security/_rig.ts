/**
 * Security test rig: runs the real CLI both as root and as an unprivileged
 * user (`setpriv`), since root passes checks that users fail and the other
 * way round. Each {@link securityTest} registers one test per user:
 * `name [root]` and `name [user]`. When the tests themselves run
 * unprivileged, only `[user]` runs (as whoever we are).
 *
 * @module
 */

import { join } from "node:path";
import {
  cli,
  type CliOptions,
  type CliResult,
  DENO_CACHE_DIR,
  tempDir,
} from "../_cli.ts";

/** Who runs orchestrate in a test. */
export interface TestUser {
  /** `root`, or `user` (an unprivileged account). */
  readonly name: "root" | "user";
  readonly uid: number;
  readonly gid: number;
  /** Argument vector put before `deno` (empty: run as ourselves). */
  readonly wrap: readonly string[];
  /** Environment the user's runs get (HOME, DENO_DIR, XDG folders of their own). */
  readonly env: Readonly<Record<string, string>>;
}

/** The unprivileged account used when the tests run as root. */
const NOBODY = { uid: 65534, gid: 65534 };

const isRoot = Deno.uid() === 0;

let unprivileged: Promise<TestUser> | undefined;

/**
 * The unprivileged user: `nobody` via `setpriv` when we are root (with a
 * home, a Deno cache and XDG folders it owns), else ourselves.
 */
function userAccount(): Promise<TestUser> {
  unprivileged ??= (async (): Promise<TestUser> => {
    if (!isRoot) {
      return {
        name: "user",
        uid: Deno.uid()!,
        gid: Deno.gid()!,
        wrap: [],
        env: {},
      };
    }
    const home = await tempDir("orchestrate-nobody-");
    await Deno.chmod(home, 0o755);
    // Deno's npm cache, hard-linked (read-only for nobody) into a DENO_DIR it owns.
    const denoDir = join(home, "deno");
    await Deno.mkdir(denoDir);
    const npm = join(DENO_CACHE_DIR, "npm");
    const copied = await new Deno.Command("cp", {
      args: ["-al", npm, join(denoDir, "npm")],
    }).output();
    if (!copied.success) {
      throw new Error(
        `cannot share Deno's npm cache with nobody: ${
          new TextDecoder().decode(copied.stderr)
        }`,
      );
    }
    for (const dir of [home, denoDir]) {
      await Deno.chown(dir, NOBODY.uid, NOBODY.gid);
    }
    for (const sub of ["cache", "state", "config"]) {
      await Deno.mkdir(join(home, sub));
      await Deno.chown(join(home, sub), NOBODY.uid, NOBODY.gid);
    }
    return {
      name: "user",
      ...NOBODY,
      wrap: [
        "setpriv",
        `--reuid=${NOBODY.uid}`,
        `--regid=${NOBODY.gid}`,
        "--clear-groups",
        "--",
      ],
      env: {
        HOME: home,
        DENO_DIR: denoDir,
        XDG_CACHE_HOME: join(home, "cache"),
        XDG_STATE_HOME: join(home, "state"),
        XDG_CONFIG_HOME: join(home, "config"),
      },
    };
  })();
  return unprivileged;
}

/** The root account (only when the tests run as root). */
const ROOT: TestUser = {
  name: "root",
  uid: 0,
  gid: 0,
  wrap: [],
  env: {},
};

/**
 * Registers `fn` once per user: as root and as an unprivileged user when
 * the tests run as root, else once as ourselves (`[user]`).
 *
 * @example
 * ```ts ignore
 * securityTest("a confined task cannot write the journal", async (user) => {
 *   const dir = await projectAs(user, { "orchestrator.yml": plan });
 *   const r = await cliAs(user, ["run"], { cwd: dir });
 * });
 * ```
 */
export function securityTest(
  name: string,
  fn: (user: TestUser) => Promise<void>,
  options: { ignore?: boolean } = {},
): void {
  if (isRoot) {
    Deno.test({
      name: `${name} [root]`,
      ignore: options.ignore ?? false,
      fn: () => fn(ROOT),
    });
  }
  Deno.test({
    name: `${name} [user]`,
    ignore: options.ignore ?? false,
    fn: async () => fn(await userAccount()),
  });
}

/**
 * A temporary project with `files`, owned by `user` (so an unprivileged
 * orchestrate can write its state there).
 */
export async function projectAs(
  user: TestUser,
  files: Record<string, string> = {},
): Promise<string> {
  const dir = await tempDir("orchestrate-sec-");
  await Deno.chmod(dir, 0o755);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  await chownTree(dir, user);
  return dir;
}

/** Gives `path` and everything below it to `user` (links themselves, not their targets). */
export async function chownTree(path: string, user: TestUser): Promise<void> {
  if (!isRoot || user.uid === 0) return;
  const done = await new Deno.Command("chown", {
    args: ["-R", "-h", `${user.uid}:${user.gid}`, path],
  }).output();
  if (!done.success) throw new Error(`chown -R ${path} failed`);
}

/** A folder outside any project that `user` may write (a target for escapes). */
export async function outsideDirAs(user: TestUser): Promise<string> {
  const dir = await tempDir("orchestrate-outside-");
  await Deno.chmod(dir, 0o755);
  await chownTree(dir, user);
  return dir;
}

/** Runs `orchestrate <args>` as `user` in `options.cwd`. */
export function cliAs(
  user: TestUser,
  args: string[],
  options: CliOptions,
): Promise<CliResult> {
  return cli(args, {
    ...options,
    wrap: user.wrap,
    env: { ...user.env, ...options.env },
  });
}

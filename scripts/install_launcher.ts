/**
 * Installs an `orchestrate` launcher from this checkout: a small script in
 * `<root>/bin` that runs this checkout's `src/main.ts` with exactly the
 * runtime flags `deno task compile` bakes into the binary.
 * Usage: deno task install [--root DIR]
 *   (default root: $DENO_INSTALL_ROOT, else ~/.deno; the launcher goes in DIR/bin)
 *
 * The launcher runs the source of this checkout, so `git pull` updates it;
 * after moving the checkout, run `deno task install` again. It calls the
 * Deno that installed it by its absolute path (not `deno` on PATH), so it
 * works where Deno was only ever run through `npx`. Exit codes: 0
 * installed and answering `--version`; 1 the install or that check failed;
 * 2 bad usage.
 * @module
 */

import { parseArgs } from "node:util";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SOURCE_FLAGS } from "./compile.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));

/** The launcher's name on PATH. */
export const NAME = "orchestrate";

/**
 * The `deno install` arguments that write the launcher into `root`/bin.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { installArgs } from "./install_launcher.ts";
 * const args = installArgs("/opt/orchestrate");
 * assert.deepEqual(args.slice(0, 2), ["install", "--global"]);
 * assert.ok(args.includes("--allow-run"));
 * assert.match(args.at(-1)!, /src[\\/]main\.ts$/);
 * ```
 */
export function installArgs(root: string): string[] {
  return [
    "install",
    "--global",
    "--force",
    "--name",
    NAME,
    "--root",
    root,
    "--config",
    join(REPO, "deno.json"),
    ...SOURCE_FLAGS,
    join(REPO, "src", "main.ts"),
  ];
}

/**
 * Where `deno install --global` puts launchers when given no `--root`:
 * `$DENO_INSTALL_ROOT`, else `.deno` in the home folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultRoot } from "./install_launcher.ts";
 * assert.equal(defaultRoot({ DENO_INSTALL_ROOT: "/opt/d" }), "/opt/d");
 * assert.equal(defaultRoot({ HOME: "/home/ann" }), "/home/ann/.deno");
 * ```
 */
export function defaultRoot(env: Record<string, string>): string | null {
  if (env.DENO_INSTALL_ROOT) return env.DENO_INSTALL_ROOT;
  const home = env.HOME ?? env.USERPROFILE;
  return home ? join(home, ".deno") : null;
}

/**
 * The launcher file `deno install --global` writes under `root`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { launcherPath } from "./install_launcher.ts";
 * assert.equal(launcherPath("/opt/d", "linux"), "/opt/d/bin/orchestrate");
 * ```
 */
export function launcherPath(root: string, os: typeof Deno.build.os): string {
  return join(root, "bin", os === "windows" ? `${NAME}.cmd` : NAME);
}

/**
 * The launcher `deno install` wrote, calling `deno` by name, rewritten to
 * call the Deno at `deno` by its absolute path instead (quoted for the
 * launcher's shell). Text without such a call comes back unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pinDeno } from "./install_launcher.ts";
 * assert.equal(
 *   pinDeno("#!/bin/sh\nexec deno run 'file:///m.ts' \"$@\"\n", "/opt/deno/bin/deno", "linux"),
 *   "#!/bin/sh\nexec '/opt/deno/bin/deno' run 'file:///m.ts' \"$@\"\n",
 * );
 * assert.equal(
 *   pinDeno("@deno run x %*\r\n", "C:\\deno\\deno.exe", "windows"),
 *   '@"C:\\deno\\deno.exe" run x %*\r\n',
 * );
 * ```
 */
export function pinDeno(
  launcher: string,
  deno: string,
  os: typeof Deno.build.os,
): string {
  if (os === "windows") {
    return launcher.replace(/^@deno /m, `@"${deno}" `);
  }
  const quoted = `'${deno.replaceAll("'", `'"'"'`)}'`;
  return launcher.replace(/^exec deno /m, `exec ${quoted} `);
}

/** Outcome of {@link installLauncher}. */
export type InstallResult =
  | { ok: true; launcher: string; version: string }
  | { ok: false; message: string };

/**
 * Installs the launcher into `root`/bin with the Deno running this script,
 * then runs it with `--version` to prove it works.
 *
 * @example
 * ```ts ignore
 * import { installLauncher } from "./install_launcher.ts";
 * const r = await installLauncher("/tmp/root");
 * if (r.ok) console.log(r.launcher, r.version);
 * ```
 */
export async function installLauncher(root: string): Promise<InstallResult> {
  const install = await new Deno.Command(Deno.execPath(), {
    args: installArgs(root),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!install.success) {
    return {
      ok: false,
      message: `deno install failed:\n${text(install.stderr)}${
        text(install.stdout)
      }`,
    };
  }
  const launcher = launcherPath(root, Deno.build.os);
  // `deno install` calls `deno` by name; a Deno used through npx is on no PATH.
  const written = await Deno.readTextFile(launcher);
  const pinned = pinDeno(written, Deno.execPath(), Deno.build.os);
  if (pinned === written) {
    return {
      ok: false,
      message:
        `${launcher} does not call \`deno\` as expected; cannot point it at ${Deno.execPath()}:\n${written}`,
    };
  }
  await Deno.writeTextFile(launcher, pinned);
  const check = await new Deno.Command(launcher, {
    args: ["--version"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const version = text(check.stdout).trim();
  if (!check.success || !version.startsWith(`${NAME} `)) {
    return {
      ok: false,
      message: `${launcher} was written but \`${NAME} --version\` failed:\n${
        text(check.stderr)
      }`,
    };
  }
  return { ok: true, launcher, version };
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/**
 * Whether `dir` is one of the folders of a PATH value.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { onPath } from "./install_launcher.ts";
 * assert.ok(onPath("/a/bin", "/usr/bin:/a/bin", ":"));
 * assert.ok(!onPath("/a/bin", "/usr/bin", ":"));
 * ```
 */
export function onPath(dir: string, path: string, separator: string): boolean {
  return path.split(separator).some((entry) =>
    entry.replace(/[\\/]+$/, "") === dir.replace(/[\\/]+$/, "")
  );
}

if (import.meta.main) {
  let root: string | null;
  try {
    const { values } = parseArgs({
      args: Deno.args,
      options: { root: { type: "string" } },
    });
    root = values.root ?? defaultRoot(Deno.env.toObject());
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    console.error("usage: deno task install [--root DIR]");
    Deno.exit(2);
  }
  if (root === null) {
    console.error(
      "error: cannot tell where to install: set HOME or DENO_INSTALL_ROOT, or pass --root DIR",
    );
    Deno.exit(2);
  }
  const r = await installLauncher(root);
  if (!r.ok) {
    console.error(`error: ${r.message}`);
    Deno.exit(1);
  }
  console.log(`Installed ${r.launcher} (${r.version})`);
  console.log(
    `It runs ${join(REPO, "src", "main.ts")} with ${SOURCE_FLAGS.join(" ")}`,
  );
  console.log(
    `through the Deno at ${Deno.execPath()} (no \`deno\` on PATH needed);` +
      " run `deno task install` again if you move this checkout or that Deno.",
  );
  if (/[\\/]_npx[\\/]/.test(Deno.execPath())) {
    console.log(
      "That Deno lives in npx's cache, which npm may clean: for a lasting launcher, install Deno (e.g. `npm install -g deno`) and run `deno task install` with it.",
    );
  }
  const bin = dirname(r.launcher);
  if (!onPath(bin, Deno.env.get("PATH") ?? "", delimiter)) {
    console.log(`${bin} is not on your PATH. Add it, e.g. in ~/.profile:`);
    console.log(`  export PATH="${bin}:$PATH"`);
  }
}

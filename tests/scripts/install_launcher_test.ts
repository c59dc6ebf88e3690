/**
 * `deno task install` from a checkout: the launcher it writes works from
 * another folder, writes there and not into the checkout, and carries
 * exactly the binary's permission flags. Runs in a temporary HOME and
 * install root; Deno's own cache (DENO_DIR) is shared so nothing is fetched
 * again.
 * @module
 */

import assert from "node:assert/strict";
import { delimiter, dirname, join } from "node:path";
import { SOURCE_FLAGS } from "../../scripts/compile.ts";
import { repoPath } from "../_cli.ts";

/**
 * The user's Deno cache, so the install reuses the packages already there.
 * Asked with a clean environment: tests/plan/cache_test.ts sets
 * XDG_CACHE_HOME in this process, which would move Deno's cache too.
 */
const DENO_DIR = Deno.env.get("DENO_DIR") ?? await (async () => {
  const home = Deno.env.get("HOME");
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    clearEnv: true,
    env: home === undefined ? {} : { HOME: home },
    stdout: "piped",
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
})();

/** What a user's network set-up needs, should Deno have to fetch a package. */
const NETWORK_ENV = Object.fromEntries(
  [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "DENO_CERT",
    "DENO_TLS_CA_STORE",
    "NODE_EXTRA_CA_CERTS", // Deno reads it too (verified behind a TLS-intercepting proxy)
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
  ].flatMap((name) => {
    const value = Deno.env.get(name);
    return value === undefined ? [] : [[name, value]];
  }),
);

/** A PATH with Deno and the system tools but no earlier `orchestrate`. */
const BASE_PATH = [
  dirname(Deno.execPath()),
  "/usr/local/bin",
  "/usr/bin",
  "/bin",
]
  .join(delimiter);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Run> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    clearEnv: true,
    env: { NO_COLOR: "1", DENO_DIR, ...NETWORK_ENV, ...env },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(120_000), // a bound on a hang, not a speed test
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** What the checkout holds that a misdirected run would write. */
async function checkoutOutputs(): Promise<string[]> {
  const found: string[] = [];
  for (const name of ["orchestrator.yml", "TASKS.md", ".codex/runs"]) {
    try {
      const info = await Deno.stat(repoPath(name));
      found.push(name);
      if (info.isDirectory) {
        for await (const e of Deno.readDir(repoPath(name))) {
          found.push(`${name}/${e.name}`);
        }
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return found.sort();
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orchestrate-install-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "install launcher: `deno task install --root DIR`, then `orchestrate init` and `run` from PATH work in another folder, not in the checkout",
  ignore: Deno.build.os === "windows", // the test drives the launcher with sh
  async fn() {
    await withTemp(async (tmp) => {
      const home = join(tmp, "home");
      const root = join(tmp, "root");
      const project = join(tmp, "project");
      await Deno.mkdir(home);
      await Deno.mkdir(project);
      await Deno.writeTextFile(join(project, "README.md"), "# My project\n");
      const before = await checkoutOutputs();

      const install = await run(
        Deno.execPath(),
        ["task", "install", "--root", root],
        repoPath(""),
        { HOME: home, PATH: BASE_PATH },
      );
      assert.equal(install.code, 0, install.stderr + install.stdout);
      const launcher = join(root, "bin", "orchestrate");
      assert.match(
        install.stdout,
        new RegExp(
          `^Installed ${launcher} \\(orchestrate \\d+\\.\\d+\\.\\d+`,
          "m",
        ),
      );
      assert.match(install.stdout, /is not on your PATH/);
      assert.ok(
        install.stdout.includes(`export PATH="${join(root, "bin")}:$PATH"`),
      );

      const env = {
        HOME: home,
        PATH: [join(root, "bin"), BASE_PATH].join(delimiter),
      };
      const version = await run(
        "sh",
        ["-c", "orchestrate --version"],
        project,
        env,
      );
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /^orchestrate \d+\.\d+\.\d+\n$/);

      const used = await run(
        "sh",
        ["-c", "orchestrate init && orchestrate run"],
        project,
        env,
      );
      assert.equal(used.code, 0, used.stderr + used.stdout);
      const written = new Set<string>();
      for await (const e of Deno.readDir(project)) written.add(e.name);
      assert.ok(written.has("orchestrator.yml"), [...written].join(", "));
      assert.ok(written.has("TASKS.md"), [...written].join(", "));
      const runs = [...Deno.readDirSync(join(project, ".codex", "runs"))]
        .filter((e) => e.name.endsWith(".jsonl"));
      assert.equal(runs.length, 1);
      assert.deepEqual(await checkoutOutputs(), before);
    });
  },
});

Deno.test({
  name:
    "install launcher: the launcher runs with exactly the binary's permission flags and the from-source flags",
  ignore: Deno.build.os === "windows", // the launcher is a .cmd there
  async fn() {
    await withTemp(async (tmp) => {
      const install = await run(
        Deno.execPath(),
        ["task", "install", "--root", tmp],
        repoPath(""),
        { HOME: tmp, PATH: BASE_PATH },
      );
      assert.equal(install.code, 0, install.stderr);
      const launcher = await Deno.readTextFile(join(tmp, "bin", "orchestrate"));
      const exec = launcher.split("\n").find((l) =>
        l.startsWith(`exec '${Deno.execPath()}' run`)
      );
      assert.ok(exec, launcher);
      const flags = exec.split(/\s+/).filter((w) =>
        /^--(allow|unstable|deny)/.test(w)
      );
      assert.deepEqual(flags.sort(), [...SOURCE_FLAGS].sort());
      assert.ok(exec.includes(repoPath("src/main.ts")), exec);
    });
  },
});

Deno.test({
  name:
    "install launcher: without --root it installs into $DENO_INSTALL_ROOT/bin and says nothing about PATH when that is on it",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      const install = await run(
        Deno.execPath(),
        ["task", "install"],
        repoPath(""),
        {
          HOME: join(tmp, "no-home"),
          DENO_INSTALL_ROOT: tmp,
          PATH: [bin, BASE_PATH].join(delimiter),
        },
      );
      assert.equal(install.code, 0, install.stderr);
      assert.match(
        install.stdout,
        new RegExp(`^Installed ${join(bin, "orchestrate")} `, "m"),
      );
      assert.doesNotMatch(install.stdout, /not on your PATH/);
      await Deno.stat(join(bin, "orchestrate"));
    });
  },
});

Deno.test("install launcher: an unknown option is a usage error (exit 2) and installs nothing", async () => {
  await withTemp(async (tmp) => {
    const r = await run(
      Deno.execPath(),
      ["task", "install", "--rooot", tmp],
      repoPath(""),
      { HOME: tmp, PATH: BASE_PATH },
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: Unknown option '--rooot'/m);
    assert.match(r.stderr, /^usage: deno task install \[--root DIR\]/m);
    assert.deepEqual([...Deno.readDirSync(tmp)], []);
  });
});

Deno.test({
  name:
    "install launcher: the launcher calls the Deno that installed it by its absolute path, so it works with no `deno` on PATH (Deno used through npx)",
  ignore: Deno.build.os === "windows", // the launcher is a .cmd there
  async fn() {
    await withTemp(async (tmp) => {
      const install = await run(
        Deno.execPath(),
        ["task", "install", "--root", tmp],
        repoPath(""),
        { HOME: tmp, PATH: BASE_PATH },
      );
      assert.equal(install.code, 0, install.stderr);
      assert.ok(
        install.stdout.includes(`through the Deno at ${Deno.execPath()}`),
        install.stdout,
      );
      const project = join(tmp, "project");
      await Deno.mkdir(project);
      await Deno.writeTextFile(
        join(project, "orchestrator.yml"),
        "version: 1\ntasks: []\n",
      );
      // No folder on PATH holds a `deno` (nor anything else).
      const noDeno = { HOME: tmp, PATH: join(tmp, "empty") };
      const launcher = join(tmp, "bin", "orchestrate");
      const version = await run(launcher, ["--version"], project, noDeno);
      assert.equal(version.code, 0, version.stderr);
      assert.match(version.stdout, /^orchestrate \d+\.\d+\.\d+\n$/);
      const validate = await run(
        launcher,
        ["plan", "validate"],
        project,
        noDeno,
      );
      assert.equal(validate.code, 0, validate.stderr + validate.stdout);
    });
  },
});

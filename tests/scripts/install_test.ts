/**
 * scripts/install.sh against a fake release folder served on 127.0.0.1 by
 * this test: the "binary" is a shell script that answers `--version`. The
 * installer runs with a cleared environment (no proxy variables, so its
 * requests go to the local server and nowhere else), bounded in time.
 * @module
 */

import assert from "node:assert/strict";
import { delimiter, join } from "node:path";
import { repoPath } from "../_cli.ts";
import { PREFIX } from "./_release_server.ts";

const INSTALLER = repoPath("scripts/install.sh");
const HOST_ASSET = `orchestrate-${Deno.build.target}`;
const FAKE_BINARY = '#!/bin/sh\necho "orchestrate 0.1.0"\n';
const SYSTEM_PATH = ["/usr/local/bin", "/usr/bin", "/bin"].join(delimiter);
const ALL_ASSETS = [
  "orchestrate-x86_64-unknown-linux-gnu",
  "orchestrate-aarch64-unknown-linux-gnu",
  "orchestrate-x86_64-apple-darwin",
  "orchestrate-aarch64-apple-darwin",
  "orchestrate-x86_64-pc-windows-msvc.exe",
];

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every asset (the fake binary) and a SHA256SUMS as `sha256sum` prints it. */
async function goodRelease(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const sums: string[] = [];
  for (const name of ALL_ASSETS) {
    files.set(name, FAKE_BINARY);
    sums.push(`${await sha256(FAKE_BINARY)}  ${name}`);
  }
  files.set("SHA256SUMS", sums.join("\n") + "\n");
  return files;
}

const SERVER = new URL("./_release_server.ts", import.meta.url).pathname;

/**
 * Serves `files` on 127.0.0.1 from a child process (see _release_server.ts);
 * `requested()` lists the paths asked for so far.
 */
async function withServer(
  files: Map<string, string>,
  fn: (baseUrl: string, requested: () => Promise<string[]>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orchestrate-release-" });
  const folder = join(dir, "release");
  const log = join(dir, "requests");
  await Deno.mkdir(folder);
  await Deno.writeTextFile(log, "");
  for (const [name, body] of files) {
    await Deno.writeTextFile(join(folder, name), body);
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      "--allow-net=127.0.0.1",
      `--allow-read=${folder}`,
      `--allow-write=${log}`,
      SERVER,
      folder,
      log,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const port = await firstLine(child.stdout);
    assert.match(port, /^port \d+$/);
    const requested = async () =>
      (await Deno.readTextFile(log)).split("\n").filter(Boolean);
    await fn(`http://127.0.0.1:${port.slice(5)}${PREFIX}`, requested);
  } finally {
    child.kill();
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/** The first line of a stream; the rest is drained in the background. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`release server exited early: ${text}`);
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done);
  })();
  return text.slice(0, text.indexOf("\n"));
}

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "orchestrate-installer-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function install(
  args: string[],
  env: Record<string, string>,
): Promise<Run> {
  const out = await new Deno.Command("/bin/sh", {
    args: [INSTALLER, ...args],
    clearEnv: true,
    env: { PATH: SYSTEM_PATH, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000), // a bound on a hang, not a speed test
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** Writes executable scripts into a new folder of `tmp`; returns the folder. */
async function fakeTools(
  tmp: string,
  tools: Record<string, string>,
): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: tmp, prefix: "tools-" });
  for (const [name, script] of Object.entries(tools)) {
    await Deno.writeTextFile(join(dir, name), `#!/bin/sh\n${script}\n`, {
      mode: 0o755,
    });
  }
  return dir;
}

/** A folder with links to only these host commands (the ones that exist). */
async function onlyTools(tmp: string, names: string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ dir: tmp, prefix: "path-" });
  for (const name of names) {
    const found = await whichHost(name);
    if (found) await Deno.symlink(found, join(dir, name));
  }
  return dir;
}

async function whichHost(name: string): Promise<string | null> {
  const out = await new Deno.Command("sh", {
    args: ["-c", `command -v ${name}`],
    stdout: "piped",
  }).output();
  const path = new TextDecoder().decode(out.stdout).trim();
  return out.success && path.startsWith("/") ? path : null;
}

/** The host commands install.sh calls besides a downloader and a hasher. */
const BASE_TOOLS = [
  "uname",
  "mktemp",
  "rm",
  "awk",
  "tr",
  "mkdir",
  "cp",
  "chmod",
  "mv",
  "cat",
];

const unix = Deno.build.os !== "windows";

Deno.test({
  name:
    "install.sh: a release with a good checksum installs the binary for this machine and prints its version and a PATH hint",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      await withServer(await goodRelease(), async (url, requested) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
          HOME: tmp,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(await requested(), [
          "/releases/v0.1.0/SHA256SUMS",
          `/releases/v0.1.0/${HOST_ASSET}`,
        ]);
        assert.match(
          r.stdout,
          new RegExp(
            `^Installed orchestrate 0\\.1\\.0 to ${bin}/orchestrate$`,
            "m",
          ),
        );
        assert.ok(r.stdout.includes(`export PATH="${bin}:$PATH"`), r.stdout);
      });
      assert.deepEqual([...Deno.readDirSync(bin)].map((e) => e.name), [
        "orchestrate",
      ]);
      const installed = join(bin, "orchestrate");
      assert.equal(await Deno.readTextFile(installed), FAKE_BINARY);
      assert.equal((await Deno.stat(installed)).mode! & 0o111, 0o111);
    });
  },
});

Deno.test({
  name:
    "install.sh: a checksum mismatch is refused, exit 1, and the target folder stays empty",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      await Deno.mkdir(bin);
      const release = await goodRelease();
      release.set(HOST_ASSET, FAKE_BINARY.replace("0.1.0", "6.6.6")); // tampered
      await withServer(release, async (url) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
        });
        assert.equal(r.code, 1, r.stdout);
        assert.match(
          r.stderr,
          new RegExp(
            `^error: checksum mismatch for ${HOST_ASSET}: SHA256SUMS says ${await sha256(
              FAKE_BINARY,
            )}, the download is [0-9a-f]{64}\\. Refusing to install; nothing was installed\\.$`,
            "m",
          ),
        );
        assert.doesNotMatch(r.stdout, /Installed/);
      });
      assert.deepEqual([...Deno.readDirSync(bin)], []);
    });
  },
});

Deno.test({
  name:
    "install.sh: an asset without a SHA256SUMS entry is refused and nothing is created",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "new", "bin");
      const release = await goodRelease();
      release.set(
        "SHA256SUMS",
        release.get("SHA256SUMS")!.split("\n")
          .filter((line) => !line.endsWith(`  ${HOST_ASSET}`)).join("\n"),
      );
      await withServer(release, async (url, requested) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
        });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(
            `^error: SHA256SUMS has no entry for ${HOST_ASSET}, so it cannot be checked; refusing to install \\(nothing was installed\\)$`,
            "m",
          ),
        );
        assert.deepEqual(await requested(), ["/releases/v0.1.0/SHA256SUMS"]);
      });
      assert.deepEqual([...Deno.readDirSync(tmp)], []);
    });
  },
});

Deno.test({
  name:
    "install.sh: a release without the asset fails clearly, naming the URL and the target",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      await Deno.mkdir(bin);
      const release = await goodRelease();
      release.delete(HOST_ASSET);
      await withServer(release, async (url) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
        });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(
            `^error: cannot download ${url}${HOST_ASSET} \\(does this release have a binary for ${Deno.build.target}\\?\\); nothing was installed$`,
            "m",
          ),
        );
      });
      assert.deepEqual([...Deno.readDirSync(bin)], []);
    });
  },
});

Deno.test({
  name: "install.sh: a release folder that cannot be reached fails clearly",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      let url = "";
      await withServer(new Map(), (u) => Promise.resolve(void (url = u)));
      // The server is shut down: nothing listens on its port any more.
      const r = await install(["-b", join(tmp, "bin")], {
        ORCHESTRATE_INSTALL_BASE_URL: url,
      });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^error: cannot download ${url}SHA256SUMS; nothing was installed$`,
          "m",
        ),
      );
      assert.deepEqual([...Deno.readDirSync(tmp)], []);
    });
  },
});

Deno.test({
  name:
    "install.sh: SHA256SUMS lines in binary mode (`<HASH> *name`, upper case) are read too",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      const release = await goodRelease();
      const hash = (await sha256(FAKE_BINARY)).toUpperCase();
      release.set("SHA256SUMS", `${hash} *${HOST_ASSET}\n`);
      await withServer(release, async (url) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
        });
        assert.equal(r.code, 0, r.stderr);
      });
      assert.equal(
        await Deno.readTextFile(join(bin, "orchestrate")),
        FAKE_BINARY,
      );
    });
  },
});

Deno.test({
  name:
    "install.sh: a binary that does not run here is refused and not installed",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const bin = join(tmp, "bin");
      const broken =
        '#!/bin/sh\necho "cannot execute: wrong libc" >&2\nexit 126\n';
      const release = new Map([
        [HOST_ASSET, broken],
        ["SHA256SUMS", `${await sha256(broken)}  ${HOST_ASSET}\n`],
      ]);
      await withServer(release, async (url) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
        });
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(
            `^error: the downloaded ${HOST_ASSET} does not run on this machine: cannot execute: wrong libc; nothing was installed$`,
            "m",
          ),
        );
      });
      assert.deepEqual([...Deno.readDirSync(bin)], []);
    });
  },
});

Deno.test({
  name:
    "install.sh: without -b it installs into $ORCHESTRATE_INSTALL, else ~/.local/bin, and stays quiet about PATH when the folder is on it",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      await withServer(await goodRelease(), async (url) => {
        const env = { ORCHESTRATE_INSTALL_BASE_URL: url, HOME: tmp };
        const chosen = join(tmp, "chosen");
        const byEnv = await install([], {
          ...env,
          ORCHESTRATE_INSTALL: chosen,
        });
        assert.equal(byEnv.code, 0, byEnv.stderr);
        assert.equal(
          await Deno.readTextFile(join(chosen, "orchestrate")),
          FAKE_BINARY,
        );

        const local = join(tmp, ".local", "bin");
        const byHome = await install([], {
          ...env,
          PATH: [local, SYSTEM_PATH].join(delimiter),
        });
        assert.equal(byHome.code, 0, byHome.stderr);
        assert.equal(
          await Deno.readTextFile(join(local, "orchestrate")),
          FAKE_BINARY,
        );
        assert.doesNotMatch(byHome.stdout, /not on your PATH/);
        assert.match(
          byHome.stdout,
          /^Run 'orchestrate --help' to get started\.$/m,
        );
      });
    });
  },
});

Deno.test({
  name:
    "install.sh: it picks the asset for the OS and architecture uname reports",
  ignore: !unix,
  async fn() {
    const cases: [string, string, string][] = [
      ["Linux", "x86_64", "orchestrate-x86_64-unknown-linux-gnu"],
      ["Linux", "aarch64", "orchestrate-aarch64-unknown-linux-gnu"],
      ["Linux", "arm64", "orchestrate-aarch64-unknown-linux-gnu"],
      ["Linux", "amd64", "orchestrate-x86_64-unknown-linux-gnu"],
      ["Darwin", "x86_64", "orchestrate-x86_64-apple-darwin"],
      ["Darwin", "arm64", "orchestrate-aarch64-apple-darwin"],
    ];
    await withTemp(async (tmp) => {
      await withServer(await goodRelease(), async (url, requested) => {
        for (const [os, arch, asset] of cases) {
          const tools = await fakeTools(tmp, {
            uname: `case "$1" in -s) echo ${os} ;; -m) echo ${arch} ;; esac`,
            sysctl: "echo 0",
          });
          const r = await install(["-b", join(tmp, `${os}-${arch}`)], {
            ORCHESTRATE_INSTALL_BASE_URL: url,
            PATH: [tools, SYSTEM_PATH].join(delimiter),
          });
          assert.equal(r.code, 0, `${os} ${arch}: ${r.stderr}`);
          assert.equal(
            (await requested()).at(-1),
            `/releases/v0.1.0/${asset}`,
            `${os} ${arch}`,
          );
        }
      });
    });
  },
});

Deno.test({
  name: "install.sh: a macOS shell under Rosetta gets the arm64 binary",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      await withServer(await goodRelease(), async (url, requested) => {
        const tools = await fakeTools(tmp, {
          uname: `case "$1" in -s) echo Darwin ;; -m) echo x86_64 ;; esac`,
          sysctl: `[ "$2" = sysctl.proc_translated ] && echo 1`,
        });
        const r = await install(["-b", join(tmp, "bin")], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
          PATH: [tools, SYSTEM_PATH].join(delimiter),
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
          (await requested()).at(-1),
          "/releases/v0.1.0/orchestrate-aarch64-apple-darwin",
        );
      });
    });
  },
});

Deno.test({
  name:
    "install.sh: Windows shells are told how to install the .exe by hand; other systems and architectures are refused, with nothing downloaded",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      await withServer(await goodRelease(), async (url, requested) => {
        const cases: [string, string, RegExp][] = [
          [
            "MINGW64_NT-10.0-19045",
            "x86_64",
            /^error: this script installs the Linux and macOS binaries, not the Windows one\.\nOn Windows, download orchestrate-x86_64-pc-windows-msvc\.exe and SHA256SUMS from\n {2}http:\/\/127\.0\.0\.1:\d+\/releases\/v0\.1\.0\/\n.*Get-FileHash/ms,
          ],
          ["MSYS_NT-10.0", "x86_64", /orchestrate-x86_64-pc-windows-msvc\.exe/],
          [
            "FreeBSD",
            "amd64",
            /^error: there is no orchestrate binary for FreeBSD \(Linux and macOS only\); install from a checkout with 'deno task install' instead$/m,
          ],
          [
            "Linux",
            "i686",
            /^error: there is no orchestrate binary for i686 on Linux \(x86_64 and arm64 only\)/m,
          ],
        ];
        for (const [os, arch, message] of cases) {
          const tools = await fakeTools(tmp, {
            uname: `case "$1" in -s) echo ${os} ;; -m) echo ${arch} ;; esac`,
          });
          const r = await install(["-b", join(tmp, "bin")], {
            ORCHESTRATE_INSTALL_BASE_URL: url,
            PATH: [tools, SYSTEM_PATH].join(delimiter),
          });
          assert.equal(r.code, 1, os);
          assert.match(r.stderr, message, os);
        }
        assert.deepEqual(await requested(), []);
      });
      assert.ok(!(await exists(join(tmp, "bin"))));
    });
  },
});

Deno.test({
  name:
    "install.sh: by default it downloads from the repository's latest GitHub release, or from the tag given with -v",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      // A curl that records its URL and fails: no request leaves the machine.
      const log = join(tmp, "urls");
      const tools = await fakeTools(tmp, {
        curl: `for a; do last=$a; done; echo "$last" >> '${log}'; exit 22`,
      });
      const env = { PATH: [tools, SYSTEM_PATH].join(delimiter), HOME: tmp };
      const latest = await install([], env);
      assert.equal(latest.code, 1);
      const tagged = await install(["-v", "v0.2.0"], env);
      assert.equal(tagged.code, 1);
      assert.match(
        tagged.stderr,
        /^error: cannot download https:\/\/github\.com\/.*\/SHA256SUMS; nothing was installed$/m,
      );
      assert.deepEqual((await Deno.readTextFile(log)).trim().split("\n"), [
        "https://github.com/orchestrate/orchestrate/releases/latest/download/SHA256SUMS",
        "https://github.com/orchestrate/orchestrate/releases/download/v0.2.0/SHA256SUMS",
      ]);
    });
  },
});

Deno.test({
  name:
    "install.sh: with wget and shasum instead of curl and sha256sum it installs the same way",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const path = await onlyTools(tmp, [
        ...BASE_TOOLS,
        "wget",
        "shasum",
        "perl",
      ]);
      const linked = new Set([...Deno.readDirSync(path)].map((e) => e.name));
      if (!linked.has("wget") || !linked.has("shasum")) {
        console.log("skipped: this machine has no wget or no shasum");
        return;
      }
      const bin = join(tmp, "bin");
      await withServer(await goodRelease(), async (url, requested) => {
        const r = await install(["-b", bin], {
          ORCHESTRATE_INSTALL_BASE_URL: url,
          PATH: path,
        });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(
          (await requested()).at(-1),
          `/releases/v0.1.0/${HOST_ASSET}`,
        );
        const bad = await goodRelease();
        bad.set(HOST_ASSET, "#!/bin/sh\necho tampered\n");
        await withServer(bad, async (badUrl) => {
          const refused = await install(["-b", join(tmp, "other")], {
            ORCHESTRATE_INSTALL_BASE_URL: badUrl,
            PATH: path,
          });
          assert.equal(refused.code, 1);
          assert.match(refused.stderr, /^error: checksum mismatch for /m);
        });
      });
      assert.equal(
        await Deno.readTextFile(join(bin, "orchestrate")),
        FAKE_BINARY,
      );
      assert.ok(!(await exists(join(tmp, "other"))));
    });
  },
});

Deno.test({
  name:
    "install.sh: without a downloader or a hasher it stops before downloading anything",
  ignore: !unix,
  async fn() {
    await withTemp(async (tmp) => {
      const noCurl = await onlyTools(tmp, [...BASE_TOOLS, "sha256sum"]);
      const a = await install(["-b", join(tmp, "bin")], { PATH: noCurl });
      assert.equal(a.code, 1);
      assert.match(
        a.stderr,
        /^error: cannot download: neither curl nor wget is installed$/m,
      );
      const noHash = await onlyTools(tmp, [...BASE_TOOLS, "curl"]);
      const b = await install(["-b", join(tmp, "bin")], { PATH: noHash });
      assert.equal(b.code, 1);
      assert.match(
        b.stderr,
        /^error: cannot check the download: neither sha256sum nor shasum is installed$/m,
      );
      assert.ok(!(await exists(join(tmp, "bin"))));
    });
  },
});

Deno.test({
  name: "install.sh: bad usage exits 2 with the usage line",
  ignore: !unix,
  async fn() {
    for (
      const args of [["-x"], ["extra"], [
        "-v",
        "v1.0.0",
        "-u",
        "http://127.0.0.1:9/",
      ]]
    ) {
      const r = await install(args, { HOME: "/nonexistent" });
      assert.equal(r.code, 2, args.join(" "));
      assert.match(
        r.stderr,
        /^(usage: install\.sh \[-b DIR\] \[-v TAG\] \[-u URL\]|error: give a release tag)/m,
      );
    }
  },
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

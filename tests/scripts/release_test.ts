/**
 * `deno task release`: the asset names `install.sh` expects, SHA256SUMS as
 * `sha256sum` writes and checks it, usage errors, and a real build where
 * `deno compile` can download its runtime (skipped visibly where it cannot,
 * after checking that the release says so plainly).
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };
import { TARGETS } from "../../scripts/compile.ts";
import {
  assetName,
  CHECKSUMS,
  selectTargets,
  writeChecksums,
} from "../../scripts/release.ts";
import { repoPath } from "../_cli.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** Runs `deno task release <args>` from the repository root. */
async function release(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", "release", ...args],
    cwd: repoPath(""),
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

async function withTempDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "orchestrate-release-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const hasSha256sum = await new Deno.Command("sha256sum", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false);

Deno.test("release: the asset names are the ones install.sh downloads", () => {
  assert.deepEqual(TARGETS.map(assetName), [
    "orchestrate-x86_64-unknown-linux-gnu",
    "orchestrate-aarch64-unknown-linux-gnu",
    "orchestrate-x86_64-apple-darwin",
    "orchestrate-aarch64-apple-darwin",
    "orchestrate-x86_64-pc-windows-msvc.exe",
  ]);
  assert.equal(CHECKSUMS, "SHA256SUMS");
});

Deno.test("release: SHA256SUMS lists `<sha256>  <asset>` per asset in order, with known digests", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "orchestrate-x86_64-apple-darwin"),
      "abc",
    );
    await Deno.writeFile(
      join(dir, "orchestrate-x86_64-pc-windows-msvc.exe"),
      new Uint8Array(),
    );
    // Bigger than one read chunk, so the digest spans chunks.
    await Deno.writeFile(
      join(dir, "orchestrate-aarch64-unknown-linux-gnu"),
      new Uint8Array(1_000_000).fill(0x61),
    );
    const text = await writeChecksums(dir, [
      "orchestrate-x86_64-apple-darwin",
      "orchestrate-x86_64-pc-windows-msvc.exe",
      "orchestrate-aarch64-unknown-linux-gnu",
    ]);
    assert.equal(
      text,
      // FIPS 180-2 test vectors: "abc", "", and one million "a".
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  orchestrate-x86_64-apple-darwin\n" +
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  orchestrate-x86_64-pc-windows-msvc.exe\n" +
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0  orchestrate-aarch64-unknown-linux-gnu\n",
    );
    assert.equal(await Deno.readTextFile(join(dir, CHECKSUMS)), text);
    assert.deepEqual(
      (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort(),
      [
        CHECKSUMS,
        "orchestrate-aarch64-unknown-linux-gnu",
        "orchestrate-x86_64-apple-darwin",
        "orchestrate-x86_64-pc-windows-msvc.exe",
      ],
    );
  });
});

Deno.test({
  name: hasSha256sum
    ? "release: `sha256sum -c SHA256SUMS` accepts the assets and refuses a changed one"
    : "release: skipped: no sha256sum on this machine to check SHA256SUMS with",
  ignore: !hasSha256sum,
  async fn() {
    await withTempDir(async (dir) => {
      const assets = TARGETS.map(assetName);
      for (const [i, asset] of assets.entries()) {
        await Deno.writeTextFile(join(dir, asset), `fake binary ${i}\n`);
      }
      await writeChecksums(dir, assets);
      const check = () =>
        new Deno.Command("sha256sum", {
          args: ["-c", CHECKSUMS],
          cwd: dir,
          stdout: "piped",
          stderr: "piped",
        }).output();
      const good = await check();
      assert.equal(good.code, 0, decode(good.stderr));
      assert.equal(
        decode(good.stdout),
        assets.map((a) => `${a}: OK\n`).join(""),
      );

      await Deno.writeTextFile(join(dir, assets[2]!), "tampered\n");
      const bad = await check();
      assert.notEqual(bad.code, 0);
      assert.match(
        decode(bad.stdout),
        new RegExp(`^${assets[2]}: FAILED$`, "m"),
      );
    });
  },
});

Deno.test("release: a name that is not a file in the folder is refused", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      writeChecksums(dir, ["../orchestrate"]),
      /Cannot list "\.\.\/orchestrate": not a file name in /,
    );
    await assert.rejects(
      writeChecksums(dir, ["missing"]),
      Deno.errors.NotFound,
    );
  });
});

Deno.test("release: --target picks targets; an unknown one, an unknown option or a tag that is not the version exits 2 with a plain message", async () => {
  assert.deepEqual(selectTargets([]), [...TARGETS]);
  assert.deepEqual(
    selectTargets(["x86_64-pc-windows-msvc", "aarch64-apple-darwin"]),
    ["x86_64-pc-windows-msvc", "aarch64-apple-darwin"],
  );

  const unknown = await release(["--target", "x86_64-linux"]);
  assert.equal(unknown.code, 2);
  assert.equal(
    unknown.stderr,
    `Unknown target "x86_64-linux": expected one of ${TARGETS.join(", ")}\n`,
  );
  const option = await release(["--targets", "x"]);
  assert.equal(option.code, 2);
  assert.match(
    option.stderr,
    /^Unknown option '--targets'.*\nUsage: deno task release /,
  );
  const tag = await release(["--tag", "v999.0.0"]);
  assert.equal(tag.code, 2);
  assert.equal(
    tag.stderr,
    `Tag "v999.0.0" does not match deno.json's version ${config.version} (expected "v${config.version}")\n`,
  );
});

// One real build of the Linux x64 asset: it runs, and SHA256SUMS vouches for it.
const built = await Deno.makeTempDir({ prefix: "orchestrate-release-" });
const result = await release([
  "--target",
  "x86_64-unknown-linux-gnu",
  "--out",
  built,
  "--tag",
  `v${config.version}`,
]);
const offline = result.code !== 0 &&
  /cannot download its runtime/.test(result.stderr);
if (offline) {
  console.log("skipped: deno compile cannot download its runtime here");
}

Deno.test({
  name: offline
    ? "release: without the compile runtime it says so plainly, exits 1 and writes no SHA256SUMS"
    : "release: (the compile runtime could be downloaded: the build is checked below)",
  ignore: !offline,
  async fn() {
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      "deno compile cannot download its runtime for x86_64-unknown-linux-gnu here (no network access), so the release was not built.\n" +
        "Build on a machine with network access (the release workflow does).\n",
    );
    assert.deepEqual(await Array.fromAsync(Deno.readDir(built)), []);
    await Deno.remove(built, { recursive: true });
  },
});

Deno.test({
  name: offline
    ? "release: skipped: deno compile cannot download its runtime here"
    : "release: builds the Linux x64 asset and a SHA256SUMS that matches it",
  ignore: offline,
  async fn() {
    try {
      assert.equal(result.code, 0, result.stderr);
      const asset = assetName("x86_64-unknown-linux-gnu");
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(built))).map((e) => e.name).sort(),
        [CHECKSUMS, asset],
      );
      const sums = await Deno.readTextFile(join(built, CHECKSUMS));
      assert.match(sums, new RegExp(`^[0-9a-f]{64}  ${asset}\n$`));
      if (Deno.build.os === "linux" && Deno.build.arch === "x86_64") {
        const version = await new Deno.Command(join(built, asset), {
          args: ["--version"],
          stdout: "piped",
        }).output();
        assert.equal(decode(version.stdout), `orchestrate ${config.version}\n`);
      }
    } finally {
      await Deno.remove(built, { recursive: true });
    }
  },
});

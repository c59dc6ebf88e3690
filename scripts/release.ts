/**
 * Builds the release assets: one `deno compile`d binary per target, with the
 * binary's permission flags (`compile.ts`), and their SHA-256 checksums.
 * Usage: deno task release [--target T]... [--out DIR] [--tag vX.Y.Z]
 *   (default: every target in TARGETS, into dist/release)
 *
 * `.github/workflows/release.yml` runs exactly this on a version tag, so a
 * release built on a laptop is the same as the published one. Where the
 * compile runtime cannot be downloaded (no network), this says so and exits 1
 * without writing SHA256SUMS.
 * @module
 */

import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import config from "../deno.json" with { type: "json" };
import { compile, type Target, TARGETS } from "./compile.ts";

/** The checksum file of a release, as `install.sh` reads it. */
export const CHECKSUMS = "SHA256SUMS";

/**
 * The file name of the release asset for `target`: what `install.sh`
 * downloads.
 *
 * @example
 * ```ts
 * import { assetName } from "./release.ts";
 * assetName("aarch64-apple-darwin"); // "orchestrate-aarch64-apple-darwin"
 * assetName("x86_64-pc-windows-msvc"); // "orchestrate-x86_64-pc-windows-msvc.exe"
 * ```
 */
export function assetName(target: Target): string {
  return `orchestrate-${target}${target.includes("windows") ? ".exe" : ""}`;
}

/**
 * The SHA-256 of a file as lowercase hex, read in chunks (a binary is ~100 MB).
 *
 * @example
 * ```ts ignore
 * import { sha256File } from "./release.ts";
 * await sha256File("dist/release/SHA256SUMS");
 * ```
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Writes `dir/SHA256SUMS` for the files `assets` (names inside `dir`), one
 * line each in the given order, `<sha256>  <name>` as `sha256sum` prints it
 * (so `sha256sum -c SHA256SUMS` checks them), and returns its text. The file
 * appears whole or not at all.
 *
 * @example
 * ```ts ignore
 * import { writeChecksums } from "./release.ts";
 * await writeChecksums("dist/release", ["orchestrate-x86_64-unknown-linux-gnu"]);
 * ```
 */
export async function writeChecksums(
  dir: string,
  assets: readonly string[],
): Promise<string> {
  let text = "";
  for (const asset of assets) {
    if (basename(asset) !== asset) {
      throw new TypeError(`Cannot list "${asset}": not a file name in ${dir}`);
    }
    text += `${await sha256File(join(dir, asset))}  ${asset}\n`;
  }
  const temp = join(dir, `.${CHECKSUMS}.tmp`);
  await Deno.writeTextFile(temp, text);
  await Deno.rename(temp, join(dir, CHECKSUMS));
  return text;
}

/** Why a release was not built: a usage error (2) or a failed build (1). */
export class ReleaseError extends Error {
  /** The exit code the CLI uses for it. */
  readonly code: 1 | 2;
  constructor(message: string, code: 1 | 2) {
    super(message);
    this.name = "ReleaseError";
    this.code = code;
  }
}

/**
 * The targets `--target` names (every target when none), or a usage error
 * listing the known ones.
 *
 * @example
 * ```ts
 * import { selectTargets } from "./release.ts";
 * selectTargets(["x86_64-apple-darwin"]); // ["x86_64-apple-darwin"]
 * selectTargets([]).length; // 5
 * ```
 */
export function selectTargets(names: readonly string[]): Target[] {
  if (names.length === 0) return [...TARGETS];
  return names.map((name) => {
    const target = TARGETS.find((t) => t === name);
    if (target === undefined) {
      throw new ReleaseError(
        `Unknown target "${name}": expected one of ${TARGETS.join(", ")}`,
        2,
      );
    }
    return target;
  });
}

/**
 * Builds the asset of each target into `out` (created), then SHA256SUMS over
 * them; returns the asset names. Stops at the first failed build, leaving no
 * SHA256SUMS that could vouch for an incomplete set.
 *
 * @example
 * ```ts ignore
 * import { buildRelease } from "./release.ts";
 * await buildRelease("dist/release", ["x86_64-unknown-linux-gnu"]);
 * ```
 */
export async function buildRelease(
  out: string,
  targets: readonly Target[],
  log: (line: string) => void = console.log,
): Promise<string[]> {
  await Deno.mkdir(out, { recursive: true });
  await Deno.remove(join(out, CHECKSUMS)).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  const assets: string[] = [];
  for (const target of targets) {
    const asset = assetName(target);
    log(`Compiling ${asset}`);
    const r = await compile(join(out, asset), target);
    if (!r.ok && r.offline) {
      throw new ReleaseError(
        `deno compile cannot download its runtime for ${target} here (no network access), so the release was not built.\n` +
          "Build on a machine with network access (the release workflow does).",
        1,
      );
    }
    if (!r.ok) {
      throw new ReleaseError(`Cannot build ${asset}:\n${r.stderr}`, 1);
    }
    assets.push(asset);
  }
  await writeChecksums(out, assets);
  return assets;
}

/**
 * The `deno task release` command: builds, prints what it built, and returns
 * the exit code (0 built; 1 a build failed; 2 bad usage).
 *
 * @example
 * ```ts ignore
 * import { main } from "./release.ts";
 * Deno.exit(await main(["--target", "x86_64-unknown-linux-gnu"]));
 * ```
 */
export async function main(args: string[]): Promise<number> {
  try {
    const { values } = parseOptions(args);
    if (values.tag !== undefined && values.tag !== `v${config.version}`) {
      throw new ReleaseError(
        `Tag "${values.tag}" does not match deno.json's version ${config.version} (expected "v${config.version}")`,
        2,
      );
    }
    const targets = selectTargets(values.target);
    const assets = await buildRelease(resolve(values.out), targets);
    console.log(
      `Built ${assets.length} asset(s) and ${CHECKSUMS} in ${values.out}`,
    );
    return 0;
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    console.error(e.message);
    return e.code;
  }
}

function parseOptions(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        target: { type: "string", multiple: true, default: [] },
        out: { type: "string", default: "dist/release" },
        tag: { type: "string" },
      },
    });
  } catch (e) {
    // node:util reports unknown or incomplete options as a TypeError with a code.
    if (!(e instanceof TypeError && "code" in e)) throw e;
    throw new ReleaseError(
      `${e.message}\nUsage: deno task release [--target T]... [--out DIR] [--tag vX.Y.Z]`,
      2,
    );
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

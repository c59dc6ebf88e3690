/**
 * The languages and versions a project declares in its own files: the
 * Rust edition and rust-version (Cargo.toml, rust-toolchain), Node's
 * engines, packageManager and .nvmrc, deno.json, Python's requires-python and
 * .python-version, Go's go directive.
 * @module
 */

import { join } from "../fs/path.ts";
import { parseJsonc } from "../text/jsonc.ts";
import { tomlString } from "../text/toml_value.ts";
import { readRegularText } from "../fs/regular_file.ts";

/** Past this a manifest is not read for the toolchain facts. */
const TOOLCHAIN_MAX_BYTES = 8 * 1024 * 1024;

/** One fact about the toolchain, with the file it comes from. */
export interface ToolchainFact {
  language: string;
  /** e.g. `edition 2021`, `node >=20`, `python >=3.11`. */
  detail: string;
  source: string;
}

async function read(root: string, file: string): Promise<string | null> {
  try {
    return (await readRegularText(join(root, file), TOOLCHAIN_MAX_BYTES))
      .replace(/^\uFEFF/, "");
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.IsADirectory ||
      e instanceof Deno.errors.InvalidData // a pipe, or too large to be a manifest
    ) return null;
    throw e;
  }
}

function jsonObject(text: string): Record<string, unknown> {
  try {
    const value = parseJsonc(text);
    return typeof value === "object" && value !== null
      ? value as Record<string, unknown>
      : {};
  } catch (e) {
    if (e instanceof SyntaxError) return {};
    throw e;
  }
}

/**
 * What the project at `root` says about its languages' versions, in a
 * fixed order (Rust, Node, Deno, Python, Go).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectToolchain } from "./toolchain.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/Cargo.toml`, '[package]\nname = "x"\nedition = "2021"\n');
 * assert.deepEqual(await detectToolchain(dir), [
 *   { language: "rust", detail: "edition 2021", source: "Cargo.toml" },
 * ]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function detectToolchain(root: string): Promise<ToolchainFact[]> {
  const facts: ToolchainFact[] = [];
  const cargo = await read(root, "Cargo.toml");
  if (cargo !== null) {
    const edition = tomlString(cargo, "package", "edition") ??
      tomlString(cargo, "workspace.package", "edition");
    facts.push({
      language: "rust",
      detail: edition ? `edition ${edition}` : "edition 2015 (none declared)",
      source: "Cargo.toml",
    });
    const msrv = tomlString(cargo, "package", "rust-version");
    if (msrv) {
      facts.push({
        language: "rust",
        detail: `rust-version ${msrv}`,
        source: "Cargo.toml",
      });
    }
  }
  for (const file of ["rust-toolchain.toml", "rust-toolchain"]) {
    const text = await read(root, file);
    if (text === null) continue;
    const channel = tomlString(text, "toolchain", "channel") ?? text.trim();
    facts.push({
      language: "rust",
      detail: `toolchain ${channel}`,
      source: file,
    });
  }
  const pkg = await read(root, "package.json");
  if (pkg !== null) {
    const json = jsonObject(pkg);
    const engines = json.engines as Record<string, unknown> | undefined;
    const typescript = [json.devDependencies, json.dependencies]
      .map((d) => (d as Record<string, unknown> | undefined)?.typescript)
      .find((v) => typeof v === "string");
    if (typeof engines?.node === "string") {
      facts.push({
        language: "node",
        detail: `node ${engines.node}`,
        source: "package.json",
      });
    }
    if (typeof json.packageManager === "string") {
      facts.push({
        language: "node",
        detail: `package manager ${json.packageManager}`,
        source: "package.json",
      });
    }
    if (typeof typescript === "string") {
      facts.push({
        language: "typescript",
        detail: `typescript ${typescript}`,
        source: "package.json",
      });
    }
    if (typeof json.type === "string") {
      facts.push({
        language: "node",
        detail: `modules: ${json.type}`,
        source: "package.json",
      });
    }
  }
  for (const file of [".nvmrc", ".node-version"]) {
    const text = await read(root, file);
    if (text?.trim()) {
      facts.push({
        language: "node",
        detail: `node ${text.trim()}`,
        source: file,
      });
    }
  }
  for (const file of ["deno.json", "deno.jsonc"]) {
    const text = await read(root, file);
    if (text === null) continue;
    const json = jsonObject(text);
    const strict = (json.compilerOptions as Record<string, unknown> | undefined)
      ?.strict;
    facts.push({
      language: "deno",
      detail: `deno project${strict === true ? ", strict TypeScript" : ""}`,
      source: file,
    });
    break;
  }
  const pyproject = await read(root, "pyproject.toml");
  if (pyproject !== null) {
    const requires = tomlString(pyproject, "project", "requires-python") ??
      tomlString(pyproject, "tool.poetry.dependencies", "python");
    if (requires) {
      facts.push({
        language: "python",
        detail: `python ${requires}`,
        source: "pyproject.toml",
      });
    }
  }
  const pythonVersion = await read(root, ".python-version");
  if (pythonVersion?.trim()) {
    facts.push({
      language: "python",
      detail: `python ${pythonVersion.trim()}`,
      source: ".python-version",
    });
  }
  const gomod = await read(root, "go.mod");
  if (gomod !== null) {
    const go = /^\s*go\s+(\S+)/m.exec(gomod)?.[1];
    facts.push({
      language: "go",
      detail: go ? `go ${go}` : "go (no version)",
      source: "go.mod",
    });
  }
  return facts;
}

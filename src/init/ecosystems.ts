/**
 * What `init` reads from each kind of project: its manifest, the name and
 * language it gives, and its lint/test/build commands.
 * @module
 */

import { basename, join } from "node:path";
import { parseJsonc } from "../text/jsonc.ts";
import { tomlString } from "../text/toml_value.ts";
import { hasTestFile } from "./test_files.ts";
import { isOsError } from "../exec/os_error.ts";
import { readRegularText } from "../fs/regular_file.ts";

/** The commands `init` looks for, in the order they run. */
export const COMMAND_NAMES = ["lint", "test", "build"] as const;

/** One of {@link COMMAND_NAMES}. */
export type CommandName = typeof COMMAND_NAMES[number];

/** A command found for a project. */
export interface FoundCommand {
  run: string;
  /** Whether the project names it itself (a script, task or make target): it wins over a tool's convention. */
  declared: boolean;
  /**
   * Whether a starter task may run it: the project names it, or it is the
   * tool's test command and it passes without tests or there are tests.
   * Conventional lint commands are not: they may well fail on the project
   * as it is.
   */
  starter: boolean;
}

/** What one manifest says about the project. */
export interface Detection {
  /** The manifest read, e.g. `package.json`. */
  manifest: string;
  /** A word on how the commands were chosen, e.g. `pnpm (pnpm-lock.yaml)`. */
  note?: string;
  name?: string;
  language?: string;
  commands: Partial<Record<CommandName, FoundCommand>>;
}

/** The project folder as `init` sees it: its path and the names of the files in it. */
export interface ProjectDir {
  path: string;
  names: ReadonlySet<string>;
  /** Warnings for manifests that could not be read. */
  warnings: string[];
}

/** A kind of project, recognised by its manifest. */
type Detector = (dir: ProjectDir) => Promise<Detection | null>;

/**
 * Every kind of project `init` knows, in order of precedence (a Deno
 * project may carry a package.json for its npm dependencies).
 */
export const DETECTORS: readonly Detector[] = [
  detectDeno,
  detectNode,
  detectCargo,
  detectGo,
  detectPython,
  detectMake,
];

/** The placeholder that `npm init` writes: not a test command. */
const NPM_PLACEHOLDER = /no test specified/;

const LOCKFILES: readonly [string, string][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lockb", "bun"],
  ["bun.lock", "bun"],
  ["package-lock.json", "npm"],
];

async function detectNode(dir: ProjectDir): Promise<Detection | null> {
  const pkg = await readManifest(dir, "package.json", JSON.parse);
  if (pkg === null) return null;
  const scripts = record(pkg.scripts);
  const lock = LOCKFILES.find(([file]) => dir.names.has(file));
  const field = typeof pkg.packageManager === "string"
    ? /^(npm|pnpm|yarn|bun)@/.exec(pkg.packageManager)?.[1]
    : undefined;
  const manager = lock?.[1] ?? field ?? "npm";
  const commands: Detection["commands"] = {};
  for (const name of COMMAND_NAMES) {
    const script = scripts[name];
    if (typeof script !== "string" || script.trim() === "") continue;
    if (name === "test" && NPM_PLACEHOLDER.test(script)) continue;
    commands[name] = declared(`${manager} run ${name}`);
  }
  const typescript = dir.names.has("tsconfig.json") ||
    "typescript" in record(pkg.devDependencies) ||
    "typescript" in record(pkg.dependencies);
  return {
    manifest: "package.json",
    note: lock
      ? `${manager}, from ${lock[0]}`
      : field
      ? `${manager}, from "packageManager"`
      : manager,
    ...(typeof pkg.name === "string" && pkg.name ? { name: pkg.name } : {}),
    language: typescript ? "typescript" : "javascript",
    commands,
  };
}

async function detectDeno(dir: ProjectDir): Promise<Detection | null> {
  const manifest = ["deno.json", "deno.jsonc"].find((f) => dir.names.has(f));
  if (manifest === undefined) return null;
  const config = await readManifest(dir, manifest, parseJsonc);
  if (config === null || onlyOrchestrateImport(config)) return null;
  const tasks = record(config.tasks);
  const commands: Detection["commands"] = {};
  for (const name of COMMAND_NAMES) {
    if (name in tasks) {
      commands[name] = declared(`deno task ${name}`);
    }
  }
  // `deno test` fails when there is no test module: a starter task runs it only when there is one.
  commands.lint ??= convention("deno lint", false);
  commands.test ??= convention(
    "deno test",
    await hasTestFile(dir.path, /^(.*[._])?test\.(ts|tsx|mts|js|mjs|jsx)$/),
  );
  return {
    manifest,
    ...(typeof config.name === "string" && config.name
      ? { name: config.name }
      : {}),
    language: "typescript",
    commands,
  };
}

/** A deno.json `init --ts` wrote for the DSL's import alone: no sign of a Deno project. */
function onlyOrchestrateImport(config: Record<string, unknown>): boolean {
  const keys = Object.keys(config);
  return keys.length === 1 && keys[0] === "imports" &&
    Object.keys(record(config.imports)).join() === "orchestrate";
}

async function detectCargo(dir: ProjectDir): Promise<Detection | null> {
  const text = await readText(dir, "Cargo.toml");
  if (text === null) return null;
  const name = tomlString(text, "package", "name");
  return {
    manifest: "Cargo.toml",
    ...(name ? { name } : {}),
    language: "rust",
    commands: {
      lint: convention("cargo clippy", false),
      test: convention("cargo test", true), // passes with no tests
      // A plain build: a release build belongs under `release:`, which runs once after the DAG.
      build: convention("cargo build", false),
    },
  };
}

async function detectGo(dir: ProjectDir): Promise<Detection | null> {
  const text = await readText(dir, "go.mod");
  if (text === null) return null;
  const module = /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1];
  // example.com/tool/v2 is "tool".
  const name = module?.split("/").filter((p) => !/^v\d+$/.test(p)).at(-1);
  return {
    manifest: "go.mod",
    ...(name ? { name } : {}),
    language: "go",
    commands: {
      lint: convention("go vet ./...", false),
      test: convention("go test ./...", true), // passes with no tests
      build: convention("go build ./...", false),
    },
  };
}

const PYTHON_MANIFESTS = [
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "pytest.ini",
  "requirements.txt",
];

async function detectPython(dir: ProjectDir): Promise<Detection | null> {
  const manifest = PYTHON_MANIFESTS.find((f) => dir.names.has(f));
  if (manifest === undefined) return null;
  const pyproject = dir.names.has("pyproject.toml")
    ? await readText(dir, "pyproject.toml")
    : null;
  const name = pyproject === null
    ? undefined
    : tomlString(pyproject, "project", "name") ??
      tomlString(pyproject, "tool.poetry", "name");
  // pytest exits 5 when it collects no test: a starter task runs it only when there are tests.
  const tests = await hasTestFile(dir.path, /^(test_.*|.*_test)\.py$/);
  const python = onPath("python")
    ? "python"
    : onPath("python3")
    ? "python3"
    : null;
  const pytest = python ? `${python} -m pytest` : "pytest";
  // A src layout's tests must import the package from src/, not an
  // installed (possibly older) copy: unless pytest's own config says so.
  const srcLayout = await isDirectory(join(dir.path, "src")) &&
    !/^\s*pythonpath\s*=.*\bsrc\b/m.test(pyproject ?? "");
  return {
    manifest,
    ...(srcLayout
      ? {
        note:
          "src layout: tests run with PYTHONPATH=src so they import the package from src/, not an installed copy that may be older (or install it editable: pip install -e .)",
      }
      : {}),
    ...(name ? { name } : {}),
    language: "python",
    commands: {
      test: convention(srcLayout ? `PYTHONPATH=src ${pytest}` : pytest, tests),
    },
  };
}

const MAKEFILES = ["GNUmakefile", "makefile", "Makefile"];

async function detectMake(dir: ProjectDir): Promise<Detection | null> {
  const file = MAKEFILES.find((f) => dir.names.has(f));
  if (file === undefined) return null;
  const text = await readText(dir, file);
  if (text === null) return null;
  const targets = new Set<string>();
  for (const [, list] of text.matchAll(/^([A-Za-z0-9_.\/ -]+?)\s*::?(?!=)/gm)) {
    for (const target of list!.split(/\s+/)) targets.add(target);
  }
  const commands: Detection["commands"] = {};
  for (const name of COMMAND_NAMES) {
    if (targets.has(name)) commands[name] = declared(`make ${name}`);
  }
  if (!commands.build && targets.has("all")) {
    commands.build = declared("make all");
  }
  if (Object.keys(commands).length === 0) return null;
  return { manifest: file, commands };
}

function declared(run: string): FoundCommand {
  return { run, declared: true, starter: true };
}

function convention(run: string, starter: boolean): FoundCommand {
  return { run, declared: false, starter };
}

/** The folder's name, the project's name when no manifest gives one. */
export function folderName(dir: ProjectDir): string {
  return basename(dir.path) || "my-project";
}

/** A manifest (a Makefile included) larger than this is not one to read. */
export const MANIFEST_MAX_BYTES = 8 * 1024 * 1024;

/**
 * The text of a manifest, or null when there is none; one that cannot be
 * read (a folder, a pipe, a symlink loop, too large, no permission) is
 * skipped with a warning: init still writes a plan.
 */
async function readText(dir: ProjectDir, file: string): Promise<string | null> {
  if (!dir.names.has(file)) return null;
  try {
    return await readRegularText(join(dir.path, file), MANIFEST_MAX_BYTES);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    if (!isOsError(e)) throw e;
    dir.warnings.push(`Cannot read ${file}: ${(e as Error).message}; skipped`);
    return null;
  }
}

/** A JSON-like manifest's top-level object, or `null` (with a warning when it is broken). */
async function readManifest(
  dir: ProjectDir,
  file: string,
  parse: (text: string) => unknown,
): Promise<Record<string, unknown> | null> {
  const text = await readText(dir, file);
  if (text === null) return null;
  try {
    return record(parse(text.replace(/^\uFEFF/, "")));
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    dir.warnings.push(`Cannot read ${file}: ${e.message}; skipped`);
    return null;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

/** Whether a program of that name is on PATH (with a Windows extension there). */
function onPath(program: string): boolean {
  const windows = Deno.build.os === "windows";
  const suffixes = windows ? [".exe", ".cmd", ".bat"] : [""];
  for (
    const folder of (Deno.env.get("PATH") ?? "").split(windows ? ";" : ":")
  ) {
    if (folder === "") continue;
    for (const suffix of suffixes) {
      try {
        if (Deno.statSync(join(folder, program + suffix)).isFile) return true;
      } catch (e) {
        if (
          e instanceof Deno.errors.NotFound ||
          e instanceof Deno.errors.NotADirectory ||
          e instanceof Deno.errors.PermissionDenied
        ) continue;
        throw e;
      }
    }
  }
  return false;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

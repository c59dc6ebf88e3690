/**
 * The conventions a project declares in its own files, for a brief: its
 * changelog and where new entries go, the version markers its docs use,
 * its formatter and linter settings, its test layout and shared fixtures,
 * pytest's configuration, and how a src-layout Python package reaches its
 * tests. Read from a few known files and the index's file list only.
 * @module
 */

import { join } from "../fs/path.ts";
import { readRegularText } from "../fs/regular_file.ts";
import { parseJsonc } from "../text/jsonc.ts";

/** One convention, with the file it comes from. */
export interface Convention {
  /** `changelog`, `docs`, `format`, `lint`, `tests`, `imports`. */
  topic: string;
  detail: string;
  source: string;
}

const MAX_BYTES = 2 * 1024 * 1024;

async function read(root: string, file: string): Promise<string | null> {
  try {
    return await readRegularText(join(root, file), MAX_BYTES);
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.IsADirectory ||
      e instanceof Deno.errors.InvalidData
    ) return null;
    throw e;
  }
}

/** The lines of TOML table `[name]` (up to the next table), or null. */
function tomlTable(text: string, name: string): string | null {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (at < 0) return null;
  const end = lines.findIndex((l, i) => i > at && /^\s*\[/.test(l));
  return lines.slice(at + 1, end < 0 ? undefined : end)
    .filter((l) => l.trim() !== "" && !l.trim().startsWith("#")).join("\n");
}

/** `key = value` pairs of a small config, joined on one line. */
function settings(body: string, max = 6): string {
  return body.split("\n").map((l) => l.trim()).filter((l) =>
    /^[\w.-]+\s*=/.test(l)
  )
    .slice(0, max).map((l) => l.replace(/\s*=\s*/, " = ")).join(", ");
}

/**
 * The conventions of the project at `root`, given its indexed `paths`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectConventions } from "./conventions.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(`${dir}/CHANGELOG.md`, "# Changes\n\n## Unreleased\n\n## 1.0\n");
 * const found = await detectConventions(dir, ["CHANGELOG.md"]);
 * assert.deepEqual(found, [{
 *   topic: "changelog",
 *   detail: 'new entries go under "## Unreleased"',
 *   source: "CHANGELOG.md",
 * }]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function detectConventions(
  root: string,
  paths: readonly string[],
  find?: (text: string) => Promise<{ path: string; line: number }[]>,
): Promise<Convention[]> {
  const out: Convention[] = [];
  const has = new Set(paths);
  const top = paths.filter((p) => !p.includes("/"));
  const changelog = top.find((p) =>
    /^(?:CHANGELOG|CHANGES|HISTORY|NEWS)(?:\.(?:md|rst|txt))?$/i.test(p)
  );
  if (changelog) {
    const text = await read(root, changelog) ?? "";
    const unreleased = /^(#{1,4}\s*\[?unreleased\]?.*)$/im.exec(text)?.[1];
    const newest = /^(#{2,4}\s*\S.*)$/m.exec(text)?.[1];
    out.push({
      topic: "changelog",
      detail: unreleased
        ? `new entries go under "${unreleased.trim()}"`
        : newest
        ? `newest section first, like "${newest.trim()}"`
        : "present",
      source: changelog,
    });
  }
  // Version markers the docs already use, so new ones match.
  for (const marker of [".. versionchanged::", ".. versionadded::", "@since"]) {
    const hits = find ? await find(marker) : [];
    if (hits.length === 0) continue;
    out.push({
      topic: "docs",
      detail: `\`${marker}\` markers in use (${hits.length}${
        hits.length >= 20 ? "+" : ""
      })`,
      source: `${hits[0]!.path}:${hits[0]!.line}`,
    });
  }
  // Formatters and linters, from their own files.
  const configs: [RegExp, string, string][] = [
    [/^\.?rustfmt\.toml$/, "format", "rustfmt"],
    [/^clippy\.toml$/, "lint", "clippy"],
    [/^ruff\.toml$|^\.ruff\.toml$/, "lint", "ruff"],
    [/^\.flake8$/, "lint", "flake8"],
    [/^\.eslintrc(?:\.\w+)?$|^eslint\.config\.\w+$/, "lint", "eslint"],
    [/^\.prettierrc(?:\.\w+)?$|^prettier\.config\.\w+$/, "format", "prettier"],
    [/^biome\.jsonc?$/, "format", "biome"],
    [/^\.golangci\.ya?ml$/, "lint", "golangci-lint"],
    [/^\.editorconfig$/, "format", "editorconfig"],
  ];
  for (const file of top) {
    const known = configs.find(([re]) => re.test(file));
    if (!known) continue;
    const text = await read(root, file) ?? "";
    const body = file === ".editorconfig"
      ? settings(tomlTable(text, "*") ?? "")
      : /\.toml$|^\.flake8$/.test(file)
      ? settings(text)
      : "";
    out.push({
      topic: known[1],
      detail: `${known[2]}${body ? `: ${body}` : ""}`,
      source: file,
    });
  }
  const pyproject = has.has("pyproject.toml")
    ? await read(root, "pyproject.toml")
    : null;
  if (pyproject !== null) {
    for (
      const [table, topic, tool] of [
        ["tool.ruff", "lint", "ruff"],
        ["tool.black", "format", "black"],
        ["tool.isort", "format", "isort"],
        ["tool.mypy", "lint", "mypy"],
      ] as const
    ) {
      const body = tomlTable(pyproject, table);
      if (body !== null) {
        const set = settings(body);
        out.push({
          topic,
          detail: `${tool}${set ? `: ${set}` : ""}`,
          source: `pyproject.toml [${table}]`,
        });
      }
    }
    const pytest = tomlTable(pyproject, "tool.pytest.ini_options");
    if (pytest !== null) {
      out.push({
        topic: "tests",
        detail: `pytest${settings(pytest) ? `: ${settings(pytest)}` : ""}`,
        source: "pyproject.toml [tool.pytest.ini_options]",
      });
    }
  }
  if (has.has("pytest.ini")) {
    out.push({ topic: "tests", detail: "pytest", source: "pytest.ini" });
  }
  for (const file of ["deno.json", "deno.jsonc"]) {
    if (!has.has(file)) continue;
    let json: Record<string, unknown> = {};
    try {
      json = (parseJsonc(await read(root, file) ?? "{}") ?? {}) as Record<
        string,
        unknown
      >;
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
    }
    for (const key of ["fmt", "lint"] as const) {
      if (json[key] !== undefined) {
        out.push({
          topic: key === "fmt" ? "format" : "lint",
          detail: `deno ${key} ${JSON.stringify(json[key])}`.slice(0, 200),
          source: file,
        });
      }
    }
    break;
  }
  const pkg = has.has("package.json") ? await read(root, "package.json") : null;
  if (pkg !== null && /"(?:prettier|eslintConfig)"\s*:/.test(pkg)) {
    out.push({
      topic: "format",
      detail: "prettier or eslint settings in package.json",
      source: "package.json",
    });
  }
  out.push(...testLayout(paths));
  // A src-layout package: its tests import it from src/, not from an
  // installed (older) copy.
  const srcPackage = paths.find((p) =>
    /^src\/[A-Za-z_]\w*\/__init__\.py$/.test(p)
  );
  if (srcPackage && pyproject !== null) {
    const name = srcPackage.split("/")[1];
    out.push({
      topic: "imports",
      detail:
        `src layout: tests import \`${name}\` from src/ only with \`PYTHONPATH=src python -m pytest\` or after \`pip install -e .\`; a bare \`python -m pytest\` may import an installed older copy`,
      source: srcPackage,
    });
  }
  return out;
}

/** Where the tests are, how they are named, and their shared fixtures. */
function testLayout(paths: readonly string[]): Convention[] {
  const patterns: [RegExp, string][] = [
    [/(?:^|\/)test_[^/]+\.py$/, "test_*.py"],
    [/_test\.py$/, "*_test.py"],
    [/_test\.(?:ts|tsx|js|mjs)$/, "*_test.ts"],
    [/\.(?:test|spec)\.(?:ts|tsx|js|mjs|jsx)$/, "*.test.ts / *.spec.ts"],
    [/_test\.go$/, "*_test.go"],
    [/^tests\/[^/]+\.rs$/, "tests/*.rs (integration tests)"],
  ];
  const counts = new Map<string, number>();
  const folders = new Map<string, number>();
  for (const path of paths) {
    const named = patterns.find(([re]) => re.test(path));
    if (!named) continue;
    counts.set(named[1], (counts.get(named[1]) ?? 0) + 1);
    const folder = /^(tests?|spec|__tests__)\//.exec(path)?.[1] ??
      "beside the code";
    folders.set(folder, (folders.get(folder) ?? 0) + 1);
  }
  if (counts.size === 0) return [];
  const by = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`).join(
      ", ",
    );
  const shared = paths.filter((p) =>
    /(?:^|\/)conftest\.py$|^tests?\/(?:fixtures|common|helpers?|support)\/|^tests?\/_[^/]+\.(?:ts|js|py)$|^tests\/common\/mod\.rs$/
      .test(p)
  );
  const sharedRoots = [
    ...new Set(
      shared.map((p) =>
        /^(tests?\/(?:fixtures|common|helpers?|support))\//.exec(p)?.[1]
          ? `${
            /^(tests?\/(?:fixtures|common|helpers?|support))\//.exec(p)![1]
          }/`
          : p
      ),
    ),
  ].slice(0, 6);
  return [{
    topic: "tests",
    detail: `files ${by(counts)}; in ${by(folders)}${
      sharedRoots.length > 0
        ? `; shared fixtures: ${sharedRoots.join(", ")}`
        : ""
    }`,
    source: "file layout",
  }];
}

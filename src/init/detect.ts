/**
 * What `init` learns about a project from its folder: name, language,
 * lint/test/build commands and README.
 * @module
 */

import {
  COMMAND_NAMES,
  type CommandName,
  type Detection,
  DETECTORS,
  folderName,
  type FoundCommand,
  type ProjectDir,
} from "./ecosystems.ts";

export { COMMAND_NAMES } from "./ecosystems.ts";
export type { CommandName, FoundCommand } from "./ecosystems.ts";

/** What `init` knows about a project. */
export interface ProjectFacts {
  name: string;
  language?: string;
  /** The manifests read, in order of precedence, each with its note. */
  found: { manifest: string; note?: string }[];
  /** The commands chosen: the project's own before a tool's convention, then by precedence. */
  commands: Partial<Record<CommandName, FoundCommand>>;
  /** The README's file name as it is spelled in the folder, if there is one. */
  readme?: string;
  /** Manifests that could not be read. */
  warnings: string[];
}

/**
 * Reads the project in `path` (not its subfolders, except to look for
 * tests): package.json, deno.json(c), Cargo.toml, go.mod, pyproject.toml
 * and friends, a Makefile, and the README (any case).
 *
 * @param path The project's folder.
 * @returns What was found; a folder with none of these gives its own name and no commands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { join } from "node:path";
 * import { detectProject } from "./detect.ts";
 * const dir = Deno.makeTempDirSync();
 * Deno.writeTextFileSync(join(dir, "Cargo.toml"), '[package]\nname = "demo"\n');
 * Deno.writeTextFileSync(join(dir, "readme.md"), "# demo\n");
 * const facts = await detectProject(dir);
 * assert.equal(facts.name, "demo");
 * assert.equal(facts.commands.test?.run, "cargo test");
 * assert.equal(facts.readme, "readme.md");
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export async function detectProject(path: string): Promise<ProjectFacts> {
  const names = new Set<string>();
  for await (const entry of Deno.readDir(path)) {
    if (!entry.isDirectory) names.add(entry.name); // manifests and READMEs are files
  }
  const dir: ProjectDir = { path, names, warnings: [] };
  const detections: Detection[] = [];
  for (const detect of DETECTORS) {
    const detection = await detect(dir);
    if (detection) detections.push(detection);
  }
  const commands: ProjectFacts["commands"] = {};
  for (const name of COMMAND_NAMES) {
    const all = detections.flatMap((d) => d.commands[name] ?? []);
    const chosen = all.find((c) => c.declared) ?? all[0];
    if (chosen) commands[name] = chosen;
  }
  const language = detections.find((d) => d.language)?.language;
  const readme = findReadme(names);
  return {
    name: detections.find((d) => d.name)?.name ?? folderName(dir),
    ...(language ? { language } : {}),
    found: detections.map((d) => ({
      manifest: d.manifest,
      ...(d.note ? { note: d.note } : {}),
    })),
    commands,
    ...(readme ? { readme } : {}),
    warnings: dir.warnings,
  };
}

/** README.md as spelled, else another README (any case, any extension): `.md` first. */
function findReadme(names: ReadonlySet<string>): string | undefined {
  const readmes = [...names].filter((n) => /^readme(\.[^.]+)?$/i.test(n))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return readmes[0];
}

function rank(name: string): number {
  if (name === "README.md") return 0;
  if (/\.md$/i.test(name)) return 1;
  return 2;
}

/**
 * `orchestrate init [--ts] [--force]`: write a starter plan for the project
 * in the working folder, with its real name, language and commands (see
 * `init/detect.ts`), keep orchestrate's run files out of git, and say what
 * to commit. With `--ts`, also the DSL copy `.codex/orchestrate.ts` and the
 * `deno.json` import map entry that makes `from "orchestrate"` resolve to
 * it; `init --ts --update` refreshes that copy (and entry) only.
 * @module
 */

import { join } from "../fs/path.ts";
import { defineCommand } from "./command.ts";
import { UsageError } from "./errors.ts";
import type { ExitCode } from "../exit_code.ts";
import { print, printError } from "../output/stdio.ts";
import { PLAN_FILE_NAMES } from "../plan/discover.ts";
import { DSL_COPY_PATH } from "../init/dsl_copy.ts";
import type { ImportChange } from "../init/deno_config.ts";
import { VERSION } from "../version.ts";
import { exists as pathExists } from "../fs/exists.ts";
import { isOsError } from "../exec/os_error.ts";
import { readRegularText, refuseSpecialFile } from "../fs/regular_file.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";

const SCHEMA_PATH = ".codex/orchestrator.schema.json";

/** The `init` command. */
export const initCommand = defineCommand({
  name: "init",
  summary:
    "Write a starter orchestrator.yml (or .ts with --ts) with this project's commands",
  options: {
    ts: {
      type: "boolean",
      description: "Write orchestrator.ts using the typed DSL",
    },
    force: { type: "boolean", description: "Overwrite existing files" },
    update: {
      type: "boolean",
      description:
        "With --ts: refresh .codex/orchestrate.ts (the DSL copy) and the deno.json import entry, not the plan",
    },
  },
  async run({ options }) {
    const ts = options.ts === true;
    if (options.update) {
      if (!ts) {
        throw new UsageError(
          "--update refreshes the TypeScript DSL copy: use init --ts --update",
        );
      }
      return await updateDsl();
    }
    const target = ts ? "orchestrator.ts" : "orchestrator.yml";
    if (!options.force) {
      // A plan above governs this folder already: a second one here would split the project.
      const { findPlan } = await import("../plan/discover.ts");
      const { dirname, relative } = await import("../fs/path.ts");
      const above = findPlan(Deno.cwd());
      if (above.found && dirname(above.path) !== Deno.cwd()) {
        throw new UsageError(
          `This folder is already in the project of ${
            relative(Deno.cwd(), above.path)
          }: orchestrate commands run here use that plan. Edit it, or use --force to write a separate plan in this folder`,
        );
      }
      // Any plan here would shadow (or be shadowed by) the new one.
      for (const name of [target, ...PLAN_FILE_NAMES]) {
        if (!await exists(name)) continue;
        throw new UsageError(
          name === target
            ? `${target} already exists; use --force to overwrite it`
            : `${name} already exists (a plan is already here); use --force to write ${target} anyway`,
        );
      }
    }
    // Opening a pipe to write waits for a reader forever: refused before anything is written.
    for (const path of [target, ts ? DSL_COPY_PATH : SCHEMA_PATH]) {
      await refuseSpecialFile(path);
    }
    // Detection and the templates are for init only: loaded here, not at every start.
    const { detectProject } = await import("../init/detect.ts");
    const { starterPlan, starterTs, starterYaml } = await import(
      "../init/starter_plan.ts"
    );
    const { ignoreRunFiles, IGNORED_LINES } = await import(
      "../init/gitignore.ts"
    );
    const cwd = Deno.cwd();
    // Refused before anything is written: a deno.jsonc init cannot edit.
    const config = ts ? await importEntry() : undefined;
    const facts = await detectProject(cwd);
    for (const warning of facts.warnings) printError(`warning: ${warning}`);
    const plan = starterPlan(facts);
    await Deno.mkdir(".codex", { recursive: true });
    let companion: string;
    if (ts) {
      await writeDslCopy();
      await writeProjectFile(target, starterTs(plan));
      companion = `${DSL_COPY_PATH}, ${config!.file}`;
      print(
        `Wrote ${target} and ${DSL_COPY_PATH} (the typed DSL; check with "deno check ${target}", or "orchestrate plan check" without Deno)`,
      );
      await applyImportEntry(config!);
    } else {
      const { default: schema } = await import(
        "../../schema/orchestrator.schema.json",
        { with: { type: "json" } }
      );
      await writeProjectFile(
        SCHEMA_PATH,
        JSON.stringify(schema, null, 2) + "\n",
      );
      await writeProjectFile(target, starterYaml(plan, SCHEMA_PATH));
      companion = SCHEMA_PATH;
      print(`Wrote ${target} and ${SCHEMA_PATH} (for editor completion)`);
    }
    const build = Object.entries(plan.build);
    print(
      build.length > 0
        ? `Project "${plan.name}"${
          plan.language ? ` (${plan.language})` : ""
        }, commands from ${plan.found.join(", ")}: ${
          build.map(([k, v]) => `${k} "${v}"`).join(", ")
        }`
        : `Project "${plan.name}": no lint/test/build commands found; add yours under project.build`,
    );
    print(
      `Starter tasks (they pass on the project as it is): ${
        plan.tasks.map((t) => `${t.id} ${t.title}`).join("; ")
      }`,
    );
    let change: Awaited<ReturnType<typeof ignoreRunFiles>>;
    try {
      change = await ignoreRunFiles(cwd);
    } catch (e) {
      if (!isOsError(e)) throw e;
      // The plan is written; the lines are a convenience the user can add.
      printError(
        `warning: Cannot update .gitignore: ${
          (e as Error).message
        }; add these lines to it yourself: ${IGNORED_LINES.join(" ")}`,
      );
      change = "unchanged";
    }
    if (change !== "unchanged") {
      print(
        `${change === "created" ? "Created" : "Added to"} .gitignore: ${
          IGNORED_LINES.join(" ")
        }`,
      );
    }
    print(`Commit: ${target}, ${companion}, .gitignore`);
    print(
      "Not committed: TASKS.md, the dashboard every run rebuilds from the logs in .codex/runs/ (ignored; remove /TASKS.md from .gitignore to commit it)",
    );
    print("Next: orchestrate run --dry-run, then orchestrate run");
    return 0;
  },
});

/** A deno.json(c) larger than this is not one init edits. */
const CONFIG_MAX_BYTES = 8 * 1024 * 1024;

/** `init --ts --update`: a fresh DSL copy and import entry; the plan is left alone. */
async function updateDsl(): Promise<ExitCode> {
  const config = await importEntry();
  await refuseSpecialFile(DSL_COPY_PATH);
  const { copyVersion, DSL_MAX_BYTES } = await import("../init/dsl_copy.ts");
  const before = await readRegularText(DSL_COPY_PATH, DSL_MAX_BYTES).then(
    (text) => copyVersion(text) ?? "no version line",
    (e) => {
      if (e instanceof Deno.errors.NotFound) return undefined;
      throw e;
    },
  );
  await Deno.mkdir(".codex", { recursive: true });
  await writeDslCopy();
  print(
    `${
      before === undefined ? "Wrote" : "Updated"
    } ${DSL_COPY_PATH} to orchestrate ${VERSION}${
      before === undefined ? "" : ` (was ${before})`
    }; the plan is unchanged`,
  );
  await applyImportEntry(config);
  return 0;
}

async function writeDslCopy(): Promise<void> {
  const { dslCopyText } = await import("../init/dsl_copy.ts");
  // The built-in DSL, read now: a compiled binary embeds it (scripts/compile.ts).
  const dsl = await Deno.readTextFile(
    new URL("../dsl/dsl.ts", import.meta.url),
  );
  await writeProjectFile(DSL_COPY_PATH, dslCopyText(dsl));
}

/** The config file init edits for the import entry, and what it does to it. */
interface ConfigEdit {
  file: string;
  change: ImportChange;
}

/**
 * How `deno.json` (else `deno.jsonc`, else a new `deno.json`) gets the
 * `"orchestrate"` import entry.
 * @throws {UsageError} When the file cannot be edited safely.
 */
async function importEntry(): Promise<ConfigEdit> {
  const { addImport } = await import("../init/deno_config.ts");
  for (const file of ["deno.json", "deno.jsonc"]) {
    let text: string;
    try {
      text = await readRegularText(file, CONFIG_MAX_BYTES);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const change = addImport(text, "orchestrate", `./${DSL_COPY_PATH}`);
    if (change.kind === "refused") {
      throw new UsageError(
        `Cannot add the "orchestrate" import to ${file}: ${change.reason}. ` +
          `Add "imports": { "orchestrate": "./${DSL_COPY_PATH}" } to it yourself, then run init again`,
      );
    }
    return { file, change };
  }
  return {
    file: "deno.json",
    change: addImport(undefined, "orchestrate", `./${DSL_COPY_PATH}`),
  };
}

async function applyImportEntry({ file, change }: ConfigEdit): Promise<void> {
  if (change.kind === "write") {
    await writeProjectFile(file, change.text);
    print(
      `Added to ${file}: "imports": { "orchestrate": "./${DSL_COPY_PATH}" } (for deno check and editors)`,
    );
  } else if (
    change.kind === "unchanged" && change.current !== `./${DSL_COPY_PATH}`
  ) {
    printError(
      `warning: ${file} maps "orchestrate" to ${
        JSON.stringify(change.current)
      }, not ./${DSL_COPY_PATH}; left as is`,
    );
  }
}

function exists(path: string): Promise<boolean> {
  return pathExists(join(Deno.cwd(), path));
}

/**
 * Writes one of the files init creates or edits whole or not at all (a
 * full disk or a kill mid-write must not leave a user's deno.json cut
 * short): a temporary file beside it, renamed over it. An existing file
 * keeps its permission bits, and a symbolic link keeps pointing at it (the
 * file it leads to is the one replaced).
 */
async function writeProjectFile(path: string, text: string): Promise<void> {
  let target = path;
  let mode: number | undefined;
  try {
    target = await Deno.realPath(path);
    mode = (await Deno.stat(target)).mode ?? undefined;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  writeFileAtomic(
    target,
    text,
    mode === undefined ? {} : { mode: mode & 0o7777 },
  );
}

/**
 * `orchestrate init [--ts] [--force]`: write a starter plan for the project
 * in the working folder, with its real name, language and commands (see
 * `init/detect.ts`), keep orchestrate's run files out of git, and say what
 * to commit.
 * @module
 */

import { join } from "../path.ts";
import { defineCommand } from "./command.ts";
import { UsageError } from "./errors.ts";
import { print, printError } from "../output/stdio.ts";
import { PLAN_FILE_NAMES } from "../plan/discover.ts";

const SCHEMA_PATH = ".codex/orchestrator.schema.json";
const DSL_PATH = ".codex/orchestrate.ts";

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
  },
  async run({ options }) {
    const ts = options.ts === true;
    const target = ts ? "orchestrator.ts" : "orchestrator.yml";
    if (!options.force) {
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
    // Detection and the templates are for init only: loaded here, not at every start.
    const { detectProject } = await import("../init/detect.ts");
    const { starterPlan, starterTs, starterYaml } = await import(
      "../init/starter_plan.ts"
    );
    const { ignoreRunFiles, IGNORED_LINES } = await import(
      "../init/gitignore.ts"
    );
    const cwd = Deno.cwd();
    const facts = await detectProject(cwd);
    for (const warning of facts.warnings) printError(`warning: ${warning}`);
    const plan = starterPlan(facts);
    await Deno.mkdir(".codex", { recursive: true });
    let companion: string;
    if (ts) {
      const dsl = await Deno.readTextFile(
        new URL("../dsl/dsl.ts", import.meta.url),
      );
      await Deno.writeTextFile(DSL_PATH, dsl);
      await Deno.writeTextFile(target, starterTs(plan, DSL_PATH));
      companion = DSL_PATH;
      print(
        `Wrote ${target} and ${DSL_PATH} (the typed DSL; check with "deno check ${target}")`,
      );
    } else {
      const { default: schema } = await import(
        "../../schema/orchestrator.schema.json",
        { with: { type: "json" } }
      );
      await Deno.writeTextFile(
        SCHEMA_PATH,
        JSON.stringify(schema, null, 2) + "\n",
      );
      await Deno.writeTextFile(target, starterYaml(plan, SCHEMA_PATH));
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
    const change = await ignoreRunFiles(cwd);
    if (change !== "unchanged") {
      print(
        `${change === "created" ? "Created" : "Added to"} .gitignore: ${
          IGNORED_LINES.join(" ")
        }`,
      );
    }
    print(`Commit: ${target}, ${companion}, .gitignore`);
    print("Next: orchestrate run --dry-run, then orchestrate run");
    return 0;
  },
});

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(join(Deno.cwd(), path));
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * `orchestrate init [--ts] [--force]`: write a starter plan.
 * @module
 */

import { join } from "../path.ts";
import { defineCommand } from "./command.ts";
import { UsageError } from "./errors.ts";
import { print } from "../output/stdio.ts";
import { PLAN_FILE_NAMES } from "../plan/discover.ts";

const SCHEMA_PATH = ".codex/orchestrator.schema.json";
const DSL_PATH = ".codex/orchestrate.ts";

const YAML_STARTER = `# yaml-language-server: $schema=./${SCHEMA_PATH}
version: 1
project:
  name: my-project
  build:
    test: "echo 'replace with your test command'"
orchestrator:
  strategy: conservative
  approvals:
    required: []

tasks:
  - id: SETUP-001
    title: Write the README
    type: docs
    paths:
      preferred: [README.md]
    commands: {}
    acceptance:
      - "File exists: README.md"
    dependencies: []
`;

const TS_STARTER =
  `import { definePlan, defineTask, fileExists } from "./${DSL_PATH}";

const readme = defineTask({
  id: "SETUP-001",
  title: "Write the README",
  type: "docs",
  paths: { preferred: ["README.md"] },
  commands: {},
  acceptance: [fileExists("README.md")],
});

export default definePlan({
  version: 1,
  project: { name: "my-project", build: { test: "echo 'replace with your test command'" } },
  orchestrator: { strategy: "conservative", approvals: { required: [] } },
  tasks: [readme],
});
`;

/** The `init` command. */
export const initCommand = defineCommand({
  name: "init",
  summary: "Write a starter orchestrator.yml (or orchestrator.ts with --ts)",
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
    await Deno.mkdir(".codex", { recursive: true });
    if (ts) {
      const dsl = await Deno.readTextFile(
        new URL("../dsl/dsl.ts", import.meta.url),
      );
      await Deno.writeTextFile(DSL_PATH, dsl);
      await Deno.writeTextFile(target, TS_STARTER);
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
      await Deno.writeTextFile(target, YAML_STARTER);
      print(`Wrote ${target} and ${SCHEMA_PATH} (for editor completion)`);
    }
    print(`Next: orchestrate plan validate --file ${target}`);
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

/**
 * The starter plan `init` writes, from what it learnt about the project:
 * one model, written as YAML or as TypeScript (both compile to the same IR).
 * Every starter task passes on the project as it is.
 * @module
 */

import {
  COMMAND_NAMES,
  type CommandName,
  type ProjectFacts,
} from "./detect.ts";
import { IGNORED_LINES } from "./gitignore.ts";

/** A check of a starter task. */
export type StarterCheck =
  | { kind: "file_exists"; path: string }
  | { kind: "contains"; text: string; file: string };

/** A task of the starter plan. */
export interface StarterTask {
  id: string;
  title: string;
  type: "chore" | "docs" | "test";
  /** Preferred paths. */
  paths: string[];
  commands: Partial<Record<CommandName, string>>;
  acceptance: StarterCheck[];
}

/** The starter plan: the project's facts and the tasks that pass on it as it is. */
export interface StarterPlan {
  name: string;
  language?: string;
  build: Partial<Record<CommandName, string>>;
  tasks: StarterTask[];
  /** Where the commands came from, for a comment at the top. */
  found: string[];
}

/**
 * The starter plan for a project: `project.build` holds every command
 * found; the tasks are a check that `.gitignore` keeps orchestrate's run
 * files out (init writes it), one that the README exists (when it does),
 * and one that runs the lint and test commands the project names itself
 * (a tool's test command too, when it passes without tests or there are
 * tests; never a guessed lint).
 *
 * @param facts What {@link detectProject} found.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { starterPlan } from "./starter_plan.ts";
 * const plan = starterPlan({
 *   name: "demo",
 *   found: [{ manifest: "Cargo.toml" }],
 *   commands: {
 *     lint: { run: "cargo clippy", declared: false, starter: false },
 *     test: { run: "cargo test", declared: false, starter: true },
 *   },
 *   readme: "readme.md",
 *   warnings: [],
 * });
 * assert.deepEqual(plan.build, { lint: "cargo clippy", test: "cargo test" });
 * assert.deepEqual(plan.tasks.map((t) => t.id), ["SETUP-001", "DOCS-001", "TEST-001"]);
 * assert.deepEqual(plan.tasks[2]!.commands, { test: "cargo test" });
 * ```
 */
export function starterPlan(facts: ProjectFacts): StarterPlan {
  const build: StarterPlan["build"] = {};
  const checks: StarterTask["commands"] = {};
  for (const name of COMMAND_NAMES) {
    const found = facts.commands[name];
    if (!found) continue;
    build[name] = found.run;
    if (name !== "build" && found.starter) checks[name] = found.run;
  }
  const tasks: StarterTask[] = [{
    id: "SETUP-001",
    title: "Keep orchestrate's run files out of git",
    type: "chore",
    paths: [".gitignore"],
    commands: {},
    acceptance: [{
      kind: "contains",
      text: IGNORED_LINES[0],
      file: ".gitignore",
    }],
  }];
  if (facts.readme !== undefined) {
    tasks.push({
      id: "DOCS-001",
      title: "The README is in place",
      type: "docs",
      paths: [facts.readme],
      commands: {},
      acceptance: [{ kind: "file_exists", path: facts.readme }],
    });
  }
  if (Object.keys(checks).length > 0) {
    tasks.push({
      id: "TEST-001",
      title: checks.lint === undefined
        ? "The tests pass"
        : checks.test === undefined
        ? "Lint passes"
        : "Lint and tests pass",
      type: "test",
      paths: [],
      commands: checks,
      acceptance: [],
    });
  }
  return {
    name: facts.name,
    ...(facts.language ? { language: facts.language } : {}),
    build,
    tasks,
    found: facts.found.map((f) =>
      f.note ? `${f.manifest} (${f.note})` : f.manifest
    ),
  };
}

const q = (text: string) => JSON.stringify(text);

function headerComments(plan: StarterPlan): string[] {
  return [
    plan.found.length > 0
      ? `Commands found in ${plan.found.join(", ")}.`
      : "No manifest found: add your lint/test/build commands under project.build.",
    "Tasks without `commands` run project.build's lint, test and build.",
  ];
}

function checkString(check: StarterCheck): string {
  return check.kind === "file_exists"
    ? `File exists: ${check.path}`
    : `Contains in ${check.file}: ${check.text}`;
}

/**
 * The starter plan as `orchestrator.yml`, pointing the editor at the schema.
 *
 * @param plan The plan.
 * @param schemaPath The schema copy, relative to the plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { starterYaml } from "./starter_plan.ts";
 * const yaml = starterYaml({ name: "demo", build: { test: "make test" }, tasks: [], found: ["Makefile"] }, ".codex/s.json");
 * assert.match(yaml, /^  build:\n    test: "make test"$/m);
 * ```
 */
export function starterYaml(plan: StarterPlan, schemaPath: string): string {
  const lines = [
    `# yaml-language-server: $schema=./${schemaPath}`,
    ...headerComments(plan).map((c) => `# ${c}`),
    "version: 1",
    "project:",
    `  name: ${q(plan.name)}`,
  ];
  if (plan.language) lines.push(`  language: ${q(plan.language)}`);
  const build = Object.entries(plan.build);
  if (build.length > 0) {
    lines.push("  build:", ...build.map(([k, v]) => `    ${k}: ${q(v)}`));
  }
  lines.push(
    "orchestrator:",
    "  strategy: conservative",
    "  approvals:",
    "    required: []",
    "",
    "tasks:",
  );
  for (const task of plan.tasks) {
    lines.push(
      `  - id: ${task.id}`,
      `    title: ${q(task.title)}`,
      `    type: ${task.type}`,
    );
    if (task.paths.length > 0) {
      lines.push(
        "    paths:",
        `      preferred: [${task.paths.map(q).join(", ")}]`,
      );
    }
    const commands = Object.entries(task.commands);
    lines.push(
      commands.length === 0 ? "    commands: {}" : "    commands:",
      ...commands.map(([k, v]) => `      ${k}: ${q(v)}`),
    );
    if (task.acceptance.length > 0) {
      lines.push(
        "    acceptance:",
        ...task.acceptance.map((c) => `      - ${q(checkString(c))}`),
      );
    }
    lines.push("    dependencies: []");
  }
  return lines.join("\n") + "\n";
}

/**
 * The starter plan as `orchestrator.ts`, written with the typed DSL,
 * imported as `"orchestrate"` (init maps that to the DSL copy in the
 * project's `deno.json`; orchestrate itself uses its built-in DSL).
 *
 * @param plan The plan.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { starterTs } from "./starter_plan.ts";
 * const ts = starterTs({ name: "demo", build: {}, tasks: [], found: [] });
 * assert.match(ts, /^import \{ definePlan, defineTask \} from "orchestrate";$/m);
 * ```
 */
export function starterTs(plan: StarterPlan): string {
  const helpers = new Set(["definePlan", "defineTask"]);
  const names = new Map<string, string>();
  const blocks: string[] = [];
  for (const task of plan.tasks) {
    const name = VARIABLES[task.id] ?? `task${names.size + 1}`;
    names.set(task.id, name);
    const checks = task.acceptance.map((c) => {
      if (c.kind === "file_exists") {
        helpers.add("fileExists");
        return `fileExists(${q(c.path)})`;
      }
      helpers.add("contains");
      return `contains(${q(c.text)}, ${q(c.file)})`;
    });
    blocks.push(
      [
        `const ${name} = defineTask({`,
        `  id: ${q(task.id)},`,
        `  title: ${q(task.title)},`,
        `  type: ${q(task.type)},`,
        ...(task.paths.length > 0
          ? [`  paths: { preferred: [${task.paths.map(q).join(", ")}] },`]
          : []),
        `  commands: ${objectLiteral(task.commands, "  ")},`,
        ...(checks.length > 0 ? [`  acceptance: [${checks.join(", ")}],`] : []),
        "});",
      ].join("\n"),
    );
  }
  const project = [
    `    name: ${q(plan.name)},`,
    ...(plan.language ? [`    language: ${q(plan.language)},`] : []),
    ...(Object.keys(plan.build).length > 0
      ? [`    build: ${objectLiteral(plan.build, "    ")},`]
      : []),
  ];
  const imported = [...helpers].sort();
  const oneLine = `import { ${imported.join(", ")} } from "orchestrate";`;
  return [
    ...headerComments(plan).map((c) => `// ${c}`),
    oneLine.length <= WIDTH
      ? oneLine
      : `import {\n${
        imported.map((h) => `  ${h},\n`).join("")
      }} from "orchestrate";`,
    "",
    ...blocks.flatMap((b) => [b, ""]),
    "export default definePlan({",
    "  version: 1,",
    "  project: {",
    ...project,
    "  },",
    '  orchestrator: { strategy: "conservative", approvals: { required: [] } },',
    `  tasks: [${[...names.values()].join(", ")}],`,
    "});",
    "",
  ].join("\n");
}

const VARIABLES: Record<string, string> = {
  "SETUP-001": "ignoreRunFiles",
  "DOCS-001": "readme",
  "TEST-001": "checks",
};

/** Lines at most this long, as `deno fmt` writes them. */
const WIDTH = 80;

/** `{ k: "v" }` on one line when it fits after `indent` and a key, else one entry a line. */
function objectLiteral(record: Record<string, string>, indent: string): string {
  const entries = Object.entries(record).map(([k, v]) => `${k}: ${q(v)}`);
  if (entries.length === 0) return "{}";
  const oneLine = `{ ${entries.join(", ")} }`;
  if (indent.length + "commands: ".length + oneLine.length + 1 <= WIDTH) {
    return oneLine;
  }
  return `{\n${entries.map((e) => `${indent}  ${e},\n`).join("")}${indent}}`;
}

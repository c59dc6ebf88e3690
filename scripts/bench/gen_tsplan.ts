/**
 * The TS-plan bench's workload: one monorepo-like plan written twice, in
 * YAML (a main file including one task file per package) and in the
 * TypeScript DSL (a main module and a helper module that builds each
 * package's tasks), both compiling to the same IR.
 * @module
 */

/** Packages of the generated monorepo; each has 4 tasks. */
export const PACKAGES = 10;

/** The packages package `i` builds on: the two before it, as a chain of layers. */
function packageDeps(i: number): number[] {
  return [i - 1, i - 2].filter((d) => d >= 0);
}

const pkg = (i: number) => `p${String(i).padStart(2, "0")}`;

/** The YAML form: file path (relative) → text. */
export function monorepoYaml(): Record<string, string> {
  const files: Record<string, string> = {
    "orchestrator.yml": [
      "version: 1",
      "project:",
      "  name: monorepo",
      "include:",
      '  - "packages/*/tasks.yml"',
      "tasks:",
      "  - id: setup",
      "    title: Install the toolchain",
      '    commands: { install: "true" }',
      "",
    ].join("\n"),
  };
  for (let i = 0; i < PACKAGES; i++) {
    const p = pkg(i);
    const lines = ["tasks:"];
    const task = (id: string, title: string, deps: string[]) => {
      const dist = `packages/${p}/dist`;
      const command = `mkdir -p ${dist} && echo ${p} > ${dist}/${id}.txt`;
      lines.push(
        `  - id: ${p}-${id}`,
        `    title: ${title} ${p}`,
        `    dependencies: [${deps.join(", ")}]`,
        `    commands: { ${id}: "${command}" }`,
        `    inputs: ["packages/${p}/src/**"]`,
        `    outputs: ["packages/${p}/dist/${id}.txt"]`,
      );
    };
    task("build", "Build", [
      "setup",
      ...packageDeps(i).map((d) => `${pkg(d)}-build`),
    ]);
    task("test", "Test", [`${p}-build`]);
    task("lint", "Lint", ["setup"]);
    task("pack", "Pack", [`${p}-test`, `${p}-lint`]);
    files[`packages/${p}/src/index.txt`] = `${p}\n`;
    files[`packages/${p}/tasks.yml`] = lines.join("\n") + "\n";
  }
  return files;
}

/** The TypeScript form: file path (relative) → text. */
export function monorepoTs(): Record<string, string> {
  const helper = `import { defineTask } from "orchestrate";

/** The four tasks of one package. */
export function packageTasks(p: string, deps: string[]) {
  const dist = \`packages/\${p}/dist\`;
  const common = (id: string) => ({
    commands: { [id]: \`mkdir -p \${dist} && echo \${p} > \${dist}/\${id}.txt\` },
    inputs: [\`packages/\${p}/src/**\`],
    outputs: [\`\${dist}/\${id}.txt\`],
  });
  const build = defineTask({
    id: \`\${p}-build\`,
    title: \`Build \${p}\`,
    dependencies: ["setup", ...deps.map((d) => \`\${d}-build\`)],
    ...common("build"),
  });
  const test = defineTask({
    id: \`\${p}-test\`,
    title: \`Test \${p}\`,
    dependencies: [build.id],
    ...common("test"),
  });
  const lint = defineTask({
    id: \`\${p}-lint\`,
    title: \`Lint \${p}\`,
    dependencies: ["setup"],
    ...common("lint"),
  });
  const pack = defineTask({
    id: \`\${p}-pack\`,
    title: \`Pack \${p}\`,
    dependencies: [test.id, lint.id],
    ...common("pack"),
  });
  return [build, test, lint, pack];
}
`;
  const main = `import { definePlan, defineTask } from "orchestrate";
import { packageTasks } from "./packages.ts";

const PACKAGES = ${PACKAGES};
const name = (i: number) => "p" + String(i).padStart(2, "0");

const setup = defineTask({
  id: "setup",
  title: "Install the toolchain",
  commands: { install: "true" },
});

const tasks = [setup];
for (let i = 0; i < PACKAGES; i++) {
  const deps = [i - 1, i - 2].filter((d) => d >= 0).map(name);
  tasks.push(...packageTasks(name(i), deps));
}

export default definePlan({ version: 1, project: { name: "monorepo" }, tasks });
`;
  return { "orchestrator.ts": main, "packages.ts": helper };
}

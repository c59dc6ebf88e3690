/**
 * `deno task demo`: copies examples/multi into a temporary directory and
 * drives the real CLI through a whole run: validate, dry run, run (it pauses
 * at the deploy gate), approve, resume, status.
 * @module
 */

import { PERMISSIONS } from "./compile.ts";

import { join } from "node:path";

const main = new URL("../src/main.ts", import.meta.url).pathname;
const example = new URL("../examples/multi", import.meta.url).pathname;

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = join(from, entry.name), dst = join(to, entry.name);
    if (entry.isDirectory) await copyDir(src, dst);
    else await Deno.copyFile(src, dst);
  }
}

async function step(
  title: string,
  args: string[],
  cwd: string,
  expected: number,
): Promise<void> {
  console.log(`\n\x1b[1m$ orchestrate ${args.join(" ")}\x1b[0m    # ${title}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, main, ...args],
    cwd,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== expected) {
    console.error(
      `\ndemo: "orchestrate ${
        args.join(" ")
      }" exited ${code}, expected ${expected}`,
    );
    Deno.exit(1);
  }
}

const dir = await Deno.makeTempDir({ prefix: "orchestrate-demo-" });
await copyDir(example, dir);
console.log(`Demo project: ${dir} (a copy of examples/multi)`);
await step("check the plan", ["plan", "validate"], dir, 0);
const irOf = async (file: string) => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      main,
      "plan",
      "compile",
      "--file",
      file,
    ],
    cwd: dir,
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout);
};
const [yamlIr, tsIr] = await Promise.all([
  irOf("orchestrator.yml"),
  irOf("orchestrator.ts"),
]);
console.log(
  `\n$ orchestrate plan compile (orchestrator.yml and orchestrator.ts)`,
);
console.log(
  yamlIr === tsIr && yamlIr.length > 0
    ? `identical IR, ${yamlIr.length} bytes`
    : "the IRs differ!",
);
if (yamlIr !== tsIr) Deno.exit(1);
await step("what would happen", ["run", "--dry-run"], dir, 0);
await step("run it: stops at the deploy gate (exit 3)", ["run"], dir, 3);
await step(
  "a person approves the gate",
  ["approve", "deploy", "--task", "REL-001"],
  dir,
  0,
);
await step("continue where it stopped", ["resume"], dir, 0);
await step("the state, folded from the event log", ["status"], dir, 0);
await step(
  "a second run: every task with inputs is up to date",
  ["run", "--dry-run"],
  dir,
  0,
);
const runs = [...Deno.readDirSync(join(dir, ".codex/runs"))].map((e) => e.name)
  .filter((n) => n.endsWith(".jsonl"));
console.log(`\nDashboard: ${join(dir, "TASKS.md")}`);
console.log(`Event log: ${join(dir, ".codex/runs", runs.sort().at(-1)!)}`);

/**
 * `deno task demo`: copies examples/multi into a temporary directory and runs
 * the real CLI on it end to end.
 * @module
 */

import { join } from "node:path";

const PERMISSIONS = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
];
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
): Promise<number> {
  console.log(`\n$ orchestrate ${args.join(" ")}    # ${title}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...PERMISSIONS, main, ...args],
    cwd,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return code;
}

const dir = await Deno.makeTempDir({ prefix: "orchestrate-demo-" });
await copyDir(example, dir);
console.log(`Demo project: ${dir} (a copy of examples/multi)`);
let failed = 0;
failed += await step("check the plan", ["plan", "validate"], dir) === 0 ? 0 : 1;
failed += await step("the TS version compiles to the same IR", [
    "plan",
    "compile",
    "--file",
    "orchestrator.ts",
  ], dir) ===
    0
  ? 0
  : 1;
Deno.exit(failed === 0 ? 0 : 1);

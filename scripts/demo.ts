/**
 * `deno task demo`: copies examples/multi into a temporary directory and
 * drives the real CLI through a whole run: validate, dry run, run (it pauses
 * at the deploy gate), approve, resume, status. Then examples/agent, in a git
 * repository of its own: a scripted agent fixes a task in a worktree, learns
 * from the failing test on its second attempt, and the run stops at the
 * apply_patch gate showing the patch. The directory is removed at the end;
 * `deno task demo --keep` keeps it to look at.
 * @module
 */

import { SOURCE_FLAGS } from "./compile.ts";

import { join } from "node:path";

const main = new URL("../src/main.ts", import.meta.url).pathname;
const example = new URL("../examples/multi", import.meta.url).pathname;
const agentExample = new URL("../examples/agent", import.meta.url).pathname;

/** Runs git for the demo's setup; a failure stops the demo. */
async function git(cwd: string, ...args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command("git", {
    args: ["-c", "user.name=demo", "-c", "user.email=demo@localhost", ...args],
    cwd,
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new DemoFailed(
      `git ${args.join(" ")}: ${new TextDecoder().decode(stderr).trim()}`,
    );
  }
}

async function copyDir(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const src = join(from, entry.name), dst = join(to, entry.name);
    if (entry.isDirectory) await copyDir(src, dst);
    else await Deno.copyFile(src, dst);
  }
}

/** A step that did not exit as expected: the demo stops (exit 1). */
class DemoFailed extends Error {
  override name = "DemoFailed";
}

async function step(
  title: string,
  args: string[],
  cwd: string,
  expected: number,
): Promise<void> {
  console.log(`\n\x1b[1m$ orchestrate ${args.join(" ")}\x1b[0m    # ${title}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", ...SOURCE_FLAGS, main, ...args],
    cwd,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== expected) {
    throw new DemoFailed(
      `"orchestrate ${args.join(" ")}" exited ${code}, expected ${expected}`,
    );
  }
}

const keep = Deno.args.includes("--keep");
const dir = await Deno.makeTempDir({ prefix: "orchestrate-demo-" });
let failed = false;
try {
  await copyDir(example, dir);
  console.log(`Demo project: ${dir} (a copy of examples/multi)`);
  await step("check the plan", ["plan", "validate"], dir, 0);
  const irOf = async (file: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        ...SOURCE_FLAGS,
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
  if (yamlIr !== tsIr) throw new DemoFailed("the IRs differ");
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
  const agentDir = join(dir, "agent-demo");
  await copyDir(agentExample, agentDir);
  await git(agentDir, "init", "-q");
  await git(agentDir, "add", "-A");
  await git(agentDir, "commit", "-qm", "the project before the agent");
  console.log(
    `\nAgent demo: ${agentDir} (a copy of examples/agent, a git repository)`,
  );
  await step(
    "an agent task: worktree, patch, checks, retry with feedback; stops at apply_patch (exit 3)",
    ["run"],
    agentDir,
    3,
  );
  const patches = [];
  for await (const e of Deno.readDir(join(agentDir, ".codex/runs"))) {
    if (e.isDirectory) {
      patches.push(
        join(
          agentDir,
          ".codex/runs",
          e.name,
          "agent/GREET-001/attempt-2.patch",
        ),
      );
    }
  }
  console.log(`\nThe patch that waits for approval (${patches[0]}):\n`);
  console.log(await Deno.readTextFile(patches[0]!));
  console.log(
    "A person reviews it, then: orchestrate approve apply_patch --task GREET-001 && orchestrate resume",
  );
  if (keep) {
    const runs = [...Deno.readDirSync(join(dir, ".codex/runs"))]
      .map((e) => e.name).filter((n) => n.endsWith(".jsonl"));
    console.log(`\nDashboard: ${join(dir, "TASKS.md")}`);
    console.log(`Event log: ${join(dir, ".codex/runs", runs.sort().at(-1)!)}`);
  }
} catch (e) {
  if (!(e instanceof DemoFailed)) throw e;
  console.error(`\ndemo: ${e.message}`);
  failed = true;
} finally {
  if (keep) console.log(`\nKept ${dir}`);
  else await Deno.remove(dir, { recursive: true });
}
if (!keep) {
  console.log(
    `\nRemoved ${dir} (keep it next time with: deno task demo --keep)`,
  );
}
if (failed) Deno.exit(1);

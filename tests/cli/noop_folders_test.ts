/**
 * A no-op re-run looks at each folder on the way to its inputs and outputs
 * once, until a task starts: from then on a folder a task turned into a
 * link is seen as one (what lies behind a link out of the project never
 * counts as an output).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempDir, tempProject } from "../_cli.ts";
import { latestEvents } from "../engine/_events.ts";

const PLAN = `version: 1
tasks:
  - id: C
    title: copy c
    inputs: ["in/c.txt"]
    outputs: ["out/c.txt"]
    commands: { copy: "mkdir -p out && cp in/c.txt out/c.txt" }
  - id: A
    title: swap out for a link when asked
    commands: { swap: "sh swap.sh" }
  - id: B
    title: copy b
    inputs: ["in/b.txt"]
    outputs: ["out/b.txt"]
    commands: { copy: "mkdir -p out && cp in/b.txt out/b.txt" }
`;

/** What each task did in the latest run: completed, or skipped (why). */
async function outcomes(dir: string): Promise<Record<string, string>> {
  const seen: Record<string, string> = {};
  for (const e of await latestEvents(dir)) {
    if (e.task === null) continue;
    if (e.type === "task_completed") seen[e.task] = "completed";
    if (e.type === "skipped") seen[e.task] = `skipped: ${e.reason}`;
  }
  return seen;
}

async function run(dir: string): Promise<Record<string, string>> {
  const r = await cli(["run", "--sandbox", "off", "--concurrency", "1"], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return await outcomes(dir);
}

Deno.test("no-op re-run: a folder a task turns into a link out of the project after others were checked is seen as a link", async () => {
  const outside = await tempDir();
  const dir = await tempProject({
    "orchestrator.yml": PLAN,
    "in/c.txt": "c\n",
    "in/b.txt": "b\n",
    // Asked (the file `swap` exists): out/ becomes a link to a folder
    // outside the project that holds the same files.
    "swap.sh": `[ -f swap ] || exit 0
cp -R out/. ${outside}/ && rm -rf out && ln -s ${outside} out && rm swap
`,
  });
  assert.deepEqual(await run(dir), {
    C: "completed",
    A: "completed",
    B: "completed",
  });
  assert.deepEqual(await run(dir), {
    C: "skipped: up to date",
    A: "completed",
    B: "skipped: up to date",
  }, "up to date: C and B skipped (A has no inputs: it runs every time)");
  await Deno.writeTextFile(join(dir, "swap"), "");
  // C is checked (out/ seen as a folder), then A swaps it, then B is checked.
  assert.deepEqual(await run(dir), {
    C: "skipped: up to date",
    A: "completed",
    B: "completed",
  }, "out/b.txt behind a link out of the project is not an output");
  assert.ok((await Deno.lstat(join(dir, "out"))).isSymlink, "A swapped out/");
});

/**
 * Issue 15, class 18: lock takeover works whatever the clocks say, and run
 * ids are unique even when the clock stands still.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chownTree, cliAs, projectAs, securityTest } from "./_rig.ts";
import { newRunId } from "../../src/events/log.ts";

const PLAN = `version: 1
tasks:
  - id: one
    title: One
    type: chore
    commands:
      mark: "sh -c 'echo ran >> ran.txt'"
`;

/** A hang bound, never an assertion about speed. */
const BOUND_MS = 120_000;

for (
  const [what, text] of [["a torn", '{"pid":4'], ["an empty", ""]] as const
) {
  securityTest(
    `lock: ${what} lock dated in the future is taken over`,
    async (user) => {
      const dir = await projectAs(user, {
        "orchestrator.yml": PLAN,
        ".codex/lock": text,
      });
      const year = new Date(Date.now() + 365 * 24 * 3600_000);
      await Deno.utime(join(dir, ".codex/lock"), year, year);
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: BOUND_MS });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /replaced an unreadable \.codex\/lock/);
      assert.equal(await Deno.readTextFile(join(dir, "ran.txt")), "ran\n");
      // Released at the end, as any lock of ours.
      await assert.rejects(Deno.lstat(join(dir, ".codex/lock")));
    },
  );
}

securityTest(
  "lock: a run started at a clock value another run has keeps a log of its own",
  async (user) => {
    const dir = await projectAs(user, { "orchestrator.yml": PLAN });
    // Logs for every millisecond of the next minute: whenever the run starts,
    // its clock names a run that exists (as a clock that stood still would).
    const runs = join(dir, ".codex/runs");
    await Deno.mkdir(runs, { recursive: true });
    const taken = new Set<string>();
    const from = Date.now();
    for (let ms = 0; ms < 60_000; ms++) {
      const id = newRunId(new Date(from + ms));
      taken.add(id);
      Deno.writeFileSync(join(runs, `${id}.jsonl`), new Uint8Array());
    }
    await chownTree(dir, user);
    const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: BOUND_MS });
    assert.equal(r.code, 0, r.stderr);
    const index = (await Deno.readTextFile(join(runs, "index"))).trim().split(
      "\n",
    );
    const run = index.at(-1)!;
    const base = run.replace(/-\d+$/, "");
    assert.ok(taken.has(base), `the run started outside the minute: ${run}`);
    assert.equal(run, `${base}-2`);
    assert.equal(await Deno.readTextFile(join(runs, `${base}.jsonl`)), "");
    const own = await Deno.readTextFile(join(runs, `${run}.jsonl`));
    assert.match(own, /"type":"run_started"/);
    const status = await cliAs(user, ["status", "--json"], { cwd: dir });
    assert.equal(JSON.parse(status.stdout).run, run);
  },
);

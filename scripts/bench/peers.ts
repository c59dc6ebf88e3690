/**
 * `deno task bench --only peers`: the peer workloads (`peers/gen.ts`) run
 * by `peers/driver.ts` for orchestrate, make, ninja (just and turbo when
 * `JUST` / `TURBO` name their binaries) and the floors, in rounds; the
 * table, then each goal of the re-run issue judged on the median of its
 * same-round ratio to its reference.
 * @module
 */

import { join } from "node:path";

const HERE = new URL("./peers/", import.meta.url).pathname;
const PROJECT = new URL("../../", import.meta.url).pathname;

/** One goal: orchestrate's time on `workload` at most `max` times `reference`'s, same round. */
interface Goal {
  workload: string;
  reference: string;
  max: number;
  label: string;
}

/**
 * Ratios shown beside the goals, judged by nothing, that split the wide-1k
 * goal's gap: orchestrate without the per-command pid namespace against
 * the goal's floor (its own cost), and orchestrate as run by default
 * against that floor with each command in a bwrap pid namespace (its cost
 * over what the namespace alone costs).
 */
export const PEER_NOTES: readonly (Omit<Goal, "max"> & { tool: string })[] = [
  {
    workload: "wide-1k",
    tool: "orchestrate --sandbox off (informative)",
    reference: "floor: Deno spawn (piped)",
    label: "informative: wide-1k cold with --sandbox off",
  },
  {
    workload: "wide-1k",
    tool: "orchestrate",
    reference: "floor: Deno spawn (piped), each in a bwrap pid namespace",
    label: "informative: wide-1k cold (default sandbox)",
  },
];

/** The goals of the issue, each against the reference it names. */
export const PEER_GOALS: readonly Goal[] = [
  {
    workload: "wide-1k",
    reference: "floor: Deno spawn (piped)",
    max: 1.2,
    label: "wide-1k cold <= 1.2x the Deno piped spawn floor",
  },
  {
    workload: "no-op re-run",
    reference: "floor: Deno start + SHA-256 in/* + stat out/*",
    max: 2,
    label: "no-op re-run <= 2x Deno start + hash inputs + stat outputs",
  },
  {
    workload: "one-change re-run",
    reference: "make",
    max: 1,
    label: "one-change re-run <= make",
  },
  {
    workload: "realistic-50",
    reference: "floor: xargs -P4 (C, no deps)",
    max: 1.05,
    label: "realistic-50 <= 1.05x xargs -P4",
  },
  {
    workload: "startup (validate/list 10 tasks)",
    reference: "floor: Deno empty script",
    max: 2,
    label: "start-up (validate 10 tasks) <= 2x an empty Deno script",
  },
];

type Results = Record<string, Record<string, number[]>>;

/**
 * Median over rounds of `tool`'s time (default orchestrate's) over the
 * reference's in the same round; NaN when either was not measured.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sameRoundRatio } from "./peers.ts";
 * const r = { w: { orchestrate: [2, 3, 9], make: [1, 1, 3], off: [1, 2, 3] } };
 * assert.equal(sameRoundRatio(r, "w", "make"), 3);
 * assert.equal(sameRoundRatio(r, "w", "make", "off"), 1);
 * ```
 */
export function sameRoundRatio(
  results: Results,
  workload: string,
  reference: string,
  tool = "orchestrate",
): number {
  const o = results[workload]?.[tool] ?? [];
  const ref = results[workload]?.[reference] ?? [];
  const ratios = o.map((x, i) => x / ref[i]!).filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  if (ratios.length === 0) return NaN;
  const m = ratios.length >> 1;
  return ratios.length % 2 ? ratios[m]! : (ratios[m - 1]! + ratios[m]!) / 2;
}

/** Generates the workloads under `work`, runs the rounds, prints, judges. */
export async function benchPeers(
  work: string,
  rounds: number,
  judge: (target: string, met: boolean) => void,
): Promise<void> {
  const dir = join(work, "peers");
  await Deno.mkdir(dir, { recursive: true });
  await run(["run", "-A", join(HERE, "gen.ts"), dir], {});
  const out = join(work, "peers.json");
  console.log(
    `\npeers: the same DAGs for orchestrate, make, ninja (just, turbo with JUST=, TURBO=), ${rounds} rounds, load ${
      Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
    }`,
  );
  const table = await run(["run", "-A", join(HERE, "driver.ts"), dir], {
    PROJECT,
    DENO: Deno.execPath(),
    ROUNDS: String(rounds),
    OUT_JSON: out,
  });
  console.log(table.trimEnd());
  const { results } = JSON.parse(await Deno.readTextFile(out)) as {
    results: Results;
  };
  for (const goal of PEER_GOALS) {
    const ratio = sameRoundRatio(results, goal.workload, goal.reference);
    const said = Number.isNaN(ratio)
      ? "reference not measured"
      : `${ratio.toFixed(2)}x ${goal.reference}`;
    judge(`${goal.label} (${said})`, ratio <= goal.max);
  }
  for (const note of PEER_NOTES) {
    const ratio = sameRoundRatio(
      results,
      note.workload,
      note.reference,
      note.tool,
    );
    const said = Number.isNaN(ratio)
      ? "not measured"
      : `${ratio.toFixed(2)}x ${note.reference}`;
    console.log(`${note.label}: ${said} (not a goal)`);
  }
}

async function run(args: string[], env: Record<string, string>) {
  const r = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(r.stdout);
  if (r.code !== 0) throw new Error(`peers: ${args[2]} exited ${r.code}`);
  return text;
}

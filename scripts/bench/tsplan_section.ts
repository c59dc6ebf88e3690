/**
 * The `tsplan` section of `deno task bench`: an unchanged TypeScript plan
 * against the same plan in YAML (`gen_tsplan.ts`: a 41-task monorepo,
 * the YAML with one included file per package), both served from the plan
 * cache, on `plan validate`, `status` and `run --dry-run`; both forms run
 * in every round, in alternating order, and each goal is judged on the
 * median of the same-round ratios. The project has one completed run.
 * @module
 */

import { dirname, join } from "node:path";
import { monorepoTs, monorepoYaml } from "./gen_tsplan.ts";
import { type Cmd, fmtTime, median, spawnOk } from "./measure.ts";

/** The goal: an unchanged TS plan costs at most this times the cached YAML plan. */
const MAX_RATIO = 1.5;

const COMMANDS: readonly (readonly string[])[] = [
  ["plan", "validate"],
  ["status"],
  ["run", "--dry-run"],
];

/** Writes both forms in one project, warms the cache, times the commands. */
export async function benchTsPlan(
  work: string,
  rounds: number,
  orchestrate: (args: string[], cwd?: string) => Cmd,
  row: (cells: string[]) => void,
  judge: (target: string, met: boolean) => void,
): Promise<void> {
  const dir = join(work, "tsplan");
  // Plans are cached only in projects that have `.codex/`.
  await Deno.mkdir(join(dir, ".codex"), { recursive: true });
  for (
    const [path, text] of Object.entries({ ...monorepoYaml(), ...monorepoTs() })
  ) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  const forms = { ts: "orchestrator.ts", yaml: "orchestrator.yml" } as const;
  // A completed run: `status` reads its log (and exits 0), the dry run
  // finds every task up to date.
  await spawnOk(orchestrate(["run", "--file", forms.yaml], dir), "run");
  const ir: string[] = [];
  for (const file of Object.values(forms)) {
    ir.push(
      (await spawnOk(
        orchestrate(["plan", "compile", "--file", file], dir),
        "plan compile",
      )).stdout,
    );
    const why = await spawnOk(
      orchestrate(
        ["plan", "validate", "--why-not-cached", "--file", file],
        dir,
      ),
      "plan validate --why-not-cached",
    );
    if (!/^cache: this plan is served from the cache/m.test(why.stdout)) {
      throw new Error(`tsplan: ${file} is not cached:\n${why.stdout}`);
    }
  }
  if (ir[0] !== ir[1]) {
    throw new Error("tsplan: the two forms compile to different plans");
  }
  const tasks = (JSON.parse(ir[0]!) as { tasks: unknown[] }).tasks.length;
  for (const command of COMMANDS) {
    const cmd = (file: string) =>
      orchestrate([...command, "--file", file], dir);
    // One warm-up each (the entry of the command's own load path is written).
    for (const file of Object.values(forms)) {
      await spawnOk(cmd(file), command.join(" "));
    }
    const times = { ts: [] as number[], yaml: [] as number[] };
    const ratios: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0
        ? (["ts", "yaml"] as const)
        : (["yaml", "ts"] as const);
      for (const form of order) {
        times[form].push(
          (await spawnOk(cmd(forms[form]), command.join(" "))).seconds,
        );
      }
      ratios.push(times.ts[r]! / times.yaml[r]!);
    }
    const ratio = median(ratios);
    const what = command.join(" ");
    row([
      `TS plan, ${what} (${tasks} tasks, cached): ${fmtTime(median(times.ts))}`,
      `YAML plan, cached: ${fmtTime(median(times.yaml))}`,
      `same-round ratio ${ratio.toFixed(2)}x (target <= ${MAX_RATIO}x)`,
    ]);
    judge(
      `an unchanged TS plan's ${what} <= ${MAX_RATIO}x the cached YAML plan's (${
        ratio.toFixed(2)
      }x)`,
      ratio <= MAX_RATIO,
    );
  }
}

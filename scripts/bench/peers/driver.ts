/**
 * (From the shared peer harness; `scripts/bench/peers.ts` runs it for
 * `deno task bench --only peers`.) Side-by-side peer benchmark driver. Usage (see README.md):
 *   deno run -A bench.ts WORK_DIR   (WORK_DIR made by gen.ts)
 * Env: DENO, PROJECT, JUST, TURBO, ROUNDS (5), TURBO_1K (0: skip turbo on
 * the 1,000-task workloads, ~3 min a run), OUT_JSON.
 */
import { join } from "node:path";

const WORK = Deno.args[0]!;
const DENO = Deno.env.get("DENO") ?? Deno.execPath();
const PROJECT = Deno.env.get("PROJECT") ?? Deno.cwd();
const JUST = Deno.env.get("JUST") ?? "";
const TURBO = Deno.env.get("TURBO") ?? "";
const ROUNDS = Number(Deno.env.get("ROUNDS") ?? 5);
const TURBO_1K = Deno.env.get("TURBO_1K") === "1";
/** With TURBO_1K=1, TURBO_WIDE=0 skips turbo's cold wide-1k (~3 min) and keeps its incremental runs. */
const TURBO_WIDE = Deno.env.get("TURBO_WIDE") !== "0";
const HERE = new URL(".", import.meta.url).pathname;
const FLAGS = [
  "--allow-read",
  "--allow-write",
  "--allow-run",
  "--allow-env",
  "--allow-sys",
  "--allow-net",
  "--unstable-worker-options",
  "--unstable-lazy-dynamic-imports",
];
const env = {
  NO_COLOR: "1",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  TURBO_NO_UPDATE_NOTIFIER: "1",
  NX_DAEMON: "false",
};

/** The informative wide-1k row of orchestrate with `--sandbox off` (goals judge the default run). */
const SANDBOX_OFF = "orchestrate --sandbox off (informative)";

/** The piped floor with each `true` in a bwrap pid namespace, as the default sandbox runs a task. */
const PIDNS_FLOOR = "floor: Deno spawn (piped), each in a bwrap pid namespace";

type Argv = string[];
const orch = (...a: string[]): Argv => [
  DENO,
  "run",
  "--config",
  join(PROJECT, "deno.json"),
  ...FLAGS,
  join(PROJECT, "src/main.ts"),
  ...a,
];
const denoScript = (script: string, ...a: string[]): Argv => [
  DENO,
  "run",
  "--quiet",
  ...FLAGS,
  script,
  ...a,
];

async function exec(
  argv: Argv,
  cwd: string,
): Promise<{ s: number; code: number; out: string }> {
  const t0 = performance.now();
  const r = await new Deno.Command(argv[0]!, {
    args: argv.slice(1),
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env,
  }).output();
  const s = (performance.now() - t0) / 1000;
  const d = new TextDecoder();
  return {
    s,
    code: r.code,
    out: d.decode(r.stdout).slice(-1500) + d.decode(r.stderr).slice(-1500),
  };
}
async function must(argv: Argv, cwd: string, what: string): Promise<number> {
  const r = await exec(argv, cwd);
  if (r.code !== 0) {
    throw new Error(`${what} exited ${r.code} in ${cwd}:\n${r.out}`);
  }
  return r.s;
}
async function fresh(
  workload: string,
  tool: string,
  tag: string,
): Promise<string> {
  const dst = join(WORK, "runs", `${workload}-${tool}-${tag}`);
  await must(["cp", "-a", join(WORK, workload, tool), dst], WORK, "cp");
  return dst;
}
const load = () =>
  Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");

// results[workload][tool] = per-round seconds (NaN when not measured that round)
const results: Record<string, Record<string, number[]>> = {};
const rec = (w: string, t: string, r: number, s: number) => {
  ((results[w] ??= {})[t] ??= Array(ROUNDS).fill(NaN))[r] = s;
};
const has = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};
const haveJust = JUST !== "" && has(JUST),
  haveTurbo = TURBO !== "" && has(TURBO);
const which = async (p: string) =>
  (await exec(["sh", "-c", `command -v ${p}`], "/")).code === 0;
const haveMake = await which("make"), haveNinja = await which("ninja");
// The pid namespace floor needs bwrap on Linux (orchestrate runs without one elsewhere).
const haveBwrap = Deno.build.os === "linux" && await which("bwrap");

/** Runner argv for a workload at concurrency j. */
function runners(j: number, goal: "all"): Record<string, Argv> {
  const r: Record<string, Argv> = {
    orchestrate: orch(
      "run",
      "--file",
      "orchestrator.yml",
      "--concurrency",
      String(j),
      "--no-build",
    ),
  };
  if (haveMake) r.make = ["make", "-s", `-j${j}`];
  if (haveNinja) r.ninja = ["ninja", "--quiet", `-j${j}`];
  if (haveJust) r.just = [JUST, "--jobs", String(j), goal];
  if (haveTurbo) r.turbo = [TURBO, "run", goal, "--concurrency", String(j)];
  return r;
}
const rotate = <T>(xs: T[], k: number) =>
  xs.map((_, i) => xs[(i + k) % xs.length]!);
const loads: string[] = [];
const meta = JSON.parse(Deno.readTextFileSync(join(WORK, "meta.json")));
await Deno.mkdir(join(WORK, "runs"), { recursive: true });

// turbo on the 1,000-task DAG: primed once (a cold run, ~3 min), reused by every round.
let turboIncr = "";
if (haveTurbo && TURBO_1K) {
  turboIncr = await fresh("incr", "turbo", "primed");
  const s = await must(runners(2, "all").turbo!, turboIncr, "turbo prime");
  console.error(
    `turbo incr prime (cold run of the 1k incremental DAG): ${s.toFixed(1)} s`,
  );
}

for (let r = 0; r < ROUNDS; r++) {
  loads.push(`round ${r + 1}: load ${load()}`);
  console.error(`round ${r + 1}/${ROUNDS} (load ${load()})`);
  // 1. wide-1k, cold
  {
    const rs = runners(2, "all");
    const tools: Record<string, () => Promise<number>> = {};
    for (const [t, argv] of Object.entries(rs)) {
      if (t === "turbo" && !(TURBO_1K && TURBO_WIDE && r === 0)) continue;
      tools[t] = async () =>
        must(argv, await fresh("wide", t, `r${r}`), `wide ${t}`);
    }
    // Informative: orchestrate without the per-command pid namespace, so
    // the table shows its own per-task cost apart from the namespace's.
    tools[SANDBOX_OFF] = async () =>
      must(
        [...rs.orchestrate!, "--sandbox", "off"],
        await fresh("wide", "orchestrate", `r${r}-off`),
        "wide orchestrate --sandbox off",
      );
    tools["floor: xargs -P2 (C)"] = () =>
      must(["sh", "-c", "seq 1000 | xargs -P2 -I{} /bin/true"], WORK, "xargs");
    // The project's spawn loop, 1,000 x `true` 2 at a time (see spawn_floor.ts).
    const spawnFloor = (what: string, ...how: string[]) => () =>
      must(
        denoScript(
          join(PROJECT, "scripts/bench/spawn_floor.ts"),
          "1000",
          "2",
          ...how,
        ),
        WORK,
        what,
      );
    tools["floor: Deno spawn (null stdio)"] = spawnFloor("spawn floor");
    tools["floor: Deno spawn (piped)"] = spawnFloor("piped floor", "piped");
    if (haveBwrap) {
      tools[PIDNS_FLOOR] = spawnFloor("pid namespace floor", "piped", "pidns");
    }
    for (const t of rotate(Object.keys(tools), r)) {
      rec("wide-1k", t, r, await tools[t]!());
    }
  }
  // 2+3. no-op re-run and one-change re-run
  {
    const rs = runners(2, "all");
    for (const t of rotate(Object.keys(rs), r)) {
      let dir: string;
      if (t === "turbo") {
        if (!turboIncr) continue;
        dir = turboIncr;
      } else {
        dir = await fresh("incr", t, `r${r}`);
        await must(rs[t]!, dir, `incr prime ${t}`);
      }
      rec("no-op re-run", t, r, await must(rs[t]!, dir, `no-op ${t}`));
      const text = `t0005 changed in round ${r}\n`;
      await Deno.writeTextFile(join(dir, "in/t0005"), text);
      rec(
        "one-change re-run",
        t,
        r,
        await must(rs[t]!, dir, `one-change ${t}`),
      );
      const got = await Deno.readTextFile(join(dir, "out/t0005"));
      if (got !== text) {
        throw new Error(`${t}: out/t0005 not rebuilt after the change`);
      }
    }
    const dir = join(WORK, "runs", `incr-orchestrate-r${r}`);
    rec(
      "no-op re-run",
      "floor: sha256sum in/* + stat out/* (C)",
      r,
      await must(
        ["sh", "-c", "sha256sum in/* >/dev/null && stat out/* >/dev/null"],
        dir,
        "noop C floor",
      ),
    );
    rec(
      "no-op re-run",
      "floor: Deno start + SHA-256 in/* + stat out/*",
      r,
      await must(
        denoScript(join(HERE, "floor_noop.ts"), dir),
        dir,
        "noop Deno floor",
      ),
    );
  }
  // 4. startup: validate / list a 10-task plan
  {
    const base = join(WORK, "startup");
    const tools: Record<string, [Argv, string]> = {
      orchestrate: [
        orch("plan", "validate", "--file", "orchestrator.yml"),
        "orchestrate",
      ],
      "floor: /bin/true (C)": [["/bin/true"], "make"],
      "floor: Deno empty script": [
        denoScript(join(PROJECT, "scripts/bench/empty.ts")),
        "orchestrate",
      ],
    };
    if (haveMake) tools.make = [["make", "-n"], "make"];
    if (haveNinja) tools.ninja = [["ninja", "-n"], "ninja"];
    if (haveJust) tools.just = [[JUST, "--list"], "just"];
    if (haveTurbo) tools.turbo = [[TURBO, "run", "all", "--dry=json"], "turbo"];
    for (const t of rotate(Object.keys(tools), r)) {
      const [argv, d] = tools[t]!;
      rec(
        "startup (validate/list 10 tasks)",
        t,
        r,
        await must(argv, join(base, d), `startup ${t}`),
      );
    }
  }
  // 5. realistic-50: sleep 0.05 x 50, critical path 5, concurrency 4
  {
    const rs = runners(4, "all");
    const tools: Record<string, () => Promise<number>> = {};
    for (const [t, argv] of Object.entries(rs)) {
      tools[t] = async () =>
        must(argv, await fresh("real", t, `r${r}`), `real ${t}`);
    }
    tools["floor: xargs -P4 (C, no deps)"] = () =>
      must(
        ["sh", "-c", "seq 50 | xargs -P4 -I{} /bin/sleep 0.05"],
        WORK,
        "xargs sleep",
      );
    for (const t of rotate(Object.keys(tools), r)) {
      rec("realistic-50", t, r, await tools[t]!());
    }
  }
}
loads.push(`end: load ${load()}`);

// ---- table ----
const med = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (s: number) =>
  Number.isNaN(s)
    ? "—"
    : s < 1
    ? `${(s * 1000).toFixed(1)} ms`
    : `${s.toFixed(2)} s`;
const lines = [
  `| workload | tool | runs | min | median | ratio to orchestrate (median of same-round ratios) |`,
  `| --- | --- | --- | --- | --- | --- |`,
];
for (const [w, tools] of Object.entries(results)) {
  const o = tools.orchestrate!;
  const names = Object.keys(tools).sort((a, b) =>
    (a === "orchestrate" ? -1 : b === "orchestrate" ? 1 : 0) ||
    (Number(a.startsWith("floor")) - Number(b.startsWith("floor"))) ||
    med(tools[a]!) - med(tools[b]!)
  );
  for (const t of names) {
    const xs = tools[t]!;
    const ok = xs.filter((x) => !Number.isNaN(x));
    const ratios = xs.map((x, i) => x / o[i]!);
    const ratio = t === "orchestrate" ? "1" : `${med(ratios).toFixed(2)}x`;
    lines.push(
      `| ${w} | ${t} | ${ok.length} | ${fmt(Math.min(...ok))} | ${
        fmt(med(xs))
      } | ${ratio} |`,
    );
  }
}
console.log(lines.join("\n"));
console.log(`\nworkloads: ${JSON.stringify(meta)}`);
console.log(
  `deno ${Deno.version.deno}; ${navigator.hardwareConcurrency} CPUs; rounds ${ROUNDS}; ${
    loads.join("; ")
  }`,
);
if (!haveTurbo) console.log("turbo: not found (TURBO unset or missing)");
else if (!TURBO_1K) {
  console.log(
    "turbo: not run on wide-1k / no-op / one-change (each needs a ~3 min cold 1k run; TURBO_1K=1 adds them)",
  );
}
if (!haveJust) console.log("just: not found (JUST unset or missing)");
await Deno.writeTextFile(
  Deno.env.get("OUT_JSON") ?? join(WORK, "results.json"),
  JSON.stringify({ results, loads, meta }, null, 1),
);

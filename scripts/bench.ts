/**
 * `deno task bench`: whole-process benchmarks of the CLI against peers
 * measured in the same run, printed as a table of times and ratios.
 *
 * Flags: `--only validate,startup,exec,status,memory,sandbox,index,brief,peers,tsplan` runs some sections;
 * `--reps N` overrides the repetitions of every section (`peers`: its rounds, default 3;
 * `tsplan`: its rounds, default 10).
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import config from "../deno.json" with { type: "json" };
import {
  buildNinja,
  layeredGraph,
  makefile,
  planYaml,
  type TaskShape,
} from "./bench/gen_exec.ts";
import {
  INPUT_BYTES,
  INPUT_FILE,
  inputPlanYaml,
  OUTPUT_BYTES,
  outputPlanYaml,
  printCommand,
} from "./bench/gen_memory.ts";
import { generatePlanYaml } from "./bench/gen_plan.ts";
import { benchPeers } from "./bench/peers.ts";
import { writeRepo } from "./bench/gen_repo.ts";
import { benchBrief } from "./bench/brief_section.ts";
import { benchTsPlan } from "./bench/tsplan_section.ts";
import {
  type Cmd,
  compare,
  denoRun,
  fmtRatio,
  fmtTime,
  hasGnuTime,
  peakRssMb,
  spawn,
  spawnOk,
  watchedPeakRss,
} from "./bench/measure.ts";

const MAIN = new URL("../src/main.ts", import.meta.url).pathname;
const HERE = new URL("./bench/", import.meta.url).pathname;
/** Events in the log that `status` reads. */
const STATUS_EVENTS = 50_000;
/** A measured process is stopped past this RSS: a regression must not take the machine. */
const MEMORY_LIMIT_MB = 3000;
const MINIMAL = new URL("../examples/minimal/orchestrator.yml", import.meta.url)
  .pathname;

const { values } = parseArgs({
  args: Deno.args,
  options: { only: { type: "string" }, reps: { type: "string" } },
});
const sections = new Set(
  (values.only ??
    "validate,startup,exec,status,memory,sandbox,index,brief,peers,tsplan")
    .split(
      ",",
    ),
);
const reps = (n: number) => values.reps ? Number(values.reps) : n;

const orchestrate = (args: string[], cwd?: string): Cmd =>
  denoRun(MAIN, args, cwd);

const work = await Deno.makeTempDir({ prefix: "orchestrate-bench-" });
const cleanup: string[] = [work];
const row = (cells: string[]) => console.log(cells.join(" | "));
const verdicts: string[] = [];
const judge = (target: string, met: boolean) =>
  verdicts.push(`${met ? "met   " : "MISSED"}  ${target}`);

try {
  console.log(
    `orchestrate bench — deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} CPUs, js-yaml ${
      config.imports["js-yaml"].replace(/^npm:js-yaml@/, "")
    }\n`,
  );
  if (sections.has("validate")) await benchValidate();
  if (sections.has("startup")) await benchStartup();
  if (sections.has("exec")) await benchExec();
  if (sections.has("status")) await benchStatus();
  if (sections.has("memory")) await benchMemory();
  if (sections.has("sandbox")) await benchSandbox();
  if (sections.has("index")) await benchIndex();
  if (sections.has("brief")) await benchBrief(work, orchestrate, row, judge);
  if (sections.has("peers")) await benchPeers(work, reps(3), judge);
  if (sections.has("tsplan")) {
    await benchTsPlan(work, reps(10), orchestrate, row, judge);
  }
  if (verdicts.length > 0) {
    console.log(`\ntargets:\n  ${verdicts.join("\n  ")}`);
  }
} finally {
  for (const dir of cleanup) await Deno.remove(dir, { recursive: true });
}

async function benchValidate(): Promise<void> {
  const gnuTime = await hasGnuTime();
  for (
    const [label, tasks, n] of [["1k", 1000, 7], ["10k", 10_000, 5]] as const
  ) {
    const file = join(work, `plan-${label}.yml`);
    await Deno.writeTextFile(file, generatePlanYaml(tasks));
    const size = (await Deno.stat(file)).size / 1e6;
    const check = await spawnOk(
      orchestrate(["plan", "validate", "--file", file]),
      "validate",
    );
    if (!check.stdout.includes(`${tasks} tasks`)) {
      throw new Error(`Unexpected validate output: ${check.stdout}`);
    }
    const t = await compare({
      validate: () => orchestrate(["plan", "validate", "--file", file]),
      yaml: () => denoRun(join(HERE, "yaml_load.ts"), [file]),
    }, reps(n));
    if (tasks === 10_000) {
      judge(
        "validate 10k tasks <= 2x js-yaml load",
        t.validate! <= 2 * t.yaml!,
      );
    }
    const cells = [
      `validate ${label} tasks (${size.toFixed(1)} MB): ${
        fmtTime(t.validate!)
      }`,
      `js-yaml load: ${fmtTime(t.yaml!)}`,
      `ratio ${fmtRatio(t.validate!, t.yaml!)} (target <= 2x)`,
    ];
    if (gnuTime) {
      const peak = await peakRssMb(
        orchestrate(["plan", "validate", "--file", file]),
      );
      const peerPeak = await peakRssMb(
        denoRun(join(HERE, "yaml_load.ts"), [file]),
      );
      if (tasks === 10_000) judge("validate 10k tasks < 300 MB", peak < 300);
      cells.push(
        `peak ${peak.toFixed(0)} MB${
          tasks === 10_000 ? " (target < 300 MB)" : ""
        }`,
        `js-yaml peak ${peerPeak.toFixed(0)} MB`,
      );
    } else cells.push("peak RSS: skipped (no GNU /usr/bin/time)");
    row(cells);
  }
}

async function benchStartup(): Promise<void> {
  const t = await compare({
    validate: () => orchestrate(["plan", "validate", "--file", MINIMAL]),
    empty: () => denoRun(join(HERE, "empty.ts"), []),
  }, reps(15));
  judge("start-up <= 3x empty deno run", t.validate! <= 3 * t.empty!);
  row([
    `start-up (plan validate, minimal plan): ${fmtTime(t.validate!)}`,
    `empty deno run: ${fmtTime(t.empty!)}`,
    `ratio ${fmtRatio(t.validate!, t.empty!)} (target <= 3x)`,
  ]);
}

/** Whether the CLI has `command` (its `--help` exits 0). */
async function hasCommand(command: string): Promise<boolean> {
  return (await spawn(orchestrate([command, "--help"]))).code === 0;
}

async function hasTool(tool: string): Promise<boolean> {
  try {
    return (await new Deno.Command(tool, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output()).code === 0;
  } catch {
    return false;
  }
}

/** A fresh directory holding `plan.yml`, removed at the end of the bench. */
async function freshProject(plan: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "orchestrate-bench-run-" });
  cleanup.push(dir);
  await Deno.writeTextFile(join(dir, "plan.yml"), plan);
  return dir;
}

async function benchExec(): Promise<void> {
  const nodes = layeredGraph(20, 50);
  const dir = join(work, "exec");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "Makefile"), makefile(nodes));
  await Deno.writeTextFile(join(dir, "build.ninja"), buildNinja(nodes));
  const plan = planYaml(nodes);
  const edges = nodes.reduce((n, x) => n + x.deps.length, 0);
  console.log(
    `\nexecution: ${nodes.length} tasks in 20 layers of 50, ${edges} edges, every command \`true\`, 2 in flight`,
  );
  await Deno.writeTextFile(join(dir, "plan.yml"), plan);
  await Deno.mkdir(join(dir, "sh-files"));
  await Deno.mkdir(join(dir, "sh-fifos"));
  const cmds: Record<string, () => Cmd | Promise<Cmd>> = {
    floor: () =>
      denoRun(join(HERE, "spawn_floor.ts"), [String(nodes.length), "2"]),
    // What capturing every command's output costs a Deno program: a peer, not the target.
    piped: () =>
      denoRun(join(HERE, "spawn_floor.ts"), [
        String(nodes.length),
        "2",
        "piped",
      ]),
    // Spawning from one long-lived sh, output redirected to files: a peer
    // that shows what leaving Deno's spawn would buy (and what it gives up:
    // see sh_server_floor.ts).
    shFiles: () =>
      denoRun(join(HERE, "sh_server_floor.ts"), [
        String(nodes.length),
        "2",
        join(dir, "sh-files"),
        "files",
      ]),
    shFifos: async () =>
      denoRun(join(HERE, "sh_server_floor.ts"), [
        String(nodes.length),
        "2",
        await Deno.makeTempDir({ dir: join(dir, "sh-fifos") }),
        "fifos",
      ]),
    // The plan's check, on the run's critical path.
    validate: () =>
      orchestrate(["plan", "validate", "--file", "plan.yml"], dir),
  };
  if (await hasTool("make")) {
    cmds.make = () => ({
      cmd: "make",
      args: ["-s", "-j2", "-C", dir, "-f", "Makefile"],
    });
  }
  if (await hasTool("ninja")) {
    cmds.ninja = () => ({ cmd: "ninja", args: ["-j2", "-C", dir] });
  }
  const hasRun = await hasCommand("run");
  if (hasRun) {
    cmds.run = async () =>
      orchestrate(
        ["run", "--file", "plan.yml", "--concurrency", "2", "--no-build"],
        await freshProject(plan),
      );
    // A timebox puts each command in its own process group and session.
    const timeboxed = planYaml(nodes, {
      commands: 1,
      checks: 0,
      shards: 0,
      shardChecks: 0,
      timebox: "10m",
    });
    cmds.timeboxed = async () =>
      orchestrate(
        ["run", "--file", "plan.yml", "--concurrency", "2", "--no-build"],
        await freshProject(timeboxed),
      );
  }
  const t = await compare(cmds, reps(5));
  const peers = [
    `deno spawn floor: ${fmtTime(t.floor!)}`,
    `with piped output: ${fmtTime(t.piped!)} (${
      fmtRatio(t.piped!, t.floor!)
    } the floor)`,
  ];
  peers.push(
    `one sh spawning, output to files: ${fmtTime(t.shFiles!)} (${
      fmtRatio(t.shFiles!, t.floor!)
    } the floor), through FIFOs read by Deno: ${fmtTime(t.shFifos!)} (${
      fmtRatio(t.shFifos!, t.floor!)
    })`,
  );
  if (t.make !== undefined) {
    peers.push(
      `make -j2: ${fmtTime(t.make)} (floor/make ${fmtRatio(t.floor!, t.make)})`,
    );
  } else peers.push("make: not installed");
  if (t.ninja !== undefined) {
    peers.push(
      `ninja -j2: ${fmtTime(t.ninja)} (floor/ninja ${
        fmtRatio(t.floor!, t.ninja)
      })`,
    );
  } else peers.push("ninja: not installed");
  row(peers);
  if (t.run === undefined) {
    console.log("run: not implemented yet");
    return;
  }
  judge("run <= 1.2x Deno spawn floor", t.run <= 1.2 * t.floor!);
  const cells = [
    `orchestrate run 1k tasks: ${fmtTime(t.run)}`,
    `ratio to floor ${fmtRatio(t.run, t.floor!)} (target <= 1.2x)`,
  ];
  cells.push(`vs piped floor ${fmtRatio(t.run, t.piped!)}`);
  if (t.make !== undefined) cells.push(`vs make ${fmtRatio(t.run, t.make)}`);
  if (t.ninja !== undefined) cells.push(`vs ninja ${fmtRatio(t.run, t.ninja)}`);
  cells.push(`plan validate of this plan: ${fmtTime(t.validate!)}`);
  row(cells);
  judge(
    "run with a timebox on every task <= 1.5x the run without",
    t.timeboxed! <= 1.5 * t.run,
  );
  row([
    `with a timebox on every task: ${fmtTime(t.timeboxed!)}`,
    `vs without ${
      fmtRatio(t.timeboxed!, t.run)
    } (target <= 1.5x; was 2.9x before setsid)`,
  ]);
}

async function benchStatus(): Promise<void> {
  if (!(await hasCommand("status"))) {
    console.log("status: not implemented yet (skipped)");
    return;
  }
  if (!(await hasCommand("run"))) {
    console.log("status: skipped, `run` is needed to make the event log");
    return;
  }
  // Size the plan from a probe run's events per task.
  // One process per task; most events come from checks that spawn nothing.
  const shape = { commands: 1, checks: 20, shards: 2, shardChecks: 5 };
  const probe = await runForLog(layeredGraph(2, 10), shape);
  const perTask = probe.events / 20;
  // 5% spare: the probe's per-run events inflate its per-task count.
  const layers = Math.ceil(STATUS_EVENTS * 1.05 / perTask / 50);
  const { dir, events } = await runForLog(layeredGraph(layers, 50), shape);
  const t = await compare({
    status: () => orchestrate(["status", "--file", "plan.yml"], dir),
    validate: () =>
      orchestrate(["plan", "validate", "--file", "plan.yml"], dir),
  }, reps(5));
  judge(
    "status on 50,000 events < 500 ms",
    t.status! < 0.5 && events >= STATUS_EVENTS,
  );
  row([
    `status on ${events} events (${layers * 50} tasks): ${fmtTime(t.status!)}`,
    `target < 500 ms${
      events < STATUS_EVENTS ? ` (log smaller than ${STATUS_EVENTS})` : ""
    }`,
    `plan validate of the same plan: ${fmtTime(t.validate!)}`,
  ]);
}

async function runForLog(
  nodes: ReturnType<typeof layeredGraph>,
  shape: TaskShape,
): Promise<{ dir: string; events: number }> {
  const dir = await freshProject(planYaml(nodes, shape));
  await spawnOk(
    orchestrate([
      "run",
      "--file",
      "plan.yml",
      "--concurrency",
      "2",
      "--no-build",
    ], dir),
    "orchestrate run",
  );
  const runs = join(dir, ".codex", "runs");
  let events = 0;
  for await (const e of Deno.readDir(runs)) {
    if (e.isFile && e.name.endsWith(".jsonl")) {
      const text = await Deno.readTextFile(join(runs, e.name));
      events += text.split("\n").filter((l) => l.trim() !== "").length;
    }
  }
  return { dir, events };
}

/**
 * Peak RSS of `run` on 1 GiB of command output (against a Deno program that
 * pipes the same output to a file, and the shell) and on a 5 GiB input file
 * (against an empty Deno program), one run each.
 */
async function benchMemory(): Promise<void> {
  if (!(await hasGnuTime())) {
    console.log("\nmemory: skipped (no GNU /usr/bin/time)");
    return;
  }
  console.log(
    `\nmemory: peak RSS, one run each (a run past ${MEMORY_LIMIT_MB} MB is stopped)`,
  );
  const fmt = (w: { peakMb: number; stopped: boolean; seconds: number }) =>
    w.stopped
      ? `> ${MEMORY_LIMIT_MB} MB (stopped)`
      : `${w.peakMb.toFixed(0)} MB in ${fmtTime(w.seconds)}`;
  const gib = (bytes: number) => `${bytes / 1024 ** 3} GiB`;

  const out = await freshProject(outputPlanYaml());
  const run = await watchedPeakRss(
    orchestrate(["run", "--file", "plan.yml", "--no-build"], out),
    MEMORY_LIMIT_MB,
  );
  const [program, ...args] = printCommand(OUTPUT_BYTES).split(" ");
  const floor = await watchedPeakRss(
    denoRun(join(HERE, "pipe_floor.ts"), [
      join(out, "floor.out"),
      program!,
      ...args,
    ]),
    MEMORY_LIMIT_MB,
  );
  const shell = await watchedPeakRss(
    {
      cmd: "sh",
      args: ["-c", `${printCommand(OUTPUT_BYTES)} > shell.out`],
      cwd: out,
    },
    MEMORY_LIMIT_MB,
  );
  await Deno.remove(join(out, "floor.out"));
  await Deno.remove(join(out, "shell.out"));
  judge(
    `run with ${gib(OUTPUT_BYTES)} of output: peak <= Deno pipe floor + 100 MB`,
    !run.stopped && run.peakMb <= floor.peakMb + 100,
  );
  row([
    `run, a command printing ${gib(OUTPUT_BYTES)}: ${fmt(run)}`,
    `Deno pipeTo file: ${fmt(floor)}`,
    `sh -c 'cmd > file': ${fmt(shell)}`,
  ]);

  const input = await freshProject(inputPlanYaml());
  const truncate = await spawn({
    cmd: "truncate",
    args: ["-s", String(INPUT_BYTES), join(input, INPUT_FILE)],
  });
  if (truncate.code !== 0) {
    console.log(`input: skipped (truncate failed: ${truncate.stderr.trim()})`);
    return;
  }
  const hashed = await watchedPeakRss(
    orchestrate(["run", "--file", "plan.yml", "--no-build"], input),
    MEMORY_LIMIT_MB,
  );
  const empty = await watchedPeakRss(
    denoRun(join(HERE, "empty.ts"), []),
    MEMORY_LIMIT_MB,
  );
  judge(
    `run with a ${gib(INPUT_BYTES)} input: peak <= empty deno run + 200 MB`,
    !hashed.stopped && hashed.peakMb <= empty.peakMb + 200,
  );
  row([
    `run, a task with a ${gib(INPUT_BYTES)} input (sparse): ${fmt(hashed)}`,
    `empty deno run: ${fmt(empty)}`,
  ]);
}

/** Per-command cost of each sandbox mode against bare spawns (`true`, through the process runner). */
async function benchSandbox(): Promise<void> {
  const n = reps(40);
  const out = await spawnOk({
    cmd: Deno.execPath(),
    args: ["run", "-A", join(HERE, "sandbox_cost.ts"), String(n)],
  }, "sandbox cost");
  const cost = JSON.parse(out.stdout) as Record<string, number | string>;
  const bare = cost.off as number;
  console.log(
    `\nsandbox: \`true\` ${n} times through the process runner, a forbidden path and net: false (the pid namespace row: no limits)`,
  );
  const rows = [
    ["off", "bare (--sandbox off)"],
    ["pidns", "pid namespace alone (a task without limits)"],
    ["pidns_spare", "pid namespace started ahead (a spare), from its run"],
    ["bwrap_before", "bwrap as before (no cap drop, no seccomp)"],
    ["bwrap_capdrop", "bwrap + user namespace + --cap-drop ALL"],
    ["bwrap", "bwrap + cap drop + seccomp (auto on Linux)"],
    ["runtime", "sandbox runtime (net host lists; macOS, Windows)"],
  ] as const;
  for (const [mode, label] of rows) {
    const per = cost[mode];
    if (typeof per !== "number") {
      row([`${label}: cannot run here (${per})`]);
      continue;
    }
    const first = cost[`${mode}_first`] as number;
    row([
      `${label}: ${per.toFixed(1)} ms a command`,
      `first ${first.toFixed(0)} ms`,
      `ratio ${(per / bare).toFixed(1)}x bare`,
      `+${(per - bare).toFixed(1)} ms`,
    ]);
  }
}

/** `orchestrate index` of a 5,000-file repository: cold (no index), then warm (nothing changed). */
async function benchIndex(): Promise<void> {
  const dir = join(work, "repo-5k");
  await Deno.mkdir(dir);
  const files = await writeRepo(dir, 5000);
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < reps(3); i++) {
    await Deno.remove(join(dir, ".codex"), { recursive: true }).catch(() => {});
    const first = await spawnOk(orchestrate(["index", "--json"], dir), "index");
    cold.push(first.seconds);
    const again = await spawnOk(orchestrate(["index", "--json"], dir), "index");
    warm.push(again.seconds);
    if (JSON.parse(again.stdout).unchanged !== files) {
      throw new Error(`warm index re-read files: ${again.stdout}`);
    }
  }
  const empty = await compare({
    empty: () => denoRun(join(HERE, "empty.ts"), []),
  }, reps(3));
  const med = (xs: number[]) =>
    xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  judge("index warm (5,000 unchanged files) < 500 ms", med(warm) < 0.5);
  row([
    `index ${files} files: cold ${fmtTime(med(cold))}`,
    `warm ${fmtTime(med(warm))}`,
    `empty script ${fmtTime(empty.empty!)}`,
  ]);
}

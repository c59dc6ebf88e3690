/**
 * Per-command cost of each sandbox layer: `true` run N times through the
 * real process runner, measured in one run: bare; a pid namespace alone
 * (what a task without limits gets); bwrap as it was before capabilities
 * were dropped and unix sockets filtered; plus the user namespace and
 * `--cap-drop ALL`; plus the seccomp filter (through its `sh` trampoline),
 * which is what `auto` runs on Linux; and the sandbox runtime. The
 * `pidns_spare` row times a pid namespace started ahead as a spare (see
 * `src/exec/spare.ts`): from its run to its end, what a command waiting
 * for a slot pays once its spare is up (the spare's set-up, outside the
 * timing, waits 15 ms while another command runs, as spares do). Confined
 * rows have a forbidden path and no network, so every layer has something
 * to enforce. Prints one JSON object of milliseconds per command, plus
 * each row's first command (the runtime's one-off start).
 *
 * Usage: deno run -A scripts/bench/sandbox_cost.ts N
 * (-A: the sandbox runtime reads /proc/self/status when run as root.)
 * @module
 */

import { UNRESTRICTED } from "../../src/engine/workspace.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import type { ProcessPolicy } from "../../src/exec/policy.ts";
import { bwrapArgs, bwrapProblem } from "../../src/exec/sandbox/bwrap.ts";
import { Sandbox, type SpawnWrapper } from "../../src/exec/sandbox/confine.ts";
import type { RunRequest } from "../../src/exec/runner.ts";

const n = Number(Deno.args[0] ?? 50);
const dir = await Deno.makeTempDir({ prefix: "orchestrate-bench-sandbox-" });

/** A wrapper with bwrap's arguments as built now, less `drop` (the layers added since). */
function bwrapWithout(drop: readonly string[]): SpawnWrapper {
  return (argv, request) => {
    const args = bwrapArgs(argv, request.policy!, {
      cwd: request.cwd,
      root: request.cwd,
      writable: [`${dir}/out`],
      userNamespace: !drop.includes("--unshare-user"),
    });
    const at = args.indexOf("--cap-drop");
    if (drop.includes("--cap-drop") && at >= 0) args.splice(at, 2);
    return Promise.resolve({ argv: ["bwrap", ...args], pidNamespace: true });
  };
}

try {
  await Deno.writeTextFile(`${dir}/forbidden.txt`, "x");
  const confined: ProcessPolicy = {
    ...UNRESTRICTED,
    forbidden: [`${dir}/forbidden.txt`],
    net: false,
  };
  const request = (policy: ProcessPolicy): RunRequest => ({
    command: "true",
    cwd: dir,
    outputPath: `${dir}/out/true.log`,
    policy,
  });
  const result: Record<string, number | string> = {};
  const bwrap = await bwrapProblem();
  const rows: [
    string,
    ProcessPolicy,
    () => { wrap?: SpawnWrapper; close?: () => Promise<void> },
  ][] = [
    ["off", confined, () => ({})],
    ["pidns", UNRESTRICTED, () => new Sandbox("auto", () => {})],
    ["pidns_spare", UNRESTRICTED, () => new Sandbox("auto", () => {})],
    ["bwrap_before", confined, () => ({
      wrap: bwrapWithout(["--unshare-user", "--cap-drop"]),
    })],
    ["bwrap_capdrop", confined, () => ({ wrap: bwrapWithout([]) })],
    ["bwrap", confined, () => new Sandbox("bwrap", () => {})],
    ["runtime", confined, () => new Sandbox("runtime", () => {})],
  ];
  // Rows take turns, one command each, so that the load of a shared
  // machine weighs on every row alike.
  const live: {
    name: string;
    policy: ProcessPolicy;
    runner: DenoRunner;
    close?: () => Promise<void>;
    total: number;
  }[] = [];
  /** Spares are made only while a command runs: this one, for the whole bench. */
  const holder = new AbortController();
  for (const [name, policy, make] of rows) {
    if (name !== "off" && name !== "runtime" && bwrap !== null) {
      result[name] = bwrap;
      continue;
    }
    const sandbox = make();
    const runner = new DenoRunner({ wrap: sandbox.wrap });
    try {
      const first = performance.now();
      const r = await runner.run(request(policy));
      if (r.status !== 0) throw new Error(`${name}: true exited ${r.status}`);
      result[`${name}_first`] = performance.now() - first;
      const held = name === "pidns_spare"
        ? runner.run({
          ...request(policy),
          command: "sleep 3600",
          signal: holder.signal,
        })
        : null;
      live.push({
        name,
        policy,
        runner,
        close: async () => {
          holder.abort();
          await held;
          await runner.dropSpares();
          await sandbox.close?.();
        },
        total: 0,
      });
    } catch (e) {
      result[name] = (e as Error).message;
      await sandbox.close?.();
    }
  }
  try {
    for (let i = 0; i < n; i++) {
      for (const row of live) {
        if (row.name === "pidns_spare") {
          await row.runner.prepare([request(row.policy)]);
          await new Promise((r) => setTimeout(r, 15));
        }
        const started = performance.now();
        await row.runner.run(request(row.policy));
        row.total += performance.now() - started;
      }
    }
    for (const row of live) result[row.name] = row.total / n;
  } finally {
    for (const row of live) await row.close?.();
  }
  console.log(JSON.stringify(result));
} finally {
  await Deno.remove(dir, { recursive: true });
}

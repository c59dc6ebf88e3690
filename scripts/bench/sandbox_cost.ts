/**
 * Per-command cost of each sandbox mode: `true` run N times through the
 * real process runner, bare and confined (a forbidden path and no network,
 * so every mode has something to enforce). Prints one JSON object of
 * milliseconds per command, plus the runtime's one-off start.
 *
 * Usage: deno run -A scripts/bench/sandbox_cost.ts N
 * (-A: the sandbox runtime reads /proc/self/status when run as root.)
 * @module
 */

import { UNRESTRICTED } from "../../src/engine/workspace.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { bwrapProblem } from "../../src/exec/sandbox/bwrap.ts";
import { Sandbox } from "../../src/exec/sandbox/confine.ts";
import type { SandboxMode } from "../../src/exec/sandbox/modes.ts";
import type { RunRequest } from "../../src/exec/runner.ts";

const n = Number(Deno.args[0] ?? 50);
const dir = await Deno.makeTempDir({ prefix: "orchestrate-bench-sandbox-" });
try {
  await Deno.writeTextFile(`${dir}/forbidden.txt`, "x");
  const request: RunRequest = {
    command: "true",
    cwd: dir,
    outputPath: `${dir}/out/true.log`,
    policy: {
      ...UNRESTRICTED,
      forbidden: [`${dir}/forbidden.txt`],
      net: false,
    },
  };
  const result: Record<string, number | string> = {};
  const modes: SandboxMode[] = ["off", "bwrap", "runtime"];
  const bwrap = await bwrapProblem();
  for (const mode of modes) {
    if (mode === "bwrap" && bwrap !== null) {
      result[mode] = bwrap;
      continue;
    }
    const sandbox = new Sandbox(mode, () => {});
    const runner = new DenoRunner({ wrap: sandbox.wrap });
    try {
      const first = performance.now();
      const r = await runner.run(request);
      if (r.status !== 0) throw new Error(`${mode}: true exited ${r.status}`);
      result[`${mode}_first`] = performance.now() - first;
      const started = performance.now();
      for (let i = 0; i < n; i++) await runner.run(request);
      result[mode] = (performance.now() - started) / n;
    } catch (e) {
      result[mode] = (e as Error).message;
    } finally {
      await sandbox.close();
    }
  }
  console.log(JSON.stringify(result));
} finally {
  await Deno.remove(dir, { recursive: true });
}

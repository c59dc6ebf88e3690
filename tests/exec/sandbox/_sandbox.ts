/**
 * Helpers for sandbox tests: whether bubblewrap runs here, and the
 * processes that carry a token on their command line.
 * @module
 */

import { bwrapProblem } from "../../../src/exec/sandbox/bwrap.ts";

/** Why bwrap cannot run here, or null (then its tests run). */
export const NO_BWRAP: string | null = await bwrapProblem();
if (NO_BWRAP !== null) {
  console.log(`skipping the bubblewrap tests: ${NO_BWRAP}`);
}

/** Pids of live processes whose command line contains `token` (read through `sh`: /proc needs --allow-all). */
export async function processesWith(token: string): Promise<number[]> {
  const out = await new Deno.Command("sh", {
    args: [
      "-c",
      'cd /proc && grep -l -- "$1" [0-9]*/cmdline 2>/dev/null; exit 0',
      "sh",
      // `[o]rchestrate-...` matches the token but not this listing's own command line.
      `[${token[0]}]${token.slice(1)}`,
    ],
    stdout: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean)
    .map((line) => Number(line.slice(0, line.indexOf("/"))))
    .filter((pid) => pid !== Deno.pid);
}

/** Waits (bounded) until no process carries `token`; kills and reports any that stay. */
export async function goneWith(token: string): Promise<number[]> {
  let left: number[] = [];
  for (let i = 0; i < 100; i++) {
    left = await processesWith(token);
    if (left.length === 0) return [];
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const pid of left) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch (e) {
      // Gone meanwhile.
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return left;
}

/** A token unique to one test, to find its processes by. */
export function token(): string {
  return `orchestrate-sbx-${crypto.randomUUID().slice(0, 8)}`;
}

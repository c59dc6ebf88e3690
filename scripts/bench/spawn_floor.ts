/**
 * The floor for a Deno program in the execution benchmark: spawns `true`
 * `n` times (first argument) with `Deno.Command`, at most `c` (second
 * argument) in flight.
 * @module
 */

const n = Number(Deno.args[0] ?? 1000);
const concurrency = Number(Deno.args[1] ?? 2);
let next = 0;

async function worker(): Promise<void> {
  while (next < n) {
    next++;
    const { code } = await new Deno.Command("true", {
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    if (code !== 0) Deno.exit(1);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));

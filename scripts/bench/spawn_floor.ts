/**
 * The floor for a Deno program in the execution benchmark: spawns `true`
 * `n` times (first argument) with `Deno.Command`, at most `c` (second
 * argument) in flight. With a third argument `piped`, each command's stdout
 * and stderr are pipes read to the end, as a program that keeps the
 * commands' output must do (orchestrate's runner does). With a fourth
 * argument `pidns`, each `true` runs in a bwrap pid namespace of its own,
 * with the very arguments the sandbox gives a task without limits (root
 * dropping the same capabilities): what any program keeping that promise
 * with bwrap pays.
 * @module
 */

import {
  pidNamespaceArgs,
  ROOT_ESCAPE_CAPS,
} from "../../src/exec/sandbox/bwrap.ts";

const n = Number(Deno.args[0] ?? 1000);
const concurrency = Number(Deno.args[1] ?? 2);
const piped = Deno.args[2] === "piped";
const [program, ...args] = Deno.args[3] === "pidns"
  ? [
    "bwrap",
    ...pidNamespaceArgs(
      ["true"],
      Deno.cwd(),
      Deno.uid() === 0 ? ROOT_ESCAPE_CAPS : [],
    ),
  ]
  : ["true"];
let next = 0;

async function drain(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read());
}

async function worker(): Promise<void> {
  while (next < n) {
    next++;
    let code: number;
    if (piped) {
      const child = new Deno.Command(program!, {
        args,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      await Promise.all([drain(child.stdout), drain(child.stderr)]);
      code = (await child.status).code;
    } else {
      code = (await new Deno.Command(program!, {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output()).code;
    }
    if (code !== 0) Deno.exit(1);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));

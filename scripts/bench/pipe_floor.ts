/**
 * The floor for capturing a command's output from Deno: spawns the command
 * (arguments) with stdout piped into a file (`pipeTo`, which has
 * backpressure), as little as a Deno program can do. The file is the first
 * argument.
 * @module
 */

const [file, program, ...args] = Deno.args;
const child = new Deno.Command(program!, {
  args,
  stdin: "null",
  stdout: "piped",
  stderr: "null",
}).spawn();
const out = await Deno.open(file!, {
  write: true,
  create: true,
  truncate: true,
});
await child.stdout.pipeTo(out.writable);
const { code } = await child.status;
Deno.exit(code);

/**
 * A peer of the execution benchmark, not a runner: one long-lived POSIX
 * `sh` reads `ID FILE COMMAND` lines and runs each command in the
 * background with its output redirected straight into FILE, answering
 * `ID STATUS` when it ends; this Deno program keeps at most `c` (second
 * argument) of `n` (first argument) `true` commands in flight. It shows what
 * spawning outside Deno's main thread, without pipes, costs. What it gives
 * up against orchestrate's runner: an output file bounded while the command
 * runs, streaming masking of secrets, Ctrl-C reaching commands (background
 * jobs of a non-interactive sh ignore SIGINT), signals told apart from exit
 * codes, Windows. The output files go to the folder given as third argument.
 * @module
 */

const n = Number(Deno.args[0] ?? 1000);
const concurrency = Number(Deno.args[1] ?? 2);
const dir = Deno.args[2] ?? Deno.cwd();

const SERVER = `while read -r id out cmd; do
  { $cmd >"$out" 2>&1 </dev/null; echo "$id $?"; } &
done
wait
`;

const server = new Deno.Command("sh", {
  args: ["-c", SERVER],
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const requests = server.stdin.getWriter();
const encoder = new TextEncoder();
const waiting = new Map<number, (status: number) => void>();

const answers = (async () => {
  let buffered = "";
  for await (
    const chunk of server.stdout.pipeThrough(new TextDecoderStream())
  ) {
    buffered += chunk;
    for (let end = buffered.indexOf("\n"); end >= 0;) {
      const [id, status] = buffered.slice(0, end).split(" ");
      buffered = buffered.slice(end + 1);
      waiting.get(Number(id))?.(Number(status));
      waiting.delete(Number(id));
      end = buffered.indexOf("\n");
    }
  }
})();

let next = 0;
async function lane(): Promise<void> {
  while (next < n) {
    const id = next++;
    const status = new Promise<number>((resolve) => waiting.set(id, resolve));
    await requests.write(encoder.encode(`${id} ${dir}/${id}.log true\n`));
    if (await status !== 0) Deno.exit(1);
  }
}

await Promise.all(Array.from({ length: concurrency }, lane));
await requests.close();
await answers;
const { code } = await server.status;
Deno.exit(code);

/**
 * A peer of the execution benchmark, not a runner: one long-lived POSIX
 * `sh` reads `ID OUT COMMAND` lines and runs each command in the
 * background, its output redirected to OUT, answering `ID STATUS` when it
 * ends; this Deno program keeps at most `c` (second argument) of `n` (first
 * argument) `true` commands in flight. It shows what spawning outside
 * Deno's main thread costs. Third argument: the folder for the outputs;
 * fourth: `files` (OUT is a file per command) or `fifos` (OUT is one of a
 * pool of FIFOs that this program reads to the end, as a runner that keeps
 * the output cap and secret masking in Deno would).
 *
 * What a runner built this way gives up against orchestrate's: Ctrl-C
 * reaching commands from the terminal (background jobs of a
 * non-interactive sh ignore SIGINT), signals told apart from exit codes
 * 128+N, Windows; with `files`, also an output file bounded while the
 * command runs and streaming masking.
 * @module
 */

const n = Number(Deno.args[0] ?? 1000);
const concurrency = Number(Deno.args[1] ?? 2);
const dir = Deno.args[2] ?? Deno.cwd();
const fifos = Deno.args[3] === "fifos";

const SERVER = `while read -r id out cmd; do
  { { $cmd; } >"$out" 2>&1 </dev/null; echo "$id $?"; } &
done
wait
`;

const free: string[] = [];
if (fifos) {
  const pool = Array.from(
    { length: 2 * concurrency },
    (_, i) => `${dir}/out${i}.fifo`,
  );
  const made = await new Deno.Command("mkfifo", { args: pool }).output();
  if (!made.success) Deno.exit(1);
  free.push(...pool);
}

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

const chunk = new Uint8Array(64 * 1024);
let next = 0;
async function lane(): Promise<void> {
  while (next < n) {
    const id = next++;
    const status = new Promise<number>((resolve) => waiting.set(id, resolve));
    if (fifos) {
      const fifo = free.pop()!;
      // Opened before the request: the command's redirection waits for it.
      const reading = Deno.open(fifo, { read: true });
      await requests.write(encoder.encode(`${id} ${fifo} true\n`));
      const output = await reading;
      while ((await output.read(chunk)) !== null);
      output.close();
      free.push(fifo);
    } else {
      await requests.write(encoder.encode(`${id} ${dir}/${id}.log true\n`));
    }
    if (await status !== 0) Deno.exit(1);
  }
}

await Promise.all(Array.from({ length: concurrency }, lane));
await requests.close();
await answers;
const { code } = await server.status;
Deno.exit(code);

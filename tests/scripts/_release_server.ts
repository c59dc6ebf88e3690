/**
 * A fake release folder for the installer tests: serves the files of DIR
 * under /releases/v0.1.0/ on 127.0.0.1 (a free port), prints `port N` once
 * listening, and appends each path asked for to LOG before answering. A
 * process of its own because the test suite runs without network permission.
 * Usage: deno run --allow-net=127.0.0.1 --allow-read=DIR --allow-write=LOG _release_server.ts DIR LOG
 * @module
 */

import { join } from "node:path";

/** The path the fake release's files are served under. */
export const PREFIX = "/releases/v0.1.0/";

if (import.meta.main) {
  const [dir, log] = Deno.args as [string, string];
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ port }) => console.log(`port ${port}`),
  }, async (req) => {
    const path = new URL(req.url).pathname;
    await Deno.writeTextFile(log, `${path}\n`, { append: true });
    const name = path.slice(PREFIX.length);
    if (!path.startsWith(PREFIX) || name === "" || name.includes("/")) {
      return new Response("Not Found", { status: 404 });
    }
    try {
      return new Response(await Deno.readFile(join(dir, name)));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      return new Response("Not Found", { status: 404 });
    }
  });
}

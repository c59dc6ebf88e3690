/**
 * Class 8: `net: false` means no network of any kind, unix sockets
 * included: a confined task cannot connect to a unix socket served from a
 * folder outside the project, nor to an abstract one; with the network
 * allowed it still can (the control).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hostDirAs, textOr } from "./_places.ts";
import { cliAs, projectAs, securityTest, type TestUser } from "./_rig.ts";

/** A socat server answering `pong` on a socket file anyone may connect to, and on an abstract name. */
async function serve(user: TestUser) {
  const dir = await hostDirAs(user);
  const path = join(dir, "service.sock");
  const abstract = `orchestrate-test-${crypto.randomUUID()}`;
  const servers = [
    `UNIX-LISTEN:${path},fork,mode=777`,
    `ABSTRACT-LISTEN:${abstract},fork`,
  ].map((listen) =>
    new Deno.Command("socat", {
      args: [listen, "SYSTEM:echo pong"],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn()
  );
  // Bounded wait for the socket file (the abstract one binds at the same time).
  for (
    let i = 0;
    i < 200 && (await textOr(path).catch(() => "")) === null;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    path,
    abstract,
    async [Symbol.asyncDispose]() {
      for (const s of servers) {
        s.kill("SIGKILL");
        await s.status;
      }
    },
  };
}

function plan(net: string, path: string, abstract: string): string {
  return `version: 1
tasks:
  - id: connect
    title: Connects to local services
    type: chore
    permissions: { write: [out], net: ${net} }
    commands:
      path: "sh -c 'socat -T 5 - UNIX-CONNECT:${path} < /dev/null > out/path.txt 2>&1; true'"
      abstract: "sh -c 'socat -T 5 - ABSTRACT-CONNECT:${abstract} < /dev/null > out/abstract.txt 2>&1; true'"
`;
}

for (const [net, reaches] of [["false", false], ["true", true]] as const) {
  securityTest(
    `unix sockets: a task with net: ${net} ${
      reaches ? "reaches" : "cannot reach"
    } a socket file outside the project or an abstract socket`,
    async (user) => {
      await using server = await serve(user);
      const dir = await projectAs(user, {
        "orchestrator.yml": plan(net, server.path, server.abstract),
        "out/.keep": "",
      });
      const r = await cliAs(user, ["run"], { cwd: dir, killAfterMs: 60_000 });
      assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      for (const kind of ["path", "abstract"]) {
        const said = await textOr(join(dir, "out", `${kind}.txt`));
        assert.ok(said !== null, `the ${kind} command ran`);
        assert.equal(said.includes("pong"), reaches, `${kind}: ${said}`);
      }
    },
  );
}

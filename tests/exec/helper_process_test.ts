import assert from "node:assert/strict";
import { HelperProcesses } from "../../src/exec/helper_process.ts";
import { unrestrictedPolicy } from "../../src/exec/policy.ts";

const PATH = Deno.env.get("PATH") ?? "";

async function drain(child: Deno.ChildProcess): Promise<string> {
  const [out] = await Promise.all([
    new Response(child.stdout).text(),
    child.stderr.cancel(),
  ]);
  return out;
}

Deno.test("helper processes: the environment is exactly the policy's, nothing inherited", async () => {
  Deno.env.set("HELPER_TEST_TOKEN", "inherited-value");
  try {
    const helpers = new HelperProcesses();
    const child = helpers.spawn({
      program: "sh",
      args: ["-c", "env"],
      policy: { ...unrestrictedPolicy({ PATH, ONLY: "this" }), run: ["sh"] },
    });
    await child.stdin.close();
    const env = (await drain(child)).trim().split("\n").sort();
    await child.status;
    assert.ok(env.includes("ONLY=this"));
    assert.ok(!env.some((l) => l.includes("inherited-value")), env.join("\n"));
    assert.equal(helpers.size, 0, "an ended helper leaves the registry");
  } finally {
    Deno.env.delete("HELPER_TEST_TOKEN");
  }
});

Deno.test("helper processes: a program the policy does not name is not started", () => {
  const helpers = new HelperProcesses();
  assert.throws(
    () =>
      helpers.spawn({
        program: "sh",
        args: [],
        policy: { ...unrestrictedPolicy({ PATH }), run: ["/bin/cat"] },
      }),
    /not among the programs its policy may run/,
  );
  assert.equal(helpers.size, 0);
});

Deno.test("helper processes: killAll ends every live helper, even one that ignores SIGINT and SIGTERM", async () => {
  const helpers = new HelperProcesses();
  const children = [1, 2].map(() =>
    helpers.spawn({
      program: "sh",
      args: ["-c", "trap '' INT TERM; read line"],
      policy: { ...unrestrictedPolicy({ PATH }), run: ["sh"] },
    })
  );
  assert.equal(helpers.size, 2);
  helpers.killAll("SIGKILL");
  for (const child of children) {
    const [status] = await Promise.all([child.status, drain(child)]);
    assert.equal(status.signal, "SIGKILL");
  }
  assert.equal(helpers.size, 0);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { tempProject } from "../_cli.ts";
import {
  type CheckContext,
  evaluateCheck,
} from "../../src/engine/acceptance.ts";
import { CheckHelpers } from "../../src/engine/check_process.ts";
import {
  evaluateFileCheck,
  type FileCheck,
  MATCHES_MAX_BYTES,
} from "../../src/engine/file_check.ts";
import { DenoRunner } from "../../src/exec/deno_runner.ts";
import { projectWorkspaces } from "../../src/engine/workspace.ts";

function context(
  root: string,
  helpers: CheckHelpers,
  extra: Partial<CheckContext> = {},
): CheckContext {
  return {
    workspace: projectWorkspaces(root, "test", new DenoRunner()).forBuild(),
    signal: new AbortController().signal,
    searchPaths: [],
    output: { absolute: join(root, "out.log"), relative: "out.log" },
    checkHelpers: helpers,
    ...extra,
  };
}

const SPIN: FileCheck = {
  kind: "matches",
  pattern: "^(a+)+$",
  file: "data.txt",
};

Deno.test("evaluateCheck: an abort kills the helper busy in a regex; the next check gets a fresh one", async () => {
  const root = await tempProject({
    "data.txt": "a".repeat(40) + "!",
    "ok.txt": "fine\n",
  });
  const helpers = new CheckHelpers();
  try {
    const abort = new AbortController();
    const pending = evaluateCheck(
      SPIN,
      context(root, helpers, { signal: abort.signal }),
    );
    while (helpers.size === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    const outcome = await pending;
    assert.deepEqual(outcome, {
      passed: false,
      reason: "stopped before it finished",
      output: null,
      aborted: true,
    });
    assert.equal(helpers.size, 0, "the busy helper is gone");
    const next = await evaluateCheck(
      { kind: "contains", text: "fine", file: "ok.txt" },
      context(root, helpers),
    );
    assert.equal(next.passed, true);
    assert.equal(helpers.size, 1);
  } finally {
    await helpers.close();
  }
});

Deno.test("evaluateCheck: one helper serves checks one after another; concurrent checks get one each", async () => {
  const root = await tempProject({ "a.txt": "alpha\n", "b.txt": "beta\n" });
  const helpers = new CheckHelpers();
  try {
    const ctx = context(root, helpers, { searchPaths: ["*.txt"] });
    for (const text of ["alpha", "beta", "gamma"]) {
      await evaluateCheck({ kind: "contains", text }, ctx);
    }
    assert.equal(helpers.size, 1);
    const results = await Promise.all(
      ["alpha", "beta", "gamma"].map((text) =>
        evaluateCheck({ kind: "not_contains", text }, ctx)
      ),
    );
    assert.deepEqual(results.map((r) => r.reason), [
      "found in a.txt",
      "found in b.txt",
      "",
    ]);
    assert.ok(helpers.size <= 3);
  } finally {
    await helpers.close();
  }
});

Deno.test("evaluateCheck: an already aborted signal stops a file check before it starts", async () => {
  const root = await tempProject({ "a.txt": "x" });
  const helpers = new CheckHelpers();
  const abort = new AbortController();
  abort.abort();
  const outcome = await evaluateCheck(
    { kind: "contains", text: "x", file: "a.txt" },
    context(root, helpers, { signal: abort.signal }),
  );
  assert.equal(outcome.aborted, true);
  assert.equal(helpers.size, 0);
});

Deno.test("evaluateCheck: a helper that dies on its own fails the check with the reason", async () => {
  const root = await tempProject({ "a.txt": "x" });
  const helpers = new CheckHelpers({
    command: "sh",
    args: ["-c", "read line; echo 'out of memory' >&2; exit 3"],
  });
  try {
    const outcome = await evaluateCheck(
      { kind: "contains", text: "x", file: "a.txt" },
      context(root, helpers),
    );
    assert.equal(outcome.passed, false);
    assert.equal(
      outcome.reason,
      "the check helper process exited with code 3: out of memory",
    );
  } finally {
    await helpers.close();
  }
});

async function fileCheck(
  root: string,
  check: FileCheck,
  searchPaths: string[] = [],
) {
  return await evaluateFileCheck({ root, check, searchPaths });
}

Deno.test("evaluateFileCheck: Contains finds text across the 1 MiB read boundary, in bytes", async () => {
  const root = await tempProject();
  const needle = "needle-Ω";
  const bytes = new TextEncoder().encode(needle);
  const data = new Uint8Array(3 * 1024 * 1024);
  data.set(bytes, 1024 * 1024 - 3); // straddles the first chunk's end
  data[5] = 0xff; // not UTF-8: still searched
  await Deno.writeFile(join(root, "big.bin"), data);
  assert.deepEqual(
    await fileCheck(root, { kind: "contains", text: needle, file: "big.bin" }),
    { passed: true, reason: "" },
  );
  assert.deepEqual(
    await fileCheck(root, {
      kind: "not_contains",
      text: needle,
      file: "big.bin",
    }),
    { passed: false, reason: "found in big.bin" },
  );
  assert.equal(
    (await fileCheck(root, {
      kind: "contains",
      text: "absent",
      file: "big.bin",
    }))
      .reason,
    "not found in big.bin",
  );
});

Deno.test("evaluateFileCheck: Matches refuses files over the cap", async () => {
  const root = await tempProject();
  const big = await Deno.open(join(root, "big.log"), {
    write: true,
    create: true,
  });
  await big.truncate(MATCHES_MAX_BYTES + 1);
  big.close();
  assert.deepEqual(
    await fileCheck(root, { kind: "matches", pattern: "x", file: "big.log" }),
    {
      passed: false,
      reason: "cannot read big.log: too large for Matches (over 64 MiB)",
    },
  );
});

Deno.test("evaluateFileCheck: File exists on a plain path, a folder, a glob, and a link out of the root", async () => {
  const root = await tempProject({ "src/a.ts": "" });
  const outside = await tempProject({ "x.ts": "" });
  await Deno.symlink(join(outside, "x.ts"), join(root, "src/x.ts"));
  const exists = (path: string) =>
    fileCheck(root, { kind: "file_exists", path });
  assert.equal((await exists("src/a.ts")).passed, true);
  assert.equal((await exists("src")).passed, true);
  assert.equal((await exists("nope.ts")).reason, "nope.ts does not exist");
  assert.equal((await exists("src/*.js")).reason, "no file matches src/*.js");
  assert.equal(
    (await exists("src/x.ts")).reason,
    "src/x.ts leads outside the project root through a symlink (refused)",
  );
  assert.equal(
    (await exists("src/*.ts")).reason,
    "src/x.ts leads outside the project root through a symlink (refused)",
  );
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { findPlan } from "../../src/plan/discover.ts";

Deno.test("findPlan: in one folder, orchestrator.yml, then .ts, then .json; a folder of that name is still taken (the loader says what it is)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, ".git"));
    await Deno.writeTextFile(join(dir, "orchestrator.json"), "{}");
    assert.deepEqual(findPlan(dir), {
      found: true,
      path: join(dir, "orchestrator.json"),
      ignored: [],
    });
    await Deno.writeTextFile(join(dir, "orchestrator.ts"), "");
    assert.deepEqual(findPlan(dir), {
      found: true,
      path: join(dir, "orchestrator.ts"),
      ignored: ["orchestrator.json"],
    });
    await Deno.mkdir(join(dir, "orchestrator.yml")); // not a file
    assert.deepEqual(findPlan(dir), {
      found: true,
      path: join(dir, "orchestrator.yml"),
      ignored: ["orchestrator.ts", "orchestrator.json"],
    });
    await Deno.remove(join(dir, "orchestrator.yml"));
    await Deno.writeTextFile(join(dir, "orchestrator.yml"), "");
    await Deno.remove(join(dir, "orchestrator.json"));
    assert.deepEqual(findPlan(dir), {
      found: true,
      path: join(dir, "orchestrator.yml"),
      ignored: ["orchestrator.ts"],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("findPlan: a relative start folder is resolved against the working folder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "repo", "a"), { recursive: true });
    await Deno.writeTextFile(join(dir, "repo", "orchestrator.yml"), "");
    const here = Deno.cwd();
    Deno.chdir(join(dir, "repo"));
    try {
      assert.deepEqual(findPlan("a"), {
        found: true,
        path: join(dir, "repo", "orchestrator.yml"),
        ignored: [],
      });
    } finally {
      Deno.chdir(here);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

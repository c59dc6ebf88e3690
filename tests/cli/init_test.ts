import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, repoPath, tempProject } from "../_cli.ts";

const read = (dir: string, path: string) => Deno.readTextFile(join(dir, path));

Deno.test("init: writes orchestrator.yml pointing at .codex/orchestrator.schema.json, and it validates", async () => {
  const cwd = await tempProject();
  const r = await cli(["init"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const plan = await read(cwd, "orchestrator.yml");
  assert.equal(
    plan.split("\n")[0],
    "# yaml-language-server: $schema=./.codex/orchestrator.schema.json",
  );
  assert.deepEqual(
    JSON.parse(await read(cwd, ".codex/orchestrator.schema.json")),
    JSON.parse(
      await Deno.readTextFile(repoPath("schema/orchestrator.schema.json")),
    ),
  );
  const v = await cli(["plan", "validate"], { cwd });
  assert.equal(v.code, 0, v.stderr);
  assert.match(
    v.stdout,
    /orchestrator\.yml: valid plan "my-project" — 1 task, 0 shards/,
  );
});

Deno.test("init --ts: writes orchestrator.ts and the DSL; it validates and passes deno check offline", async () => {
  const cwd = await tempProject();
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  for (const file of ["orchestrator.ts", ".codex/orchestrate.ts"]) {
    const text = await read(cwd, file);
    assert.doesNotMatch(
      text,
      /from\s+["'](npm:|jsr:|https?:)/,
      `${file} must work offline`,
    );
  }
  const v = await cli(["plan", "validate", "--file", "orchestrator.ts"], {
    cwd,
  });
  assert.equal(v.code, 0, v.stderr);
  const check = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--no-remote", "--no-npm", "orchestrator.ts"],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(check.code, 0, new TextDecoder().decode(check.stderr));
});

Deno.test("init and init --ts describe the same starter plan (identical IR)", async () => {
  const cwd = await tempProject();
  assert.equal((await cli(["init"], { cwd })).code, 0);
  assert.equal((await cli(["init", "--ts", "--force"], { cwd })).code, 0);
  const yaml = await cli(["plan", "compile", "--file", "orchestrator.yml"], {
    cwd,
  });
  const ts = await cli(["plan", "compile", "--file", "orchestrator.ts"], {
    cwd,
  });
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.equal(ts.stdout, yaml.stdout);
});

Deno.test("init: never overwrites without --force; --force does", async () => {
  for (
    const [args, file] of [[["init"], "orchestrator.yml"], [
      ["init", "--ts"],
      "orchestrator.ts",
    ]] as const
  ) {
    const cwd = await tempProject({ [file]: "# mine\n" });
    const r = await cli([...args], { cwd });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(
      r.stderr,
      new RegExp(
        `^error: ${file.replace(".", "\\.")} already exists; use --force`,
      ),
    );
    assert.equal(await read(cwd, file), "# mine\n");
    const forced = await cli([...args, "--force"], { cwd });
    assert.equal(forced.code, 0, forced.stderr);
    assert.notEqual(await read(cwd, file), "# mine\n");
  }
});

Deno.test("init: refuses to add a second plan beside an existing one (it would shadow it)", async () => {
  const cwd = await tempProject({ "orchestrator.json": '{"version": 1}' });
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /orchestrator\.json already exists \(a plan is already here\)/,
  );
  await assert.rejects(() => Deno.stat(join(cwd, "orchestrator.ts")));
});

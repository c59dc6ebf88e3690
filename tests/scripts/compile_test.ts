/**
 * `deno task compile` builds a binary that really works. Where `deno compile`
 * cannot download its runtime (no network, as on our build machines), the
 * test is skipped with a plain message instead of failing.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };
import {
  compile,
  compileArgs,
  FROM_SOURCE,
  INCLUDES,
  PERMISSIONS,
} from "../../scripts/compile.ts";
import {
  PERMISSIONS as CLI_PERMISSIONS,
  repoPath,
  tempDir,
  tempProject,
} from "../_cli.ts";

const dir = await tempDir("orchestrate-compile-");
const bin = join(dir, "orchestrate");
const built = await compile(bin);
const offline = !built.ok && built.offline;
if (offline) {
  console.log("skipped: deno compile cannot download its runtime here");
}

async function run(args: string[], cwd: string) {
  const out = await new Deno.Command(bin, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test({
  name: offline
    ? "compile: skipped: deno compile cannot download its runtime here"
    : "compile: the binary prints its version and validates YAML and TS plans",
  ignore: offline,
  async fn() {
    assert.ok(built.ok, built.ok ? "" : built.stderr);
    const version = await run(["--version"], dir);
    assert.equal(version.stdout, `orchestrate ${config.version}\n`);

    const multi = repoPath("examples/multi");
    for (const file of ["orchestrator.yml", "orchestrator.ts"]) {
      const r = await run(["plan", "validate", "--file", file], multi);
      assert.equal(r.code, 0, `${file}: ${r.stderr}`);
    }

    const project = await tempProject();
    assert.equal((await run(["init", "--ts"], project)).code, 0);
    const ts = await run(
      ["plan", "validate", "--file", "orchestrator.ts"],
      project,
    );
    assert.equal(ts.code, 0, ts.stderr);

    // The embedded compiler reads its lib files, Deno's globals and the DSL from the binary.
    const typed = await run(["plan", "check"], project);
    assert.equal(typed.code, 0, typed.stderr);
    await Deno.writeTextFile(
      join(project, "orchestrator.ts"),
      'import { definePlan } from "orchestrate";\nconsole.log(Deno.cwd());\nexport default definePlan({ version: "1", tasks: [] });\n',
    );
    const typeError = await run(["plan", "check"], project);
    assert.equal(typeError.code, 2, typeError.stderr);
    assert.match(typeError.stderr, /^orchestrator\.ts:3:29: .*\(TS2322\)$/m);

    const invalid = await run(
      ["plan", "validate", "--file", "73-ts-throw.ts"],
      repoPath("tests/fixtures/invalid"),
    );
    assert.equal(invalid.code, 2);
    assert.match(invalid.stderr, /^73-ts-throw\.ts:8:5: Plan script threw: /m);

    // The plan worker is embedded and runs with its narrowed permissions.
    const hostile = await tempProject({
      "orchestrator.ts": `import { definePlan } from "orchestrate";
new Deno.Command("touch", { args: ["pwned"] }).outputSync();
export default definePlan({ version: 1, tasks: [] });
`,
    });
    const refused = await run(
      ["plan", "validate", "--file", "orchestrator.ts"],
      hostile,
    );
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /^orchestrator\.ts:2:\d+: Plan script was refused run access/m,
    );
  },
});

Deno.test("compile: a failure that is not about the download is reported, not skipped", () => {
  if (!built.ok && !built.offline) assert.fail(built.stderr);
});

Deno.test("compile: the binary gets exactly the permission flags the tests run with", () => {
  assert.deepEqual([...PERMISSIONS], CLI_PERMISSIONS);
  assert.match(config.tasks.compile, /scripts\/compile\.ts/);
  assert.match(config.tasks.orchestrate, new RegExp(PERMISSIONS.join(" ")));
});

Deno.test("deno.json: `orchestrate`, `demo` and `bench` run from source with the binary's runtime flags plus FROM_SOURCE; `test` with the binary's", () => {
  assert.ok(PERMISSIONS.includes("--unstable-worker-options"));
  const flagsOf = (task: keyof typeof config.tasks) =>
    config.tasks[task].split(/\s+/).filter((w) =>
      /^--(allow|unstable)/.test(w)
    );
  for (const task of ["orchestrate", "demo", "bench"] as const) {
    assert.deepEqual(flagsOf(task), [...PERMISSIONS, ...FROM_SOURCE], task);
  }
  assert.deepEqual(flagsOf("test"), [...PERMISSIONS]);
  // Not baked into the binary: it is a `deno run` loading choice.
  assert.ok(!compileArgs("x").some((a) => FROM_SOURCE.includes(a)));
});

Deno.test("compile: every worker module in src/ is embedded with --include", async () => {
  const workers: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(repoPath(dir))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      // Declarations (Deno's globals for plan check) only show workers in examples.
      if (!entry.isFile || !path.endsWith(".ts") || path.endsWith(".d.ts")) {
        continue;
      }
      const text = await Deno.readTextFile(repoPath(path));
      for (
        const m of text.matchAll(
          /new Worker\(\s*new URL\(\s*"([^"]+)",\s*import\.meta\.url\)/g,
        )
      ) {
        workers.push(join(path, "..", m[1]!));
      }
    }
  };
  await walk("src");
  assert.deepEqual(workers, ["src/plan/ts/ts_plan_worker.ts"]);
  const args = compileArgs("out");
  for (const worker of workers) {
    assert.ok(INCLUDES.includes(worker), worker);
    assert.equal(args[args.indexOf(worker) - 1], "--include", worker);
  }
});

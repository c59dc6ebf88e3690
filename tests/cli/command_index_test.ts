import assert from "node:assert/strict";
import { app } from "../../src/cli/app.ts";
import { COMMANDS, ROOT_NAME, treeFor } from "../../src/cli/command_index.ts";
import { cli, tempProject } from "../_cli.ts";
import { staticImports } from "../_deno_info.ts";

Deno.test("command index: one loader per top-level command, in the tree's order, giving the tree's own objects", async () => {
  assert.equal(ROOT_NAME, app.name);
  const names = app.subcommands!.map((c) => c.name);
  assert.deepEqual([...COMMANDS.keys()], names);
  for (const spec of app.subcommands!) {
    assert.equal(await COMMANDS.get(spec.name)!(), spec, spec.name);
  }
});

Deno.test("command index: a named command gets a root of its own; help, a wrong name or no name the whole tree", async () => {
  const one = await treeFor(["-C", ".", "--cwd=.", "status", "--json"]);
  assert.deepEqual(one.subcommands!.map((c) => c.name), ["status"]);
  for (
    const argv of [
      [],
      ["--help"],
      ["help"],
      ["stauts"],
      ["-C"],
      [
        "-C",
        ".",
      ],
      ["__proto__"],
      ["constructor"],
    ]
  ) {
    assert.equal(await treeFor(argv), app, JSON.stringify(argv));
  }
});

/** The modules `src/main.ts` loads before its first line runs (static imports only). */
async function staticClosure(): Promise<Set<string>> {
  const src = new URL("../../src/", import.meta.url).href;
  return new Set(
    [...await staticImports("src/main.ts")].filter((s) => s.startsWith(src))
      .map((s) => s.slice(src.length)),
  );
}

Deno.test("command index: starting imports no command and not the did-you-mean; each command comes when named", async () => {
  const loaded = await staticClosure();
  assert.ok(loaded.has("cli/command_index.ts"));
  const commands = [...loaded].filter((m) =>
    /^cli\/(app|run|status|plan_\w+|completions|init|merge)\.ts$/.test(m)
  );
  assert.deepEqual(commands, []);
  // The did-you-mean's distance package is loaded for a mistake only.
  assert.ok(!loaded.has("plan/suggest.ts"));

  const dir = await tempProject({
    "sub/orchestrator.yml":
      'version: 1\ntasks:\n  - { id: A, title: a, commands: { x: "true" } }\n',
  });
  const ok = await cli(["-C", "sub", "plan", "validate"], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /valid plan .* 1 task, 0 shards/);
  const wrong = await cli(["plan", "valdate"], { cwd: dir });
  assert.equal(wrong.code, 2);
  assert.match(
    wrong.stderr,
    /Unknown command "valdate": did you mean "validate"\?/,
  );
  const root = await cli(["stauts"], { cwd: dir });
  assert.equal(root.code, 2);
  assert.match(root.stderr, /did you mean "status"\?/);
  assert.match(root.stderr, /Commands:\n(.|\n)* {2}fingerprint /);
});

Deno.test("command index: every module `plan validate` of a YAML plan loads is ASCII (a one-byte string for V8: faster to load)", async () => {
  const roots = [
    "src/main.ts",
    "src/cli/plan_command.ts",
    "src/plan/checker.ts",
  ];
  const modules = new Set<string>();
  for (const root of roots) {
    for (const s of await staticImports(root)) {
      if (s.startsWith("file:") && /\.m?[jt]s$/.test(s)) modules.add(s);
    }
  }
  assert.ok(
    modules.has(
      new URL("../../src/plan/vendor/js_yaml.mjs", import.meta.url).href,
    ),
  );
  const wide = [...modules].filter((s) =>
    /[\u0080-\uffff]/.test(Deno.readTextFileSync(new URL(s)))
  );
  assert.deepEqual(
    wide,
    [],
    "write such characters as \\uXXXX escapes (ASCII in comments)",
  );
});

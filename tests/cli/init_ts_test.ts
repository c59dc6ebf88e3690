/**
 * `init --ts`: `import ... from "orchestrate"` type-checks with the real
 * `deno check` through the import entry init writes into the project's
 * deno.json (created, or merged into the user's own); the DSL copy carries
 * the version that wrote it, an older copy is warned about, and
 * `init --ts --update` refreshes it without touching the plan.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import config from "../../deno.json" with { type: "json" };
import { cli, tempProject } from "../_cli.ts";

const read = (dir: string, path: string) => Deno.readTextFile(join(dir, path));

/** Runs the real `deno` (tests run under it) in `cwd`. */
async function deno(args: string[], cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test('init --ts: the starter imports "orchestrate", deno.json maps it to the versioned DSL copy; deno check, deno fmt --check and plan check pass', async () => {
  const cwd = await tempProject({ "Makefile": "test:\n\ttrue\n" });
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  const plan = await read(cwd, "orchestrator.ts");
  assert.match(plan, /^import \{ [^}]+ \} from "orchestrate";$/m);
  assert.deepEqual(JSON.parse(await read(cwd, "deno.json")), {
    imports: { orchestrate: "./.codex/orchestrate.ts" },
  });
  const copy = await read(cwd, ".codex/orchestrate.ts");
  assert.ok(
    copy.startsWith(`// orchestrate ${config.version}: the typed DSL`),
    copy.split("\n")[0],
  );
  assert.match(
    r.stdout,
    /^Added to deno\.json: "imports": \{ "orchestrate": "\.\/\.codex\/orchestrate\.ts" \}/m,
  );
  assert.match(
    r.stdout,
    /^Commit: orchestrator\.ts, \.codex\/orchestrate\.ts, deno\.json, \.gitignore$/m,
  );
  const check = await deno(
    ["check", "--no-remote", "--no-npm", "orchestrator.ts"],
    cwd,
  );
  assert.equal(check.code, 0, check.stderr);
  const fmt = await deno(
    ["fmt", "--check", "orchestrator.ts", "deno.json"],
    cwd,
  );
  assert.equal(fmt.code, 0, fmt.stderr);
  const typed = await cli(["plan", "check"], { cwd });
  assert.equal(typed.code, 0, typed.stderr);
  assert.equal(typed.stderr, "");
  // That deno.json is no sign of a Deno project to a later init.
  const again = await cli(["init", "--force"], { cwd });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /commands from Makefile: /);
});

Deno.test("init --ts: merges the import into the user's deno.jsonc (comments kept) and deno.json (imports kept)", async () => {
  const jsonc = `{
  // my project
  "name": "@me/dino",
  "tasks": { "test": "deno test -A", }, /* trailing comma */
}
`;
  const cwd = await tempProject({ "deno.jsonc": jsonc });
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    await read(cwd, "deno.jsonc"),
    jsonc.replace(
      "{\n",
      '{\n  "imports": {\n    "orchestrate": "./.codex/orchestrate.ts"\n  },\n',
    ),
  );
  const check = await deno(
    ["check", "--no-remote", "--no-npm", "orchestrator.ts"],
    cwd,
  );
  assert.equal(check.code, 0, check.stderr);

  const json = `{
    "imports": {
        "@std/assert": "./vendor/assert.ts"
    },
    "lock": false
}
`;
  const other = await tempProject({ "deno.json": json });
  assert.equal((await cli(["init", "--ts"], { cwd: other })).code, 0);
  assert.equal(
    await read(other, "deno.json"),
    json.replace(
      '"imports": {\n',
      '"imports": {\n        "orchestrate": "./.codex/orchestrate.ts",\n',
    ),
  );
  // A second init leaves the entry as it is.
  const again = await cli(["init", "--ts", "--force"], { cwd: other });
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /Added to deno\.json/);
});

Deno.test("init --ts: a deno.json it cannot edit safely is refused with what to add, before anything is written", async () => {
  for (
    const [text, reason] of [
      [
        '{ "importMap": "./import_map.json" }\n',
        /the import map "\.\/import_map\.json"/,
      ],
      ["{ broken\n", /it is not valid JSON/],
      ['{ "imports": [] }\n', /its "imports" is not an object/],
    ] as const
  ) {
    const cwd = await tempProject({ "deno.json": text });
    const r = await cli(["init", "--ts"], { cwd });
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^error: Cannot add the "orchestrate" import to deno\.json: /,
    );
    assert.match(r.stderr, reason);
    assert.match(
      r.stderr,
      /Add "imports": \{ "orchestrate": "\.\/\.codex\/orchestrate\.ts" \} to it yourself/,
    );
    assert.equal(await read(cwd, "deno.json"), text);
    await assert.rejects(() => Deno.stat(join(cwd, "orchestrator.ts")));
    await assert.rejects(() => Deno.stat(join(cwd, ".codex")));
  }
});

Deno.test("an older DSL copy is warned about once; init --ts --update refreshes it and leaves the plan alone", async () => {
  const cwd = await tempProject();
  assert.equal((await cli(["init", "--ts"], { cwd })).code, 0);
  const copy = await read(cwd, ".codex/orchestrate.ts");
  const old = copy.replace(
    `// orchestrate ${config.version}:`,
    "// orchestrate 0.0.1:",
  );
  await Deno.writeTextFile(join(cwd, ".codex/orchestrate.ts"), old);
  const plan = (await read(cwd, "orchestrator.ts")) + "// mine\n";
  await Deno.writeTextFile(join(cwd, "orchestrator.ts"), plan);

  const warned = await cli(["plan", "validate"], { cwd });
  assert.equal(warned.code, 0, warned.stderr);
  assert.equal(
    warned.stderr,
    `warning: .codex/orchestrate.ts is the DSL of orchestrate 0.0.1, older than this one (${config.version}): ` +
      `"deno check" and editors may disagree with it; run "orchestrate init --ts --update" to refresh it\n`,
  );

  const update = await cli(["init", "--ts", "--update"], { cwd });
  assert.equal(update.code, 0, update.stderr);
  assert.match(
    update.stdout,
    new RegExp(
      `^Updated \\.codex/orchestrate\\.ts to orchestrate ${config.version} \\(was 0\\.0\\.1\\); the plan is unchanged$`,
      "m",
    ),
  );
  assert.equal(await read(cwd, ".codex/orchestrate.ts"), copy);
  assert.equal(await read(cwd, "orchestrator.ts"), plan);
  const quiet = await cli(["plan", "validate"], { cwd });
  assert.equal(quiet.stderr, "");

  // A copy from before versions were written counts as older too.
  await Deno.writeTextFile(
    join(cwd, ".codex/orchestrate.ts"),
    copy.slice(copy.indexOf("\n") + 1),
  );
  const unversioned = await cli(["plan", "validate"], { cwd });
  assert.match(unversioned.stderr, /is the DSL of an older orchestrate/);
});

Deno.test("init --update without --ts is a usage error", async () => {
  const cwd = await tempProject();
  const r = await cli(["init", "--update"], { cwd });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^error: --update refreshes the TypeScript DSL copy/);
});

Deno.test({
  name:
    "init --ts: the user's deno.json is replaced whole (no temporary file left), keeps its mode, and a symlinked one stays a symlink",
  ignore: Deno.build.os === "windows",
}, async () => {
  const cwd = await tempProject({
    "config/shared.json": '{ "imports": { "x": "./x.ts" } }\n',
  });
  await Deno.chmod(join(cwd, "config/shared.json"), 0o640);
  await Deno.symlink("config/shared.json", join(cwd, "deno.json"));
  const r = await cli(["init", "--ts"], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.ok((await Deno.lstat(join(cwd, "deno.json"))).isSymlink);
  const shared = join(cwd, "config/shared.json");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(shared)).imports, {
    x: "./x.ts",
    orchestrate: "./.codex/orchestrate.ts",
  });
  assert.equal((await Deno.stat(shared)).mode! & 0o777, 0o640);
  for (const folder of [cwd, join(cwd, "config"), join(cwd, ".codex")]) {
    const names = [...Deno.readDirSync(folder)].map((e) => e.name);
    assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), [], folder);
  }
});

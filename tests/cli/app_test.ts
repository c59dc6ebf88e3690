import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { app } from "../../src/cli/app.ts";
import type { CommandSpec } from "../../src/cli/command.ts";
import { cli, tempProject } from "../_cli.ts";

/** Every command path of the tree: ["plan"], ["plan", "validate"], ... */
function commandPaths(spec: CommandSpec, trail: string[] = []): string[][] {
  return (spec.subcommands ?? []).flatMap((c) => [
    [...trail, c.name],
    ...commandPaths(c, [...trail, c.name]),
  ]);
}

function find(path: string[]): CommandSpec {
  let spec = app;
  for (const name of path) {
    spec = spec.subcommands!.find((c) => c.name === name)!;
  }
  return spec;
}

Deno.test("--help on every command: usage, summary and every option, exit 0", async () => {
  const cwd = await tempProject();
  const paths = [[], ...commandPaths(app)];
  assert.ok(paths.length >= 5);
  for (const path of paths) {
    const spec = find(path);
    for (const flag of ["--help", "-h"]) {
      const r = await cli([...path, flag], { cwd });
      const where = `orchestrate ${[...path, flag].join(" ")}`;
      assert.equal(r.code, 0, `${where}: ${r.stderr}`);
      assert.equal(r.stderr, "", where);
      assert.match(
        r.stdout,
        new RegExp(`^Usage: ${["orchestrate", ...path].join(" ")} `),
        where,
      );
      assert.ok(r.stdout.includes(spec.summary), `${where} shows the summary`);
      for (const option of Object.keys(spec.options ?? {})) {
        assert.ok(
          r.stdout.includes(`--${option}`),
          `${where} lists --${option}`,
        );
      }
      for (const sub of spec.subcommands ?? []) {
        assert.ok(
          r.stdout.includes(`  ${sub.name}`),
          `${where} lists ${sub.name}`,
        );
      }
    }
  }
});

Deno.test("--version and -V print the version from deno.json", async () => {
  const cwd = await tempProject();
  for (const flag of ["--version", "-V"]) {
    const r = await cli([flag], { cwd });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `orchestrate ${config.version}\n`);
  }
});

Deno.test("no command, or `help`, prints the root help", async () => {
  const cwd = await tempProject();
  for (const args of [[], ["help"]]) {
    const r = await cli(args, { cwd });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: orchestrate <command>/);
    assert.match(r.stdout, /--version/);
  }
});

Deno.test("unknown commands and options: exit 2, one error line with did-you-mean, then the help", async () => {
  const cwd = await tempProject();
  const cases: [string[], string][] = [
    [["plna"], 'error: Unknown command "plna": did you mean "plan"?'],
    [
      ["plan", "valdate"],
      'error: Unknown command "valdate": did you mean "validate"?',
    ],
    [
      ["plan", "validate", "--fiel", "x"],
      'error: Unknown option "--fiel": did you mean "--file"?',
    ],
    [
      ["init", "--froce"],
      'error: Unknown option "--froce": did you mean "--force"?',
    ],
    [
      ["--versoin"],
      'error: Unknown option "--versoin": did you mean "--version"?',
    ],
    [
      ["plan", "--hlep"],
      'error: Unknown option "--hlep": did you mean "--help"?',
    ],
    [["xyzzy"], 'error: Unknown command "xyzzy"'],
    [["plan", "validate", "extra"], 'error: Unexpected argument "extra"'],
  ];
  for (const [args, first] of cases) {
    const r = await cli(args, { cwd });
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    const lines = r.stderr.split("\n");
    assert.equal(lines[0], first);
    assert.match(r.stderr, /\nUsage: orchestrate/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  }
});

import assert from "node:assert/strict";
import { parseArgs as nodeParseArgs } from "node:util";
import fc from "fast-check";
import { parseArgs, type ParseArgsOption } from "../../src/cli/parse_args.ts";

// A table like the commands' (see src/cli/command.ts).
const OPTIONS: Record<string, ParseArgsOption> = {
  file: { type: "string", short: "f" },
  task: { type: "string", short: "t" },
  concurrency: { type: "string", short: "j" },
  force: { type: "boolean" },
  "dry-run": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  cwd: { type: "string", short: "C", multiple: true },
};

type Outcome =
  | { values: Record<string, unknown>; positionals: string[] }
  | { error: string; name: string };

function outcome(
  parse: () => { values: object; positionals: string[] },
): Outcome {
  try {
    const { values, positionals } = parse();
    return { values: { ...values }, positionals };
  } catch (e) {
    return { error: (e as Error).message, name: (e as Error).name };
  }
}

const ours = (args: string[]) =>
  outcome(() =>
    parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true })
  );
const node = (args: string[]) =>
  outcome(() =>
    nodeParseArgs({
      args,
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    })
  );

Deno.test("parseArgs: the same values, positionals and errors as node:util's on the cases that matter", () => {
  const cases = [
    [],
    ["deploy"],
    ["-f", "plan.yml", "--force", "deploy"],
    ["--file=plan.yml"],
    ["--file", "-1"],
    ["-j", "-1"],
    ["-j-1"],
    ["--concurrency=-1"],
    ["--file"],
    ["-f"],
    ["--force=yes"],
    ["--bogus"],
    ["-z"],
    ["-hf", "x"],
    ["-hfx"],
    ["-fh"],
    ["-hz"],
    ["--", "--force", "-f"],
    ["-"],
    ["---x"],
    ["--=x"],
    ["--__proto__"],
    ["--file", "a", "--file", "b"],
    ["-C", "a", "--cwd", "b", "--cwd=c", "-Cd"],
    ["-h", "--help"],
  ];
  for (const args of cases) {
    assert.deepEqual(ours(args), node(args), args.join(" "));
  }
});

Deno.test("parseArgs: agrees with node:util's on random command lines", () => {
  const word = fc.oneof(
    fc.constantFrom(
      "--file",
      "-f",
      "--task",
      "-t",
      "-C",
      "--cwd",
      "--cwd=sub",
      "-Csub",
      "-j",
      "--concurrency",
      "--force",
      "--dry-run",
      "-h",
      "--help",
      "--",
      "-",
      "--bogus",
      "-z",
      "-hf",
      "-fh",
      "-hj4",
      "--file=",
      "--force=1",
      "-1",
      "x",
      "plan.yml",
      "--file=-x",
      "-f-x",
      "---",
      "--=",
    ),
    fc.string({ maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(word, { maxLength: 6 }), (args) => {
      assert.deepEqual(ours(args), node(args));
    }),
    { numRuns: 3000, seed: 11 },
  );
});

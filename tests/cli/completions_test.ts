/**
 * Shell completions driven as a shell drives them: the script that
 * `orchestrate completions SHELL` prints is loaded into a real bash (and
 * zsh and fish where installed), with an `orchestrate` on PATH that runs
 * this checkout, and asked to complete partial command lines in a project.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, repoPath, SOURCE_FLAGS, tempDir, tempProject } from "../_cli.ts";

const PLAN = `version: 1
orchestrator:
  approvals:
    required: [deploy, sign_off]
tasks:
  - id: BUILD
    title: Build
  - id: BENCH
    title: Benchmarks
  - id: SHIP
    title: Ship
    type: deploy
    approvals: [sign_off]
`;

/** A folder with an `orchestrate` launcher for this checkout, for PATH. */
const BIN = await (async () => {
  const bin = await tempDir("orchestrate-bin-");
  const launcher = join(bin, "orchestrate");
  await Deno.writeTextFile(
    launcher,
    `#!/bin/sh\nexec '${Deno.execPath()}' run --quiet --config '${
      repoPath("deno.json")
    }' ${SOURCE_FLAGS.join(" ")} '${repoPath("src/main.ts")}' "$@"\n`,
  );
  await Deno.chmod(launcher, 0o755);
  return bin;
})();

async function installed(program: string): Promise<boolean> {
  const r = await new Deno.Command("sh", {
    args: ["-c", `command -v ${program}`],
    stdout: "null",
  }).output();
  return r.success;
}

/** Runs `program -c script` in `cwd` with the launcher on PATH; its stdout lines. */
async function shell(
  program: string,
  script: string,
  cwd: string,
): Promise<string[]> {
  const out = await new Deno.Command(program, {
    args: ["-c", script],
    cwd,
    env: {
      PATH: `${BIN}:${Deno.env.get("PATH")}`,
      HOME: cwd,
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, new TextDecoder().decode(out.stderr) + text);
  return text.split("\n").filter((l) => l !== "").sort();
}

function bashCompletes(words: string[]): string {
  const quoted = words.map((w) => `'${w}'`).join(" ");
  return `eval "$(orchestrate completions bash)"
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_orchestrate_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
}

const CASES: { words: string[]; want: string[] }[] = [
  { words: ["orchestrate", "ap"], want: ["approve"] },
  { words: ["orchestrate", "plan", "v"], want: ["validate"] },
  { words: ["orchestrate", "run", "--ta"], want: ["--task"] },
  { words: ["orchestrate", "run", "--task", "B"], want: ["BENCH", "BUILD"] },
  {
    words: ["orchestrate", "run", "--concurrency", "2", "--task", ""],
    want: ["BENCH", "BUILD", "SHIP"],
  },
  { words: ["orchestrate", "approve", ""], want: ["deploy", "sign_off"] },
  { words: ["orchestrate", "brief", "S"], want: ["SHIP"] },
  { words: ["orchestrate", "completions", "f"], want: ["fish"] },
];

Deno.test("completions bash: commands, subcommands, flags, task ids and gates from the plan here", async () => {
  const dir = await tempProject({ "orchestrator.yml": PLAN });
  for (const { words, want } of CASES) {
    assert.deepEqual(
      await shell("bash", bashCompletes(words), dir),
      want,
      words.join(" "),
    );
  }
});

Deno.test("completions bash: no plan here completes commands and offers no task ids, silently", async () => {
  const dir = await tempDir();
  assert.deepEqual(
    await shell(
      "bash",
      bashCompletes(["orchestrate", "run", "--task", ""]),
      dir,
    ),
    [],
  );
  assert.deepEqual(
    await shell("bash", bashCompletes(["orchestrate", "sta"]), dir),
    ["status"],
  );
});

Deno.test({
  name: "completions zsh: the same answers through zsh's bashcompinit",
  ignore: !(await installed("zsh")),
  async fn() {
    const dir = await tempProject({ "orchestrator.yml": PLAN });
    for (const { words, want } of CASES) {
      const quoted = words.map((w) => `'${w}'`).join(" ");
      const script = `eval "$(orchestrate completions zsh)"
setopt ksharrays
COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}
_orchestrate_complete; print -l -- "\${COMPREPLY[@]}"`;
      assert.deepEqual(await shell("zsh", script, dir), want, words.join(" "));
    }
  },
});

Deno.test({
  name: "completions fish: the same answers through fish's complete -C",
  ignore: !(await installed("fish")),
  async fn() {
    const dir = await tempProject({ "orchestrator.yml": PLAN });
    for (const { words, want } of CASES) {
      const line = words.join(" ");
      const script = `orchestrate completions fish | source
complete -C '${line}' | cut -f1`;
      assert.deepEqual(await shell("fish", script, dir), want, line);
    }
  },
});

Deno.test("completions: an unknown shell is a usage error, exit 2", async () => {
  const dir = await tempDir();
  const r = await cli(["completions", "tcsh"], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /Unknown shell "tcsh": expected one of bash, zsh, fish/,
  );
});

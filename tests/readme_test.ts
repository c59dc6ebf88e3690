/**
 * The README tells the truth: every plan and command block in it works as
 * pasted, driven through the real CLI.
 *
 * - ```yaml / ```json plans (a top-level `version:`): `plan validate` in a
 *   temporary project, and every content check has a file to look in. A
 *   block whose first line is `# file: PATH` is written to PATH; one that is
 *   not a plan (an included task file) joins the plan block before it.
 *   GitHub workflows (`on:` and `jobs:`) are left to the workflow test.
 * - ```ts: an `orchestrator.ts` beside the DSL copy `orchestrate init --ts`
 *   writes; it validates, and `deno check` passes offline.
 * - ```sh: every `orchestrate ...` command parses (its `--help` exits 0 and
 *   the words match the command's usage); every `deno task X` names a task
 *   of deno.json.
 * - The untagged block is the CLI usage: each line parses the same way.
 *
 * A block preceded by `<!-- not-runnable: reason -->` is skipped (listed as
 * ignored); any other block this test cannot check fails it.
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { parse as parseShell } from "shell-quote";
import config from "../deno.json" with { type: "json" };
import { cli, repoPath, tempDir, tempProject } from "./_cli.ts";

/** A fenced code block of a Markdown file. */
interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  text: string;
  /** The reason given by a `<!-- not-runnable: reason -->` just before it, or null. */
  notRunnable: string | null;
}

/** The fenced code blocks of `markdown`, in order. */
function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  let lastText = "";
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) {
      if (lines[i]!.trim() !== "") lastText = lines[i]!.trim();
      continue;
    }
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !lines[j]!.trim().startsWith(fence)) {
      body.push(lines[j]!);
      j++;
    }
    const marker = /^<!--\s*not-runnable:\s*(.*?)\s*-->$/.exec(lastText);
    blocks.push({
      line: i + 1,
      lang: open[3]!.toLowerCase(),
      text: body.join("\n") + "\n",
      notRunnable: marker ? marker[1] || "(no reason given)" : null,
    });
    lastText = "";
    i = j;
  }
  return blocks;
}

const README = "README.md";
const TASKS = new Set(Object.keys(config.tasks));

// ---------------------------------------------------------------- plans

/** The path a `# file: PATH` first line names, or null. */
function namedFile(text: string): string | null {
  return /^#\s*file:\s*(\S+)\s*$/.exec(text.split("\n")[0]!)?.[1] ?? null;
}

const isWorkflow = (text: string) => /^on:/m.test(text) && /^jobs:/m.test(text);

/** IR of a compiled plan, as far as this test reads it. */
interface IrTask {
  id: string;
  paths: { preferred: string[] };
  acceptance: { kind: string; file?: string }[];
  shards?: IrTask[];
}

/**
 * Content checks (Contains, Not contains, Matches) that name no file in a
 * task or shard without `paths.preferred`: they fail every run.
 */
function checksWithoutFile(tasks: IrTask[]): string[] {
  const problems: string[] = [];
  const content = new Set(["contains", "not_contains", "matches"]);
  const visit = (item: IrTask, fallback: string[]) => {
    const paths = item.paths.preferred.length > 0
      ? item.paths.preferred
      : fallback;
    for (const check of item.acceptance) {
      if (content.has(check.kind) && !check.file && paths.length === 0) {
        problems.push(
          `${item.id}: a ${check.kind} check names no file and the task has no paths.preferred`,
        );
      }
    }
    for (const shard of item.shards ?? []) visit(shard, item.paths.preferred);
  };
  for (const task of tasks) visit(task, []);
  return problems;
}

/** Validates and compiles `plan` in `dir`; returns what is wrong. */
async function planProblems(dir: string, plan: string): Promise<string[]> {
  const validate = await cli(["plan", "validate", "--file", plan], {
    cwd: dir,
  });
  if (validate.code !== 0) {
    return [`plan validate exits ${validate.code}:\n${validate.stderr}`];
  }
  const compile = await cli(["plan", "compile", "--file", plan], { cwd: dir });
  if (compile.code !== 0) {
    return [`plan compile exits ${compile.code}:\n${compile.stderr}`];
  }
  return checksWithoutFile(JSON.parse(compile.stdout).tasks);
}

/** `deno check` of `file` in `dir` with the project's deno.json (as `init --ts` writes it), nothing cached, no network or npm. */
async function denoCheckOffline(dir: string, file: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "check",
      "--quiet",
      "--config",
      "deno.json",
      "--no-remote",
      "--no-npm",
      file,
    ],
    cwd: dir,
    env: { NO_COLOR: "1", DENO_DIR: await tempDir("orchestrate-deno-dir-") },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  return out.code === 0
    ? []
    : [`deno check ${file} exits ${out.code}:\n${text}`];
}

// ---------------------------------------------------------------- commands

const HELP_CACHE = new Map<string, string>();

/** What `orchestrate <path> --help` prints (the root's help for no path). */
async function helpOf(path: string[]): Promise<string> {
  const key = path.join(" ");
  let text = HELP_CACHE.get(key);
  if (text === undefined) {
    const r = await cli([...path, "--help"], { cwd: await emptyDir() });
    text = r.code === 0 ? r.stdout : "";
    HELP_CACHE.set(key, text);
  }
  return text;
}

let empty: string | null = null;
async function emptyDir(): Promise<string> {
  return empty ??= await tempProject();
}

/** Flags of a help text that take a value (`-f, --file <FILE>`). */
function valueFlags(help: string): Set<string> {
  const flags = new Set<string>();
  for (const m of help.matchAll(/^\s+(?:-(\w), )?--([\w-]+) <[^>]+>/gm)) {
    if (m[1]) flags.add(`-${m[1]}`);
    flags.add(`--${m[2]}`);
  }
  return flags;
}

/**
 * What is wrong with the command line `orchestrate <args>`: it must parse
 * (`--help` added exits 0), and its words must fit the command's usage
 * (the command path, then no more arguments than its `<placeholders>`).
 */
async function orchestrateProblems(args: string[]): Promise<string[]> {
  const shown = `orchestrate ${args.join(" ")}`.trim();
  if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
    const r = await cli(args, { cwd: await emptyDir() });
    return r.code === 0 && r.stdout.startsWith("orchestrate ")
      ? []
      : [`"${shown}" exits ${r.code}: ${r.stderr}`];
  }
  const end = args.indexOf("--");
  const withHelp = end === -1
    ? [...args, "--help"]
    : [...args.slice(0, end), "--help", ...args.slice(end)];
  const r = await cli(withHelp, { cwd: await emptyDir() });
  if (r.code !== 0) {
    return [`"${shown}" does not parse (exit ${r.code}):\n${r.stderr}`];
  }
  const usage = /^Usage: orchestrate(.*)$/m.exec(r.stdout)?.[1]?.trim() ?? "";
  const usageWords = usage.split(/\s+/).filter((w) => w !== "");
  const path = usageWords.filter((w) => /^[a-z][\w-]*$/.test(w));
  const placeholders = usageWords.filter((w) =>
    /^<.+>$/.test(w) && w !== "<command>"
  );
  const takesValue = new Set([
    ...valueFlags(r.stdout),
    ...valueFlags(await helpOf([])),
  ]);
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      words.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith("-") && arg !== "-") {
      if (!arg.includes("=") && takesValue.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  const problems: string[] = [];
  if (words.slice(0, path.length).join(" ") !== path.join(" ")) {
    problems.push(`"${shown}": its help says "Usage: orchestrate ${usage}"`);
  }
  const extra = words.slice(path.length);
  if (extra.length > placeholders.length) {
    problems.push(
      `"${shown}": unexpected argument "${
        extra[placeholders.length]
      }" (usage: orchestrate ${usage})`,
    );
  }
  return problems;
}

/** What is wrong with `deno task <name> ...`: the task must exist. */
async function denoTaskProblems(words: string[]): Promise<string[]> {
  const start = words.findIndex((w) => !w.startsWith("-")); // after -q and the like
  const [name, ...rest] = start === -1 ? [] : words.slice(start);
  if (name === undefined) return [];
  if (!TASKS.has(name)) {
    return [`"deno task ${name}": deno.json has no task "${name}"`];
  }
  return name === "orchestrate" ? await orchestrateProblems(rest) : [];
}

/** The simple commands of a shell line: words between `&&`, `||`, `|`, `;`. */
function simpleCommands(line: string): string[][] {
  const commands: string[][] = [[]];
  for (const token of parseShell(line, (name) => `$${name}`)) {
    if (typeof token === "string") commands.at(-1)!.push(token);
    else if ("op" in token && token.op === "glob") {
      commands.at(-1)!.push(token.pattern);
    } else if ("op" in token) commands.push([]);
    // A comment ends the line: shell-quote returns it last.
  }
  return commands.filter((c) => c.length > 0);
}

/** Problems of a ```sh block: its `orchestrate` and `deno task` commands. */
async function shellProblems(text: string): Promise<string[]> {
  const problems: string[] = [];
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const line of lines) {
    for (let words of simpleCommands(line.replace(/^\$ /, ""))) {
      while (words.length > 0 && /^\w+=/.test(words[0]!)) {
        words = words.slice(1); // VAR=value before the command
      }
      if (words[0] === "orchestrate") {
        problems.push(...await orchestrateProblems(words.slice(1)));
      }
      const deno = words.findIndex((w) => /^deno(@[\w.-]+)?$/.test(w));
      if (deno !== -1 && words[deno + 1] === "task") {
        problems.push(...await denoTaskProblems(words.slice(deno + 2)));
      }
    }
  }
  return problems;
}

/**
 * The command lines of the usage block: `orchestrate ...` lines (indented
 * lines continue the one above), each without its description, and the
 * alternatives of a top-level `|` apart. `<command>` stands for every
 * command the block names.
 */
function usageLines(text: string): string[][] | null {
  const joined: string[] = [];
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    // A description starts with a word after a gap of two or more spaces.
    const syntax = raw.trim().split(/\s{2,}(?=[a-z])/)[0]!;
    if (/^\s/.test(raw) && joined.length > 0) {
      joined[joined.length - 1] += ` ${syntax}`;
    } else if (syntax.startsWith("orchestrate")) joined.push(syntax);
    else return null;
  }
  const alternatives: string[][] = [];
  for (const line of joined) {
    let current: string[] = [];
    const lineAlternatives = [current];
    let depth = 0, pathDone = false;
    for (const token of line.match(/\[|\]|\||<[^>]+>|[^\s[\]|]+/g) ?? []) {
      if (token === "[") depth++, pathDone = true;
      else if (token === "]") depth--;
      else if (token === "|" && depth === 0) {
        lineAlternatives.push(current = ["orchestrate"]);
      } else if (token === "|") continue;
      else if (/^[a-z]/.test(token) && pathDone && depth === 0) break; // the description
      else {
        if (!/^[a-z]/.test(token)) pathDone = true;
        current.push(token);
      }
    }
    alternatives.push(...lineAlternatives);
  }
  const paths = alternatives
    .map((words) => words.slice(1).filter((w) => /^[a-z][\w-]*$/.test(w)))
    .filter((p) => p.length > 0)
    .map((p) => p.join(" "));
  return alternatives.flatMap((words) => {
    const args = words.slice(1);
    const expand = args[0] === "<command>"
      ? [...new Set(paths)].map((p) => [...p.split(" "), ...args.slice(1)])
      : [args];
    // A placeholder stands for a value: its name will do.
    return expand.map((a) => a.map((w) => w.replace(/^<(.+)>$/, "$1")));
  });
}

// ---------------------------------------------------------------- the tests

const readme = await Deno.readTextFile(repoPath(README));
const blocks = codeBlocks(readme);

interface PlanGroup {
  plan: string;
  files: Record<string, string>;
}

let group: PlanGroup | null = null;
for (const block of blocks) {
  const where = `${README}:${block.line}`;
  const test = (
    what: string,
    fn: () => Promise<string[]>,
    ignore = false,
  ) =>
    Deno.test({
      name: `readme: ${where}: ${what}`,
      ignore,
      async fn() {
        const problems = await fn();
        if (problems.length > 0) {
          assert.fail(`${where}:\n${problems.join("\n")}`);
        }
      },
    });

  if (block.notRunnable !== null) {
    test(
      `not runnable (${block.notRunnable})`,
      () => Promise.resolve([]),
      true,
    );
    continue;
  }
  switch (block.lang) {
    case "yaml":
    case "yml":
    case "json": {
      if (block.lang !== "json" && isWorkflow(block.text)) {
        test(
          "a GitHub workflow (checked by its own test)",
          () => Promise.resolve([]),
          true,
        );
        break;
      }
      const file = namedFile(block.text);
      const isPlan = /^\s*(version:|\{\s*"version"\s*:)/m.test(block.text);
      if (isPlan) {
        const plan = file ??
          (block.lang === "json" ? "orchestrator.json" : "orchestrator.yml");
        const current: PlanGroup = group = {
          plan,
          files: { [plan]: block.text },
        };
        test("the plan validates", async () => {
          const dir = await tempProject(current.files);
          return await planProblems(dir, current.plan);
        });
      } else if (file !== null && group !== null) {
        group.files[file] = block.text;
      } else {
        test("a YAML block that is neither a plan nor a file of one", () =>
          Promise.resolve([
            `mark it <!-- not-runnable: reason --> or name its file ("# file: PATH") after a plan block`,
          ]));
      }
      break;
    }
    case "ts":
    case "typescript":
      test("the TypeScript plan validates and type-checks offline", async () => {
        const dir = await tempProject();
        const init = await cli(["init", "--ts"], { cwd: dir });
        if (init.code !== 0) {
          return [`init --ts exits ${init.code}: ${init.stderr}`];
        }
        await Deno.writeTextFile(join(dir, "orchestrator.ts"), block.text);
        return [
          ...await planProblems(dir, "orchestrator.ts"),
          ...await denoCheckOffline(dir, "orchestrator.ts"),
        ];
      });
      break;
    case "sh":
    case "bash":
    case "shell":
    case "console":
      test("every orchestrate command parses, every deno task exists", () =>
        shellProblems(block.text));
      break;
    case "": {
      const lines = usageLines(block.text);
      test(
        lines === null
          ? "an untagged block that is not the CLI usage"
          : "every usage line parses",
        async () => {
          if (lines === null) {
            return [
              "tag it (```sh, ```yaml, ...) or mark it <!-- not-runnable: reason -->",
            ];
          }
          const problems: string[] = [];
          for (const args of lines) {
            problems.push(...await orchestrateProblems(args));
          }
          return problems;
        },
      );
      break;
    }
    default:
      test(`a \`\`\`${block.lang} block`, () =>
        Promise.resolve([
          "this test cannot check it: mark it <!-- not-runnable: reason -->",
        ]));
  }
}

Deno.test("readme: the checks catch what they are for", async () => {
  assert.deepEqual(
    usageLines(
      "orchestrate approve <gate> [--task ID] grant a gate\n" +
        "orchestrate plan compile  [--file F]   print the IR\n" +
        "orchestrate run [--file F] [--task ID | --all]\n" +
        "                [--force]\n" +
        "orchestrate --version | <command> --help\n",
    ),
    [
      ["approve", "gate", "--task", "ID"],
      ["plan", "compile", "--file", "F"],
      ["run", "--file", "F", "--task", "ID", "--all", "--force"],
      ["--version"],
      ["approve", "--help"],
      ["plan", "compile", "--help"],
      ["run", "--help"],
    ],
  );
  assert.equal(usageLines("not a usage line\n"), null);
  assert.ok(isWorkflow("on:\n  push:\njobs:\n  ci: {}\n"));
  assert.ok(!isWorkflow("version: 1\ntasks: []\n"));
  assert.equal(namedFile("# file: tasks/a.yml\ntasks: []\n"), "tasks/a.yml");
  assert.match(
    (await orchestrateProblems(["run", "--resum"]))[0] ?? "",
    /does not parse/,
  );
  assert.match(
    (await orchestrateProblems(["approve", "deploy", "extra"]))[0] ?? "",
    /unexpected argument "extra"/,
  );
  assert.match(
    (await orchestrateProblems(["plan", "validat"]))[0] ?? "",
    /does not parse/,
  );
  assert.deepEqual(
    await orchestrateProblems(["approve", "deploy", "-t", "A"]),
    [],
  );
  assert.match(
    (await shellProblems("npx -y deno@2.9.6 task dmeo # typo\n"))[0] ?? "",
    /no task "dmeo"/,
  );
  assert.deepEqual(
    await shellProblems("cd x && DENO_TLS_CA_STORE=system deno task test\n"),
    [],
  );
  assert.deepEqual(
    checksWithoutFile([{
      id: "A",
      paths: { preferred: [] },
      acceptance: [{ kind: "contains" }],
      shards: [],
    }]).length,
    1,
  );
  const blocks = codeBlocks(
    "<!-- not-runnable: needs a server -->\n\n```sh\nserve\n```\n\n```yaml\nversion: 1\n```\n",
  );
  assert.deepEqual(blocks.map((b) => [b.line, b.lang, b.notRunnable]), [
    [3, "sh", "needs a server"],
    [7, "yaml", null],
  ]);
});

import assert from "node:assert/strict";
import config from "../../deno.json" with { type: "json" };
import { app } from "../../src/cli/app.ts";
import type { CommandSpec } from "../../src/cli/command.ts";
import { join } from "node:path";
import { cli, PERMISSIONS, repoPath, tempProject } from "../_cli.ts";
import { denoInfo } from "../_deno_info.ts";

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

/** Modules of src/ reachable from main.ts, with their imports (static, dynamic and type-only). */
async function moduleGraph(): Promise<Map<string, string[]>> {
  const modules = await denoInfo("src/main.ts");
  const src = new URL("../../src/", import.meta.url).href;
  const graph = new Map<string, string[]>();
  for (const m of modules) {
    if (!m.specifier.startsWith(src)) continue;
    const deps = (m.dependencies ?? []).flatMap((d) =>
      [d.code?.specifier, d.type?.specifier].filter((s): s is string =>
        s !== undefined && s.startsWith(src)
      )
    );
    graph.set(m.specifier.slice(src.length), [
      ...new Set(deps.map((d) => d.slice(src.length))),
    ]);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indices.has(v)) visit(v);
  return found;
}

Deno.test("no import cycle goes through src/cli/ or src/output/ (run no longer imports the command tree)", async () => {
  const graph = await moduleGraph();
  assert.ok(graph.has("cli/run.ts") && graph.has("cli/app.ts"));
  const bad = cycles(graph).filter((c) =>
    c.some((m) => m.startsWith("cli/") || m.startsWith("output/"))
  );
  assert.deepEqual(bad, []);
});

/** The CLI with extra Deno flags (to deny access to one path even when running as root). */
async function cliWithFlags(
  flags: string[],
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...PERMISSIONS,
      ...flags,
      repoPath("src/main.ts"),
      ...args,
    ],
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

const isRoot = Deno.uid() === 0;
const ONE_TASK = `version: 1
tasks:
  - { id: A, title: a, commands: { x: "touch a" } }
`;

Deno.test("a disk fault is one error line and exit 74, never 'Internal error' with a stack", async () => {
  // A file where the runs folder should be: mkdir fails whoever runs the test.
  const blocked = await tempProject({
    "orchestrator.yml": ONE_TASK,
    ".codex/runs": "not a folder",
  });
  // A read-only runs folder: chmod, and (root ignores modes) Deno's own deny for the same path.
  const readOnly = await tempProject({ "orchestrator.yml": ONE_TASK });
  await Deno.mkdir(join(readOnly, ".codex/runs"), { recursive: true });
  await Deno.chmod(join(readOnly, ".codex/runs"), 0o555);
  const deny = isRoot ? [`--deny-write=${join(readOnly, ".codex/runs")}`] : [];
  for (
    const [dir, flags] of [[blocked, []], [readOnly, deny]] as const
  ) {
    const r = await cliWithFlags([...flags], ["run"], dir);
    assert.equal(r.code, 74, r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^error: .*\.codex\/runs/);
    assert.doesNotMatch(r.stderr, /Internal error|^\s+at /m);
  }
  await Deno.chmod(join(readOnly, ".codex/runs"), 0o755);
});

Deno.test("ORCHESTRATE_DEBUG=1 adds the stack to a fault; without it there is none", async () => {
  const dir = await tempProject({
    "orchestrator.yml": ONE_TASK,
    ".codex/runs": "not a folder",
  });
  const plain = await cli(["run"], { cwd: dir });
  assert.doesNotMatch(plain.stderr, /^\s+at /m);
  const debug = await cli(["run"], {
    cwd: dir,
    env: { ORCHESTRATE_DEBUG: "1" },
  });
  assert.equal(debug.code, 74);
  assert.match(debug.stderr, /^\s+at /m);
});

Deno.test("plan validate: a plan that is a FIFO, a folder or unreadable is one located error, exit 2 (never a hang)", async () => {
  const dir = await tempProject({ "plan.yml": ONE_TASK });
  await Deno.mkdir(join(dir, "folder.yml"));
  const fifo = await new Deno.Command("mkfifo", {
    args: [join(dir, "fifo.yml")],
  }).output();
  assert.equal(fifo.code, 0);
  await Deno.chmod(join(dir, "plan.yml"), 0o000);
  const cases: [string, string[], RegExp][] = [
    ["fifo.yml", [], /^fifo\.yml:1:1: Cannot read plan: not a regular file/],
    ["folder.yml", [], /^folder\.yml:1:1: Cannot read plan: Is a directory/],
    [
      "plan.yml",
      isRoot ? [`--deny-read=${join(dir, "plan.yml")}`] : [],
      /^plan\.yml:1:1: Cannot read plan: /,
    ],
  ];
  for (const [file, flags, first] of cases) {
    const child = cliWithFlags(
      flags,
      ["plan", "validate", "--file", file],
      dir,
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<"hung">((resolve) => {
      timer = setTimeout(() => resolve("hung"), 30_000);
    });
    const r = await Promise.race([child, bound]);
    clearTimeout(timer);
    assert.notEqual(r, "hung", `${file}: still reading after 30 s`);
    if (r === "hung") return;
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    assert.match(r.stderr, first);
    assert.doesNotMatch(r.stderr, /Internal error|^\s+at /m);
  }
});

/**
 * `orchestrate index` and `orchestrate search` through the real CLI on
 * small real repositories in four languages.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, FIFO_BOUND_MS, mkfifo, tempProject } from "../_cli.ts";

interface Symbol {
  name: string;
  kind: string;
  line: number;
  container?: string;
}
interface Index {
  files: Record<
    string,
    {
      language: string;
      size: number;
      hash: string | null;
      symbols: Symbol[];
      note?: string;
    }
  >;
  identifiers: Record<string, string[]>;
  notes: { path: string; note: string }[];
}

async function indexOf(dir: string): Promise<Index> {
  const r = await cli(["index"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(await Deno.readTextFile(join(dir, ".codex/index.json")));
}

const brief = (symbols: Symbol[]) =>
  symbols.map((s) =>
    `${s.kind} ${s.container ? `${s.container}.` : ""}${s.name}:${s.line}`
  );

Deno.test("index: TypeScript symbols, not those in comments, strings or regexes", async () => {
  const dir = await tempProject({
    "src/app.ts": [
      "/** class NotAClass {} */",
      "export interface Options { verbose: boolean }",
      "export type Id = string;",
      "export enum Color { Red }",
      "const PATTERN = /\\{/; // class Nope",
      "const text = `",
      "function notAFunction() {}",
      "`;",
      "export class Runner {",
      "  private count = 0;",
      "  async start(options: Options): Promise<void> {",
      "    if (options.verbose) {}",
      "  }",
      "}",
      "export const run = async (id: Id) => {};",
      "export default function main() {}",
    ].join("\n"),
  });
  const index = await indexOf(dir);
  assert.deepEqual(brief(index.files["src/app.ts"]!.symbols), [
    "interface Options:2",
    "type Id:3",
    "enum Color:4",
    "const PATTERN:5",
    "const text:6",
    "class Runner:9",
    "method Runner.start:11",
    "function run:15",
    "function main:16",
  ]);
  assert.equal(index.files["src/app.ts"]!.language, "typescript");
  assert.deepEqual(index.identifiers["Runner"], ["src/app.ts"]);
});

Deno.test("index: Rust, Python and Go symbols", async () => {
  const dir = await tempProject({
    "src/lib.rs": [
      "// struct Commented;",
      "pub struct Config { name: String }",
      "pub(crate) enum AppError { Io }",
      "pub trait Exit {",
      "    fn code(&self) -> i32;",
      "}",
      "impl<T: Clone> Exit for Wrapper<T> {",
      '    fn code(&self) -> i32 { let s = r#"fn fake() {"#; 0 }',
      "}",
      "pub const MAX: usize = 3;",
      "pub async fn load<'a>(c: &'a Config) -> char { '{' }",
      "mod inner {",
      "    pub fn helper() {}",
      "}",
    ].join("\n"),
    "app.py": [
      "MAX_RETRIES = 3",
      "class Greeter:",
      '    """def not_a_method(self):"""',
      "    def hello(self, name):",
      "        def inner():",
      "            pass",
      "        return name",
      "",
      "async def main():",
      "    pass",
    ].join("\n"),
    "main.go": [
      "package main",
      "",
      "type Server struct {",
      "\tname string",
      "}",
      "type Handler interface{ Serve() }",
      "const Version = `func Fake() {`",
      "const (",
      "\tA = iota",
      "\tB",
      ")",
      "func (s *Server) Serve() {}",
      "func main() {}",
    ].join("\n"),
  });
  const index = await indexOf(dir);
  assert.deepEqual(brief(index.files["src/lib.rs"]!.symbols), [
    "struct Config:2",
    "enum AppError:3",
    "trait Exit:4",
    "method Exit.code:5",
    "impl Exit.Wrapper:7",
    "method Wrapper.code:8",
    "const MAX:10",
    "function load:11",
    "module inner:12",
    "function helper:13",
  ]);
  assert.deepEqual(brief(index.files["app.py"]!.symbols), [
    "const MAX_RETRIES:1",
    "class Greeter:2",
    "method Greeter.hello:4",
    "function main:9",
  ]);
  assert.deepEqual(brief(index.files["main.go"]!.symbols), [
    "struct Server:3",
    "interface Handler:6",
    "const Version:7",
    "const A:9",
    "const B:10",
    "method Server.Serve:12",
    "function main:13",
  ]);
  for (
    const [path, language] of [["src/lib.rs", "rust"], ["app.py", "python"], [
      "main.go",
      "go",
    ]] as const
  ) {
    assert.equal(index.files[path]!.language, language);
    assert.match(index.files[path]!.hash!, /^[0-9a-f]{32}$/);
  }
});

Deno.test("index: .gitignore files at every level; .git skipped; binary and symlinks out of the root noted", async () => {
  const dir = await tempProject({
    ".gitignore": "dist/\n*.log\n",
    "dist/out.js": "function built() {}",
    "debug.log": "x",
    "pkg/.gitignore": "generated.ts\n!keep.log\n",
    "pkg/generated.ts": "export function gen() {}",
    "pkg/keep.log": "kept",
    "pkg/main.ts": "export function keep() {}",
    ".git/HEAD": "ref: refs/heads/main",
  });
  await Deno.writeFile(
    join(dir, "pkg/image.png"),
    new Uint8Array([137, 80, 0, 1]),
  );
  const outside = await tempProject({
    "secret.ts": "export function secret() {}",
  });
  await Deno.symlink(join(outside, "secret.ts"), join(dir, "link.ts"));
  const index = await indexOf(dir);
  assert.deepEqual(Object.keys(index.files), [
    ".gitignore",
    "pkg/.gitignore",
    "pkg/image.png",
    "pkg/keep.log",
    "pkg/main.ts",
  ]);
  assert.equal(index.files["pkg/image.png"]!.note, "binary");
  assert.deepEqual(index.notes, [{
    path: "link.ts",
    note: "symbolic link out of the root: not followed",
  }]);
});

Deno.test("index: re-indexing reuses unchanged entries and rescans only changed content", async () => {
  const dir = await tempProject({
    "a.ts": "export function a() {}",
    "b.ts": "export function b() {}",
    "c.ts": "export function c() {}",
  });
  const first = await cli(["index", "--json"], { cwd: dir });
  assert.equal(JSON.parse(first.stdout).scanned, 3);
  await Deno.writeTextFile(join(dir, "b.ts"), "export function b2() {}");
  const past = new Date(Date.now() - 60_000);
  await Deno.utime(join(dir, "c.ts"), past, past); // touched, same content
  await Deno.remove(join(dir, "a.ts"));
  const second = JSON.parse(
    (await cli(["index", "--json"], { cwd: dir })).stdout,
  );
  assert.deepEqual(
    [
      second.files,
      second.scanned,
      second.same_hash,
      second.unchanged,
      second.removed,
    ],
    [2, 1, 1, 0, 1],
  );
  const third = JSON.parse(
    (await cli(["index", "--json"], { cwd: dir })).stdout,
  );
  assert.deepEqual([third.scanned, third.unchanged], [0, 2]);
  const index = JSON.parse(
    await Deno.readTextFile(join(dir, ".codex/index.json")),
  );
  assert.deepEqual(Object.keys(index.identifiers), ["b2", "c"]);
});

Deno.test("search: symbols before files, exact > prefix > substring > fuzzy, deterministic", async () => {
  const dir = await tempProject({
    "src/parse.ts":
      "export function parseArgs() {}\nexport function parse() {}\n",
    "src/json.ts":
      "export function fromJsonParse() {}\nexport function pxaxrxsxe() {}\n",
    "src/Parser.rs": "pub struct Parser;\n",
  });
  const r = await cli(["search", "parse", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.deepEqual(
    result.symbols.map((s: { name: string; match: string }) =>
      `${s.name} ${s.match}`
    ),
    // Within a tier, a name whose case matches comes first.
    [
      "parse exact",
      "parseArgs prefix",
      "Parser prefix",
      "fromJsonParse substring",
      "pxaxrxsxe fuzzy",
    ],
  );
  assert.deepEqual(
    result.files.map((f: { path: string; match: string }) =>
      `${f.path} ${f.match}`
    ),
    ["src/parse.ts exact", "src/Parser.rs prefix"],
  );
  const text = await cli(["search", "parse"], { cwd: dir });
  assert.ok(
    text.stdout.startsWith("function  parse  src/parse.ts:2\n"),
    text.stdout,
  );
  assert.deepEqual(
    (await cli(["search", "parse", "--json"], { cwd: dir })).stdout,
    r.stdout,
  );
});

Deno.test("index, search, brief: a .codex/index.json that is a FIFO is never waited on; it is rebuilt as a file", async () => {
  for (const args of [["index"], ["search", "hello"], ["brief", "A"]]) {
    const dir = await tempProject({
      "a.ts": "export function hello() {}\n",
      "orchestrator.yml":
        'version: 1\ntasks: [{id: A, title: a, commands: {c: "true"}}]\n',
    });
    await Deno.mkdir(join(dir, ".codex"));
    await mkfifo(join(dir, ".codex/index.json"));
    const r = await cli(args, { cwd: dir, killAfterMs: FIFO_BOUND_MS });
    assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assert.ok(
      (await Deno.stat(join(dir, ".codex/index.json"))).isFile,
      args.join(" "),
    );
    if (args[0] === "search") assert.match(r.stdout, /hello\s+a\.ts:1/);
  }
});

Deno.test("search: an empty query is a usage error; file names with control characters are shown escaped", async () => {
  const dir = await tempProject({
    "evil\x1b]0;owned\x07.ts": "export function hello() {}\n",
  });
  for (const query of ["", "   "]) {
    const r = await cli(["search", query], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: search needs a name to look for/);
  }
  const r = await cli(["search", "hello"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!r.stdout.includes("\x1b") && !r.stdout.includes("\x07"));
  assert.match(r.stdout, /hello\s+evil\\x1b\]0;owned\\x07\.ts:1/);
});

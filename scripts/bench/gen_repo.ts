/**
 * A synthetic repository for the index benchmark: `files` source files in
 * four languages (TS, Rust, Python, Go) spread over folders, ~4 KiB each,
 * plus an ignored `build/` folder.
 * @module
 */

import { join } from "node:path";

const SOURCES: Record<string, (i: number) => string> = {
  ts: (i) =>
    `/** Module ${i}. */\nexport interface Options${i} { verbose: boolean }\n` +
    `export class Service${i} {\n  run(options: Options${i}): number {\n    return ${i};\n  }\n}\n` +
    `export function helper${i}(x: number): number {\n  return x * ${i}; // class NotOne\n}\n`,
  rs: (i) =>
    `pub struct Config${i} { pub n: u32 }\npub enum Error${i} { Io }\n` +
    `impl Config${i} {\n    pub fn new() -> Self { Self { n: ${i} } }\n}\npub fn load${i}() -> u32 { ${i} }\n`,
  py: (i) =>
    `MAX_${i} = ${i}\n\nclass Handler${i}:\n    def handle(self, x):\n        return x + ${i}\n\n` +
    `def process${i}(items):\n    """def not_a_function(): pass"""\n    return items\n`,
  go: (i) =>
    `package pkg\n\ntype Server${i} struct {\n\tname string\n}\n\n` +
    `func (s *Server${i}) Serve() int { return ${i} }\n\nfunc New${i}() *Server${i} { return nil }\n`,
};

/**
 * Writes the repository into `dir`.
 * @returns The number of files written (not counting the ignored ones).
 */
export async function writeRepo(dir: string, files: number): Promise<number> {
  const kinds = Object.keys(SOURCES);
  await Deno.writeTextFile(join(dir, ".gitignore"), "build/\n");
  await Deno.mkdir(join(dir, "build"), { recursive: true });
  await Deno.writeTextFile(join(dir, "build", "out.js"), "ignored");
  for (let i = 0; i < files - 1; i++) {
    const kind = kinds[i % kinds.length]!;
    const folder = join(dir, `mod${i % 50}`, `sub${i % 7}`);
    await Deno.mkdir(folder, { recursive: true });
    // ~4 KiB: the declarations and then filler lines of code.
    const body = SOURCES[kind]!(i) +
      `${kind === "py" ? "#" : "//"} filler\n`.repeat(120);
    await Deno.writeTextFile(join(folder, `file${i}.${kind}`), body);
  }
  return files;
}

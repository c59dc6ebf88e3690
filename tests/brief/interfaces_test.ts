/** The brief lists the public interface of each file to edit, with one use of each name. */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

Deno.test("brief: interfaces of the files to edit (exported names, signatures, one use each; forbidden uses not cited)", async () => {
  const dir = await tempProject({
    "orchestrator.yml": `version: 1
tasks:
  - id: T
    title: Add a timeout
    paths: { preferred: [src/net.ts, src/new_file.ts], forbidden: [examples/] }
    commands: { c: "true" }
`,
    "src/net.ts":
      "export function connect(host: string): Socket {\n  return open(host);\n}\n" +
      "function open(host: string): Socket {\n  return {} as Socket;\n}\n" +
      "export interface Socket {\n  close(): void;\n}\n",
    "src/app.ts":
      'import { connect } from "./net.ts";\n\nconst s = connect("db");\n',
    "examples/demo.ts":
      'import type { Socket } from "../src/net.ts";\nlet s: Socket;\n',
  });
  const r = await cli(["brief", "T", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const brief = JSON.parse(r.stdout);
  assert.deepEqual(brief.interfaces, [{
    path: "src/net.ts",
    symbols: [
      {
        name: "connect",
        kind: "function",
        line: 1,
        signature: "export function connect(host: string): Socket {",
        used_at: "src/app.ts:3",
      },
      {
        name: "Socket",
        kind: "interface",
        line: 7,
        signature: "export interface Socket {",
        used_at: null,
      },
    ],
  }]);
  const md = await cli(["brief", "T"], { cwd: dir });
  assert.match(
    md.stdout,
    /## Interfaces of the files to edit\n\n`src\/net\.ts`:\n- export function connect\(host: string\): Socket \{ \(line 1; used at src\/app\.ts:3\)/,
  );
});

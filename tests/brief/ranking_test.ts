/**
 * `orchestrate brief` ranks code by what the ticket means: identifiers over
 * prose words, rare names over names declared in many files, the preferred
 * path first, and common words never match a symbol alone.
 */

import assert from "node:assert/strict";
import { cli, tempProject } from "../_cli.ts";

const closer = (name: string) =>
  `class ${name}:\n    def close(self):\n        pass\n\n    def write(self, text):\n        pass\n`;

function project() {
  const files: Record<string, string> = {
    "orchestrator.yml": `version: 1
tasks:
  - id: RETRY
    title: Close the stream when retries give up
    description: >
      When \`reconnect_backoff\` gives up, close the stream and write a line to
      the cli log. The delay comes from \`parse_retry_header\`; \`helper\` is
      shared.
    paths: { preferred: [src/app/service.py] }
    commands: { test: "true" }
`,
    "src/app/service.py":
      "from .retry import parse_retry_header\n\n\nclass Service:\n    def reconnect_backoff(self, tries):\n        return parse_retry_header(tries)\n",
    "src/app/retry.py":
      "def parse_retry_header(value):\n    return int(value)\n",
    "src/app/cli.py": "def main():\n    pass\n",
  };
  for (const name of ["a", "b", "c", "d", "e", "f"]) {
    files[`src/app/stream_${name}.py`] = closer(`Stream${name.toUpperCase()}`);
    files[`src/lib/help_${name}.py`] = "def helper():\n    pass\n";
  }
  return tempProject(files);
}

Deno.test("brief ranking: the preferred file first, rare identifiers over common ones, no match on common words", async () => {
  const dir = await project();
  const r = await cli(["brief", "RETRY", "--json"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const paths = JSON.parse(r.stdout).code.map((c: { path: string }) => c.path);
  assert.equal(paths[0], "src/app/service.py");
  // The rare name's file comes before any of the six declaring `helper`.
  const retry = paths.indexOf("src/app/retry.py");
  assert.ok(retry > 0, paths.join(", "));
  for (const p of paths) {
    if (p.startsWith("src/lib/help_")) assert.ok(paths.indexOf(p) > retry, p);
  }
  // "close", "write" and "cli" are prose: no file is offered for them.
  assert.ok(
    !paths.some((p: string) => p.startsWith("src/app/stream_")),
    paths.join(", "),
  );
  assert.ok(!paths.includes("src/app/cli.py"), paths.join(", "));
});

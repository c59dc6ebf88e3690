/**
 * The GitHub workflows (this repository's CI and release, and the users' CI
 * snippet that the README shows) pass a real workflow validator, agree with
 * the build scripts, and the README shows the snippet verbatim.
 * @module
 */

import assert from "node:assert/strict";
import { parse } from "yaml";
import config from "../../deno.json" with { type: "json" };
import { INCLUDES, PERMISSIONS } from "../../scripts/compile.ts";
import { assetName } from "../../scripts/release.ts";
import { repoPath } from "../_cli.ts";
import { lintWorkflow } from "./_actionlint.ts";

/** The users' CI workflow, which README.md's "Use in your CI" embeds. */
const SNIPPET = "docs/ci-snippet.yml";
const WORKFLOWS = [
  ".github/workflows/ci.yml",
  ".github/workflows/release.yml",
  SNIPPET,
];

const read = (path: string) => Deno.readTextFile(repoPath(path));

// deno-lint-ignore no-explicit-any
type Yaml = any;
const workflow = async (path: string): Promise<Yaml> => parse(await read(path));

/** The `with:` of the steps of `jobs` that use `action` (any version). */
function stepsUsing(doc: Yaml, action: string): Yaml[] {
  return Object.values(doc.jobs as Record<string, Yaml>)
    .flatMap((job) => job.steps as Yaml[])
    .filter((step) => String(step.uses ?? "").startsWith(`${action}@`));
}

Deno.test("workflows: ci.yml, release.yml and the users' CI snippet pass actionlint", async () => {
  for (const path of WORKFLOWS) {
    assert.deepEqual(await lintWorkflow(await read(path), path), [], path);
  }
});

Deno.test("workflows: actionlint locates an unknown key and a `needs` of a missing job", async () => {
  const broken = `name: broken
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    step:
      - run: echo hi
  publish:
    needs: [biuld]
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`;
  const errors = await lintWorkflow(broken, "broken.yml");
  assert.ok(
    errors.some((e) =>
      e.startsWith('broken.yml:6:5: unexpected key "step" for "job" section')
    ),
    errors.join("\n"),
  );
  assert.ok(
    errors.includes(
      'broken.yml:8:3: job "publish" needs job "biuld" which does not exist in this workflow [job-needs]',
    ),
    errors.join("\n"),
  );
});

Deno.test('README: the "Use in your CI" section shows docs/ci-snippet.yml verbatim', async () => {
  const readme = await read("README.md");
  const heading = readme.match(/^#+ Use in your CI\s*$/m);
  assert.ok(
    heading?.index !== undefined,
    `README.md has no "Use in your CI" heading; add the section with ${SNIPPET} in a \`\`\`yaml block`,
  );
  const section = readme.slice(heading.index + heading[0].length);
  const block = section.match(/^```ya?ml\n([\s\S]*?)^```$/m);
  assert.ok(block, `README.md's "Use in your CI" has no \`\`\`yaml block`);
  const next = section.search(/^#+ /m);
  assert.ok(
    next === -1 || block.index! < next,
    `the first \`\`\`yaml block after "Use in your CI" is in another section`,
  );
  assert.equal(
    block[1],
    await read(SNIPPET),
    `README.md's "Use in your CI" block differs from ${SNIPPET}: copy the file into it`,
  );
});

Deno.test("workflows: setup-deno installs the Deno that .ci/run pins, with its cache keyed on deno.lock", async () => {
  const pinned = (await read(".ci/run")).match(/^DENO_VERSION=(\S+)$/m)?.[1];
  assert.ok(pinned, ".ci/run pins no DENO_VERSION");
  for (
    const path of [".github/workflows/ci.yml", ".github/workflows/release.yml"]
  ) {
    const steps = stepsUsing(await workflow(path), "denoland/setup-deno");
    assert.equal(steps.length, 1, path);
    assert.equal(steps[0].uses, "denoland/setup-deno@v2", path);
    assert.equal(String(steps[0].with["deno-version"]), pinned, path);
    assert.equal(steps[0].with.cache, true, path);
  }
});

Deno.test("workflows: ci.yml runs `deno task check` and `deno task test` on Linux and macOS with read-only permissions", async () => {
  const ci = await workflow(".github/workflows/ci.yml");
  assert.deepEqual(ci.permissions, { contents: "read" });
  const job = ci.jobs.test;
  assert.deepEqual(job.strategy.matrix.os, ["ubuntu-latest", "macos-latest"]);
  assert.equal(job["runs-on"], "${{ matrix.os }}");
  const runs = (job.steps as Yaml[]).map((s) => s.run).filter(Boolean);
  assert.deepEqual(runs, [
    "deno install --frozen && deno install --frozen --config tests/deno.json",
    "deno task check",
    "deno task test",
  ]);
});

Deno.test("workflows: release.yml builds with `deno task release` on a version tag (no permission flags copied into YAML) and publishes dist/release/*", async () => {
  const text = await read(".github/workflows/release.yml");
  const release = parse(text);
  assert.deepEqual(release.on, { push: { tags: ["v*"] } });
  assert.deepEqual(release.permissions, { contents: "write" });
  const runs = Object.values(release.jobs as Record<string, Yaml>)
    .flatMap((job) => job.steps as Yaml[]).map((s) => String(s.run ?? ""));
  assert.ok(
    runs.includes('deno task release --tag "$GITHUB_REF_NAME"'),
    runs.join("\n"),
  );
  assert.ok(
    runs.some((r) => /^gh release create .* dist\/release\/\* /.test(r)),
  );
  for (const flag of [...PERMISSIONS, ...INCLUDES, "--target"]) {
    assert.ok(!text.includes(flag), `release.yml repeats ${flag}`);
  }
  assert.match(config.tasks.release, / scripts\/release\.ts$/);
});

Deno.test("CI snippet: installs this version's Linux release asset, by the name the release builds", async () => {
  const snippet = await workflow(SNIPPET);
  assert.equal(snippet.env.ORCHESTRATE_VERSION, `v${config.version}`);
  assert.equal(
    snippet.env.ORCHESTRATE_ASSET,
    assetName("x86_64-unknown-linux-gnu"),
  );
  for (const step of stepsUsing(snippet, "actions/upload-artifact")) {
    assert.deepEqual(step.with.path.trim().split("\n"), [
      ".codex/runs/",
      "TASKS.md",
    ]);
    // .codex is a hidden folder, which upload-artifact@v4 skips by default.
    assert.equal(step.with["include-hidden-files"], true);
  }
});

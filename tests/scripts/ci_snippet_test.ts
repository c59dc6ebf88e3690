/**
 * The users' CI workflow (docs/ci-snippet.yml, shown in the README) works as
 * written: its shell steps run here, in order, as a runner would run them,
 * against the real CLI. The release it installs from is a local folder (the
 * only change to the steps: its URL), holding a launcher of this checkout
 * under the Linux asset's name and a SHA256SUMS written by the release
 * script. The artifact actions copy folders the way upload-artifact@v4 and
 * download-artifact@v4 do.
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import config from "../../deno.json" with { type: "json" };
import { TARGETS } from "../../scripts/compile.ts";
import { assetName, writeChecksums } from "../../scripts/release.ts";
import { exists, PERMISSIONS, repoPath } from "../_cli.ts";
import { type JobResult, runJob, type Yaml } from "./_job_runner.ts";
const SNIPPET = "docs/ci-snippet.yml";

const RELEASES = "https://github.com/OWNER/orchestrate/releases/download";
const MAIN = repoPath("src/main.ts");

/** A safe task, and a task behind the `release` gate that the snippet approves. */
const PROJECT = {
  "orchestrator.yml": `version: 1
tasks:
  - { id: test, title: Tests, commands: { t: "touch tested" } }
  - { id: ship, title: Ship, dependencies: [test], approvals: [release], commands: { s: "touch shipped" } }
`,
};

const hasTools = await Promise.all(
  ["sha256sum", "curl"].map((tool) =>
    new Deno.Command(tool, {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output().then((o) => o.success, () => false)
  ),
).then((found) => found.every(Boolean));
const skip = hasTools
  ? ""
  : "skipped: needs sha256sum and curl (as on ubuntu-latest): ";

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.mkdir(dirname(to), { recursive: true });
    await Deno.copyFile(from, to);
    return;
  }
  for await (const entry of Deno.readDir(from)) {
    await copyTree(join(from, entry.name), join(to, entry.name));
  }
}

/** A fake machine: a release folder, user folders, artifacts, workspaces. */
async function machine(options: { badChecksum?: boolean } = {}) {
  const root = await Deno.makeTempDir({ prefix: "orchestrate-ci-" });
  const release = join(root, "releases", `v${config.version}`);
  await Deno.mkdir(release, { recursive: true });
  for (const target of TARGETS) {
    const launcher = `#!/bin/sh\nexec '${Deno.execPath()}' run --quiet ${
      PERMISSIONS.join(" ")
    } '${MAIN}' "$@"\n`;
    await Deno.writeTextFile(join(release, assetName(target)), launcher);
  }
  await writeChecksums(release, TARGETS.map(assetName));
  if (options.badChecksum) {
    const linux = join(release, assetName("x86_64-unknown-linux-gnu"));
    await Deno.writeTextFile(linux, "#!/bin/sh\necho planted\n");
  }
  const artifacts = join(root, "artifacts");
  let workspaces = 0;

  const env = {
    PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    HOME: join(root, "home"),
    XDG_CACHE_HOME: join(root, "cache"),
    XDG_STATE_HOME: join(root, "state"),
    NO_COLOR: "1",
  };

  /** Runs a job of the snippet in a new workspace (a new runner). */
  async function job(
    id: string,
    event: string,
    needs: Record<string, { outputs: Record<string, string> }> = {},
  ): Promise<{ result: JobResult | null; workspace: string }> {
    const workflow: Yaml = parse(await Deno.readTextFile(repoPath(SNIPPET)));
    const workspace = join(root, `workspace-${++workspaces}`);
    await Deno.mkdir(workspace);
    const result = await runJob(workflow, id, {
      cwd: workspace,
      env,
      context: { event, needs },
      rewrite: (script) =>
        script.replaceAll(RELEASES, `file://${join(root, "releases")}`),
      async uses(action, step) {
        switch (action) {
          case "actions/checkout":
            for (const [path, text] of Object.entries(PROJECT)) {
              await Deno.writeTextFile(join(workspace, path), text);
            }
            return;
          case "denoland/setup-deno":
            return; // deno is on PATH already
          case "actions/upload-artifact": {
            const into = join(artifacts, step.with.name);
            for (const path of String(step.with.path).trim().split("\n")) {
              // upload-artifact@v4 leaves out hidden files and folders unless told.
              const hidden = path.split("/").some((p) => p.startsWith("."));
              if (hidden && step.with["include-hidden-files"] !== true) {
                continue;
              }
              const from = join(workspace, path);
              if (await exists(from)) await copyTree(from, join(into, path));
            }
            return;
          }
          case "actions/download-artifact":
            await copyTree(join(artifacts, step.with.name), workspace);
            return;
          default:
            throw new Error(`No handler for the action ${action}`);
        }
      },
    });
    return { result, workspace };
  }

  return {
    job,
    artifacts,
    env,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

function assertSteps(result: JobResult | null, names: string[]): JobResult {
  assert.ok(result, "the job was skipped");
  const failed = result.steps.find((s) => s.code !== 0);
  assert.equal(failed, undefined, failed && `${failed.name}: ${failed.stderr}`);
  assert.deepEqual(result.steps.map((s) => s.name), names);
  return result;
}

const INSTALL = "Install orchestrate (release binary, checksum verified)";

Deno.test({
  name:
    `${skip}CI snippet, pull request: installs the checksum-verified binary, validates, dry-runs and runs only the safe task; no approval job`,
  ignore: !hasTools,
  async fn() {
    await using m = await machine();
    const { result, workspace } = await m.job("run", "pull_request");
    const r = assertSteps(result, [
      "actions/checkout@v4",
      "denoland/setup-deno@v2",
      INSTALL,
      "run",
      "run",
      "Run a safe task (and what it depends on)",
      "actions/upload-artifact@v4",
    ]);
    assert.match(r.steps[3]!.stderr, /valid/i);
    assert.match(r.steps[4]!.stderr, /ship/);
    assert.ok(await exists(join(workspace, "tested")));
    assert.ok(!await exists(join(workspace, "shipped")));
    assert.ok(await exists(join(m.artifacts, "orchestrate-run", "TASKS.md")));
    assert.ok(
      await exists(join(m.artifacts, "orchestrate-run", ".codex/runs")),
    );
    assert.deepEqual(r.outputs, { paused: "" });
    const approve = await m.job("approve", "pull_request", { run: r });
    assert.equal(approve.result, null);
  },
});

Deno.test({
  name:
    `${skip}CI snippet, push: the run pauses at the gate (exit 3 passes the step as paused=true); the approve job restores the artifact, approves and resumes to the end`,
  ignore: !hasTools,
  async fn() {
    await using m = await machine();
    const run = await m.job("run", "push");
    const r = assertSteps(run.result, [
      "actions/checkout@v4",
      "denoland/setup-deno@v2",
      INSTALL,
      "run",
      "run",
      "Run the plan; exit 3 means it paused at an approval gate",
      "actions/upload-artifact@v4",
    ]);
    assert.deepEqual(r.outputs, { paused: "true" });
    assert.match(r.steps[5]!.stderr, /::notice::Paused at an approval gate/);
    assert.ok(await exists(join(run.workspace, "tested")));
    assert.ok(!await exists(join(run.workspace, "shipped")));

    const approve = await m.job("approve", "push", { run: r });
    assertSteps(approve.result, [
      "actions/checkout@v4",
      "denoland/setup-deno@v2",
      INSTALL,
      "Restore the paused run",
      "run",
      "run",
      "actions/upload-artifact@v4",
    ]);
    // The gated task ran here; the completed one was not run again.
    assert.ok(await exists(join(approve.workspace, "shipped")));
    assert.ok(!await exists(join(approve.workspace, "tested")));
    const tasks = await Deno.readTextFile(
      join(m.artifacts, "orchestrate-run-approved", "TASKS.md"),
    );
    assert.match(tasks, /\[x\].*test/);
    assert.match(tasks, /\[x\].*ship/i);
  },
});

Deno.test({
  name:
    `${skip}CI snippet: a binary that does not match SHA256SUMS is refused and never put on PATH`,
  ignore: !hasTools,
  async fn() {
    await using m = await machine({ badChecksum: true });
    const { result, workspace } = await m.job("run", "push");
    assert.ok(result);
    assert.equal(result.ok, false);
    const install = result.steps.find((s) => s.name === INSTALL);
    assert.ok(install && install.code !== 0);
    assert.match(
      install.stderr,
      /orchestrate-x86_64-unknown-linux-gnu: FAILED/,
    );
    // Only the always() upload ran after it; no orchestrate step did.
    assert.deepEqual(result.steps.slice(-2).map((s) => s.name), [
      INSTALL,
      "actions/upload-artifact@v4",
    ]);
    assert.ok(!await exists(join(workspace, ".codex")));
    assert.deepEqual(result.outputs, { paused: "" });
  },
});

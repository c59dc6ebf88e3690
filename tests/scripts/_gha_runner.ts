/**
 * Runs a whole exported GitHub Actions workflow on this machine, for the
 * tests: its jobs in `needs:` order (a job whose needs did not all succeed
 * is skipped unless its `if:` says `always()`), each in its own `git
 * clone` of the project, through `_job_runner.ts` (`run:` steps with
 * GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY...). The actions it
 * uses are done here: checkout (the clone), upload/download-artifact
 * (artifacts as folders, rooted as upload-artifact roots them: the common
 * folder of the search paths), cache (a folder per key, saved when the job
 * succeeded, as the action's post step does). The install step is replaced
 * by a shim `orchestrate` on PATH that runs `src/main.ts` with the
 * binary's flags. Environments are approved by nobody: their jobs just run
 * (the approver falls back to GITHUB_TRIGGERING_ACTOR, as when GitHub's
 * API cannot be asked).
 * @module
 */

import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import picomatch from "picomatch";
import { runJob, type Yaml } from "./_job_runner.ts";
import { CEILING, SOURCE_FLAGS } from "../../scripts/compile.ts";
import { DENO_CACHE_DIR, tempDir } from "../_cli.ts";

const MAIN = new URL("../../src/main.ts", import.meta.url).pathname;

/** What happened to one job. */
export interface JobRun {
  result: "success" | "failure" | "skipped";
  /** Its clone (absent when skipped). */
  workspace?: string;
  /** Its steps' names, exit codes and output. */
  steps: { name: string; code: number; stderr: string }[];
  outputs: Record<string, string>;
}

/** One run of a workflow. */
export interface WorkflowRun {
  jobs: Record<string, JobRun>;
  /** Where its artifacts are: one folder each, by name. */
  artifacts: string;
  /** Keys the cache had (hits) and saved, in job order. */
  cache: { hits: string[]; saved: string[] };
  /** What the jobs wrote to $GITHUB_STEP_SUMMARY. */
  summary: string;
}

/** How to run a workflow. */
export interface WorkflowOptions {
  /** The project: a git repository, cloned for each job. */
  project: string;
  /** Where runs keep their artifacts and where the cache lives (across runs). */
  store: string;
  /** GITHUB_RUN_ID: a new one for each run of the workflow. */
  runId: number;
  /** Jobs to leave out (as if their `if:` were false). */
  skip?: (job: string) => boolean;
}

/** The jobs in an order where every job comes after its needs. */
function ordered(jobs: Record<string, Yaml>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const n of needsOf(jobs[id])) visit(n);
    out.push(id);
  };
  Object.keys(jobs).forEach(visit);
  return out;
}

function needsOf(job: Yaml): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

/** Every file under `dir`, relative to it (never .git). */
async function filesUnder(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.name === ".git") continue;
    const path = join(dir, e.name);
    if (e.isDirectory) out.push(...await filesUnder(path, base));
    else if (e.isFile) out.push(relative(base, path));
  }
  return out.sort();
}

async function isDir(path: string): Promise<boolean> {
  return (await Deno.stat(path).catch(() => null))?.isDirectory ?? false;
}

/** Copies `files` (relative to `from`) to the same places under `to`. */
async function copyFiles(
  from: string,
  files: readonly string[],
  to: string,
): Promise<void> {
  for (const f of files) {
    await Deno.mkdir(dirname(join(to, f)), { recursive: true });
    await Deno.copyFile(join(from, f), join(to, f));
  }
}

/** The literal folder (or file) a pattern searches, as @actions/glob gives it. */
function searchPath(pattern: string): string {
  const parts = pattern.replace(/\/+$/, "").split("/");
  const literal: string[] = [];
  for (const p of parts) {
    if (/[*?[\]{}]/.test(p)) break;
    literal.push(p);
  }
  return literal.join("/");
}

/**
 * The files `patterns` (one a line, relative to `cwd`) match, and the
 * artifact's root: the common folder of the search paths (of several), a
 * lone file's folder, else the one search path.
 */
async function uploadSet(
  cwd: string,
  patterns: string[],
  hidden: boolean,
): Promise<{ files: string[]; root: string }> {
  const all = await filesUnder(cwd);
  const files = new Set<string>();
  for (const pattern of patterns) {
    const clean = pattern.replace(/\/+$/, "");
    const match = await isDir(join(cwd, clean))
      ? (f: string) => f.startsWith(`${clean}/`)
      : picomatch(clean, { dot: true });
    for (const f of all) {
      const isHidden = f.split("/").some((p) => p.startsWith("."));
      if (match(f) && (hidden || !isHidden)) files.add(f);
    }
  }
  let searches = [...new Set(patterns.map(searchPath))];
  // A search path inside another is the other's (as @actions/glob drops it).
  searches = searches.filter((s) =>
    !searches.some((o) => o !== s && (o === "" || s.startsWith(`${o}/`)))
  );
  let root: string;
  if (searches.length > 1) {
    const split = searches.map((s) => s.split("/"));
    const common: string[] = [];
    for (let i = 0; split.every((p) => p[i] !== undefined); i++) {
      if (!split.every((p) => p[i] === split[0]![i])) break;
      common.push(split[0]![i]!);
    }
    root = common.join("/");
  } else if (files.size === 1 && [...files][0] === searches[0]) {
    root = dirname(searches[0]!) === "." ? "" : dirname(searches[0]!);
  } else root = searches[0] ?? "";
  return { files: [...files].sort(), root };
}

/**
 * Runs every job of the workflow in `text`.
 *
 * @example
 * ```ts ignore
 * const run = await runWorkflow(text, { project, store, runId: 1 });
 * run.jobs.build.result; // "success"
 * ```
 */
export async function runWorkflow(
  text: string,
  options: WorkflowOptions,
): Promise<WorkflowRun> {
  const workflow: Yaml = parse(text);
  const runDir = join(options.store, `run-${options.runId}`);
  const artifacts = join(runDir, "artifacts");
  const cacheDir = join(options.store, "cache");
  await Deno.mkdir(artifacts, { recursive: true });
  await Deno.mkdir(cacheDir, { recursive: true });
  const bin = join(runDir, "bin");
  await Deno.mkdir(bin);
  // The binary's flags, from source: the `orchestrate` each job installs.
  await Deno.writeTextFile(
    join(bin, "orchestrate"),
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet ${
      [...SOURCE_FLAGS, ...CEILING].join(" ")
    } "${MAIN}" "$@"\n`,
  );
  await Deno.chmod(join(bin, "orchestrate"), 0o755);
  const userCache = join(await tempDir("orchestrate-gha-"), "cache");
  const run: WorkflowRun = {
    jobs: {},
    artifacts,
    cache: { hits: [], saved: [] },
    summary: "",
  };
  for (const id of ordered(workflow.jobs)) {
    const job = workflow.jobs[id];
    const needs = needsOf(job);
    const always = String(job.if ?? "").trim() === "always()";
    const needsOk = needs.every((n) => run.jobs[n]?.result === "success");
    if (options.skip?.(id) || (!needsOk && !always)) {
      run.jobs[id] = { result: "skipped", steps: [], outputs: {} };
      continue;
    }
    // One name for every clone, as on GitHub (`<repo>/<repo>`): a plan
    // without a project name is named after its folder.
    const workspace = join(runDir, "jobs", id, "project");
    await Deno.mkdir(workspace, { recursive: true });
    const summaryFile = join(runDir, `summary-${id}.md`);
    await Deno.writeTextFile(summaryFile, "");
    /** Cache saves waiting for the job's end (the action's post step). */
    const posts: { key: string; paths: string[] }[] = [];
    const result = await runJob(workflow, id, {
      cwd: workspace,
      env: {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: Deno.env.get("HOME") ?? "/root",
        NO_COLOR: "1",
        XDG_STATE_HOME: Deno.env.get("XDG_STATE_HOME") ?? "",
        XDG_CACHE_HOME: userCache,
        DENO_DIR: DENO_CACHE_DIR, // Else Deno's cache follows XDG_CACHE_HOME: a fresh npm fetch per job.
        GITHUB_ACTIONS: "true",
        GITHUB_REPOSITORY: "octo/project",
        GITHUB_RUN_ID: String(options.runId),
        GITHUB_SERVER_URL: "https://github.com",
        GITHUB_TRIGGERING_ACTOR: "octocat",
        GITHUB_STEP_SUMMARY: summaryFile,
      },
      context: {
        event: "workflow_dispatch",
        needs: Object.fromEntries(
          needs.map((n) => [n, { outputs: run.jobs[n]?.outputs ?? {} }]),
        ),
      },
      rewrite: (script) =>
        script === 'eval "$ORCHESTRATE_INSTALL"\n'
          ? `echo "${bin}" >> "$GITHUB_PATH"\n`
          : script,
      async uses(action, step) {
        const w = step.with ?? {};
        switch (action) {
          case "actions/checkout": {
            const git = await new Deno.Command("git", {
              args: ["clone", "--quiet", options.project, workspace],
              stdout: "null",
              stderr: "piped",
            }).output();
            if (!git.success) {
              throw new Error(new TextDecoder().decode(git.stderr));
            }
            return;
          }
          case "actions/upload-artifact": {
            const into = join(artifacts, w.name);
            if (await isDir(into)) {
              throw new Error(`artifact ${w.name} exists (v4: immutable)`);
            }
            const patterns = String(w.path).split("\n").filter(Boolean);
            const { files, root } = await uploadSet(
              workspace,
              patterns,
              w["include-hidden-files"] === true,
            );
            if (files.length === 0) return;
            await Deno.mkdir(into, { recursive: true });
            await copyFiles(
              join(workspace, root),
              files.map((f) => relative(root, f)),
              into,
            );
            return;
          }
          case "actions/download-artifact": {
            const match = picomatch(String(w.pattern));
            for await (const a of Deno.readDir(artifacts)) {
              if (!match(a.name)) continue;
              const from = join(artifacts, a.name);
              await copyFiles(
                from,
                await filesUnder(from),
                join(workspace, w.path, a.name),
              );
            }
            return;
          }
          case "actions/cache": {
            const key = String(w.key);
            const paths = String(w.path).split("\n").filter(Boolean);
            const saved = join(cacheDir, encodeURIComponent(key));
            if (await isDir(saved)) {
              run.cache.hits.push(key);
              await copyFiles(saved, await filesUnder(saved), workspace);
              return { "cache-hit": "true" };
            }
            posts.push({ key, paths });
            return { "cache-hit": "false" };
          }
          default:
            throw new Error(`No handler for the action ${action}`);
        }
      },
    });
    if (result === null) {
      run.jobs[id] = { result: "skipped", steps: [], outputs: {} };
      continue;
    }
    if (result.ok) {
      for (const post of posts) {
        const { files } = await uploadSet(workspace, post.paths, true);
        await copyFiles(
          workspace,
          files,
          join(cacheDir, encodeURIComponent(post.key)),
        );
        run.cache.saved.push(post.key);
      }
    }
    run.summary += await Deno.readTextFile(summaryFile);
    run.jobs[id] = {
      result: result.ok ? "success" : "failure",
      workspace,
      steps: result.steps,
      outputs: result.outputs,
    };
  }
  return run;
}

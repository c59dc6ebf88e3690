/**
 * Runs one job of a GitHub workflow on this machine, as a runner would, for
 * the parts a test can reproduce: `run:` steps through `bash -eo pipefail`
 * with `GITHUB_OUTPUT`, `GITHUB_PATH`, `RUNNER_TEMP` and the workflow's env;
 * `if:` conditions; job outputs; and the actions a test supplies (`uses`).
 * Anything else in the workflow (an expression it cannot evaluate, an action
 * without a handler) is an error, so a changed workflow cannot pass unnoticed.
 * @module
 */

import { join } from "node:path";

// deno-lint-ignore no-explicit-any
export type Yaml = any;

/** What the expressions of a job can read. */
export interface JobContext {
  event: string;
  needs: Record<string, { outputs: Record<string, string> }>;
}

/** How a job is run. */
export interface RunJobOptions {
  /** The workspace (a checkout, once a `uses: actions/checkout` ran). */
  cwd: string;
  /** The environment of every step, before the workflow's `env`. */
  env: Record<string, string>;
  context: JobContext;
  /**
   * Does what the step's action does; `action` is `owner/name` (no
   * version), the step's `with` values evaluated. What it returns is the
   * step's outputs.
   */
  uses(action: string, step: Yaml): Promise<void | Record<string, string>>;
  /** Rewrites a `run:` script before it runs (e.g. to point a URL at a local folder). */
  rewrite?(script: string): string;
}

/** What a job did. */
export interface JobResult {
  /** The steps that ran, by name (or `run` / `uses`), and their exit codes. */
  steps: { name: string; code: number; stderr: string }[];
  /** False when a step failed. */
  ok: boolean;
  outputs: Record<string, string>;
}

/**
 * Evaluates the `if:` expressions and `${{ }}` references this workflow
 * uses: `always()`, `ref == 'literal'`, `ref != 'literal'`, `a && b` and a plain `ref` (`github.event_name`,
 * `needs.<job>.outputs.<name>`, `steps.<id>.outputs.<name>`).
 */
function evaluate(
  expression: string,
  scope: Record<string, unknown>,
): string | boolean {
  const expr = expression.trim().replace(/^\$\{\{(.*)\}\}$/s, "$1").trim();
  if (expr === "always()") return true;
  if (expr.includes(" && ")) {
    return expr.split(" && ").every((part) => evaluate(part, scope) === true);
  }
  const lookup = (ref: string) => {
    let value: unknown = scope;
    for (const key of ref.split(".")) {
      // As on GitHub, a missing property (a skipped step's outputs) is ''.
      if (value === undefined) break;
      if (typeof value !== "object" || value === null) {
        throw new Error(`Cannot evaluate "${ref}": "${key}" of a value`);
      }
      value = (value as Record<string, unknown>)[key];
    }
    return value === undefined ? "" : String(value);
  };
  const equals = expr.match(/^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/);
  if (equals) {
    return (lookup(equals[1]!) === equals[3]) === (equals[2] === "==");
  }
  if (/^[\w.-]+$/.test(expr)) return lookup(expr);
  throw new Error(`Cannot evaluate "${expression}" in this test`);
}

/** Replaces every `${{ ref }}` in `text`. */
function substitute(text: string, scope: Record<string, unknown>): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, e) => String(evaluate(e, scope)));
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) outputs[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return outputs;
}

/**
 * Runs `jobs[id]` of `workflow`; null when its `if:` skips it.
 *
 * @example
 * ```ts ignore
 * const r = await runJob(parse(text), "run", options);
 * r?.outputs.paused; // "true"
 * ```
 */
export async function runJob(
  workflow: Yaml,
  id: string,
  options: RunJobOptions,
): Promise<JobResult | null> {
  const job = workflow.jobs[id];
  const github = { event_name: options.context.event };
  const jobScope = { github, needs: options.context.needs };
  if (job.if !== undefined && evaluate(job.if, jobScope) !== true) return null;

  const runnerTemp = await Deno.makeTempDir({ prefix: "orchestrate-runner-" });
  try {
    const env: Record<string, string> = {
      ...options.env,
      GITHUB_EVENT_NAME: options.context.event,
      RUNNER_TEMP: runnerTemp,
    };
    for (const [k, v] of Object.entries({ ...workflow.env, ...job.env })) {
      env[k] = substitute(String(v), jobScope);
    }
    const paths: string[] = [];
    const stepOutputs: Record<string, { outputs: Record<string, string> }> = {};
    const result: JobResult = { steps: [], ok: true, outputs: {} };
    for (const [i, step] of (job.steps as Yaml[]).entries()) {
      const scope = { ...jobScope, steps: stepOutputs };
      const condition = step.if === undefined
        ? true
        : evaluate(step.if, scope) === true;
      const always = String(step.if ?? "").trim() === "always()";
      if (!condition || (!result.ok && !always)) continue;
      const name = step.name ?? (step.run ? "run" : step.uses);
      if (step.uses !== undefined) {
        const given: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(step.with ?? {})) {
          given[k] = typeof v === "string" ? substitute(v, scope) : v;
        }
        const outputs = await options.uses(
          String(step.uses).replace(/@.*$/, ""),
          { ...step, with: given },
        );
        if (step.id !== undefined) {
          stepOutputs[step.id] = { outputs: outputs ?? {} };
        }
        result.steps.push({ name, code: 0, stderr: "" });
        continue;
      }
      const outputFile = join(runnerTemp, `output-${i}`);
      const pathFile = join(runnerTemp, `path-${i}`);
      const scriptFile = join(runnerTemp, `step-${i}.sh`);
      await Deno.writeTextFile(outputFile, "");
      await Deno.writeTextFile(pathFile, "");
      const script = substitute(String(step.run), scope);
      await Deno.writeTextFile(
        scriptFile,
        options.rewrite ? options.rewrite(script) : script,
      );
      const stepEnv: Record<string, string> = { ...env };
      for (const [k, v] of Object.entries(step.env ?? {})) {
        stepEnv[k] = substitute(String(v), scope);
      }
      const out = await new Deno.Command("bash", {
        args: ["--noprofile", "--norc", "-eo", "pipefail", scriptFile],
        cwd: options.cwd,
        env: {
          ...stepEnv,
          PATH: [...paths, stepEnv.PATH ?? ""].join(":"),
          GITHUB_OUTPUT: outputFile,
          GITHUB_PATH: pathFile,
        },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const stderr = new TextDecoder().decode(out.stderr) +
        new TextDecoder().decode(out.stdout);
      result.steps.push({ name, code: out.code, stderr });
      if (step.id !== undefined) {
        stepOutputs[step.id] = {
          outputs: parseOutputs(await Deno.readTextFile(outputFile)),
        };
      }
      const added = (await Deno.readTextFile(pathFile)).split("\n")
        .filter(Boolean);
      paths.unshift(...added.reverse());
      if (out.code !== 0) result.ok = false;
    }
    for (const [k, v] of Object.entries(job.outputs ?? {})) {
      result.outputs[k] = substitute(String(v), {
        ...jobScope,
        steps: stepOutputs,
      });
    }
    return result;
  } finally {
    await Deno.remove(runnerTemp, { recursive: true });
  }
}

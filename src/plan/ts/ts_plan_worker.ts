/**
 * The plan worker: evaluates one `orchestrator.ts` in a thread started with
 * no permission but reading the plan's folder (see `load_ts.ts`), and posts
 * back an {@link EvaluationReply}. Before the plan runs, its console output
 * is sent to stderr (stdout carries `plan compile` and `--json` output), and
 * `Deno.exit` and `close` are refused so a plan cannot end the thread
 * without an answer.
 * @module
 */

import {
  evaluatePlan,
  type EvaluationReply,
  type EvaluationRequest,
} from "./ts_evaluate.ts";
import { describeValue } from "../plain_data.ts";

interface WorkerScope {
  postMessage(message: unknown): void;
  close(): void;
  addEventListener(
    type: string,
    listener: (event: Event) => void,
    options?: { once?: boolean },
  ): void;
}

const scope = globalThis as unknown as WorkerScope;
const post = scope.postMessage.bind(scope);

sendConsoleToStderr();
Object.defineProperty(Deno, "stdout", { value: Deno.stderr });
const refuse = (what: string) => () => {
  throw new Error(`${what} is not allowed in a plan`);
};
Object.defineProperty(Deno, "exit", { value: refuse("Deno.exit()") });
scope.close = refuse("close()");

// What the plan leaves unhandled while it runs is its failure, not the worker's.
const failures = new Promise<never>((_, reject) => {
  scope.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    reject((event as PromiseRejectionEvent).reason);
  });
  scope.addEventListener("error", (event) => {
    event.preventDefault();
    reject((event as ErrorEvent).error);
  });
});
failures.catch(() => {});

scope.addEventListener("message", async (event) => {
  const request = (event as MessageEvent<EvaluationRequest>).data;
  try {
    post(await evaluatePlan(request, failures));
  } catch (e) {
    // A plan that replaced built-ins the evaluator relies on ends here.
    post(
      {
        kind: "error",
        diagnostic: {
          file: request.modules[0]!.display,
          line: 1,
          col: 1,
          message: `Cannot evaluate the plan: ${describeValue(e)}`,
        },
      } satisfies EvaluationReply,
    );
  }
}, { once: true });

/** Every console method that writes to stdout writes to stderr instead. */
function sendConsoleToStderr(): void {
  const error = console.error;
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const elapsed = (label: string) => {
    const start = timers.get(label);
    return start === undefined
      ? `Timer "${label}" does not exist`
      : `${label}: ${(performance.now() - start).toFixed(3)}ms`;
  };
  Object.assign(console, {
    log: error,
    info: error,
    debug: error,
    table: error,
    dir: (value: unknown, options?: Deno.InspectOptions) =>
      error(Deno.inspect(value, options)),
    dirxml: (...values: unknown[]) => error(...values),
    count: (label = "default") => {
      counts.set(label, (counts.get(label) ?? 0) + 1);
      error(`${label}: ${counts.get(label)}`);
    },
    countReset: (label = "default") => counts.set(label, 0),
    time: (label = "default") => timers.set(label, performance.now()),
    timeLog: (label = "default", ...rest: unknown[]) =>
      error(elapsed(label), ...rest),
    timeEnd: (label = "default") => {
      error(elapsed(label));
      timers.delete(label);
    },
  });
}

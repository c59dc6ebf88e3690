/**
 * `run --watch`: run the watched selection (`--task` and its dependencies,
 * or the whole plan), then watch the plan's files and the watched tasks'
 * `inputs` and `paths.preferred`. After each change (debounced; a change
 * during a run is handled after it) run what it affects: the tasks whose
 * inputs or paths name a changed path, or whose definition a plan change
 * changed, and their dependents; their other dependencies are not run
 * again (a dependency that did not complete when it last ran joins them).
 * A run that stops at a gate says so and watching goes on; a plan that no
 * longer validates shows its errors and watching goes on until it does; a
 * run refused because another holds the project's lock (a `resume` in
 * another terminal) is said, and what it would have run joins the next.
 * Ctrl-C while a run is going stops it as always (recorded, exit 130);
 * between runs it ends the watch at once, with nothing to record.
 * @module
 */

import { print, printError } from "../output/stdio.ts";
import type { LoadedPlan } from "../plan/load.ts";
import { EXIT_CODE, type ExitCode } from "../exit_code.ts";
import { CliError } from "./errors.ts";
import { loadPlanOrThrow } from "./plan_source.ts";
import { type WatchTargets, watchTargets } from "./watch.ts";
import { ChangeQueue } from "./watch_queue.ts";

/** One run of the plan: the tasks a change affects, or (null) the whole watched selection. */
export type WatchedRun = (
  plan: LoadedPlan,
  affected: string[] | null,
) => Promise<ExitCode>;

/**
 * Runs `run(loaded, null)`, then, after each change, what it affects,
 * until Ctrl-C.
 *
 * @param loaded The plan as first loaded.
 * @param file `--file`, to load the plan again when it changes.
 * @param target `--task`: the watched selection is it and its dependencies.
 * @param run One run of a plan; its exit code.
 * @returns 130 when the watch ends by Ctrl-C (or a run was interrupted).
 */
export async function watchRuns(
  loaded: LoadedPlan,
  file: string | boolean | undefined,
  target: string | undefined,
  run: WatchedRun,
): Promise<ExitCode> {
  const [{ planSources }, { definitionHashes }, selection, { RunRefused }] =
    await Promise.all([
      import("../plan/plan_files.ts"),
      import("../engine/fingerprint.ts"),
      import("../engine/selection.ts"),
      import("../engine/refused.ts"),
    ]);
  const { selectWithDependencies } = await import("../graph/select.ts");
  // The watched selection: `--task` and its dependencies, or every task.
  const watched = (p: LoadedPlan) =>
    target === undefined
      ? new Set(p.plan.tasks.map((t) => t.id))
      : selectWithDependencies(
        p.plan.tasks,
        selection.resolveTarget(p.plan, target),
      );
  // The plan's files as they are now: with an invalid plan, those of the
  // last valid one's tasks and the files the plan names now (a new include
  // that holds the mistake is watched, so its fix is seen).
  const targetsOf = async (p: LoadedPlan): Promise<WatchTargets> =>
    watchTargets(
      p.plan,
      p.root,
      await planSources(p.file).catch(() => targets.sources),
      watched(p),
    );
  let plan = loaded;
  let hashes = definitionHashes(plan.plan);
  let targets: WatchTargets = watchTargets(
    plan.plan,
    plan.root,
    await planSources(plan.file),
    watched(plan),
  );
  const queue = await ChangeQueue.open(plan.root, targets);
  try {
    let affected: string[] | null = null;
    let runNext = true;
    /**
     * What a run refused (another run held the project's lock) left to do,
     * for the next batch: its tasks, or null for the whole watched selection.
     */
    let left: string[] | null | undefined;
    /** Changes seen while the plan was invalid: handled once it is fixed. */
    let unseen: string[] = [];
    for (;;) {
      let ran: Set<string> | null = null;
      let ended = Date.now();
      if (runNext) {
        queue.hold();
        let code: ExitCode | null = null;
        try {
          code = await run(plan, affected);
          ended = Date.now();
          ran = await startedIn(plan.root);
        } catch (e) {
          if (!(e instanceof RunRefused)) throw e;
          printError(`error: ${e.message}`);
          printError("watch: nothing ran: it runs with the next change");
          left = affected;
          ran = new Set(); // What changed meanwhile is someone else's.
        }
        if (code === EXIT_CODE.interrupted) return code;
        if (code === EXIT_CODE.paused) {
          print(
            "watch: the run waits at a gate: approve it, then `orchestrate resume` (watching goes on)",
          );
        }
      }
      // What the run wrote for itself or its later tasks does not trigger the next.
      const drop = ran === null
        ? null
        : (path: string) => targets.madeBy(path, ran);
      // Said once the run's own writes are sorted out: a change made after
      // this line is never taken for one of them.
      const watching = () =>
        print(`watch: watching ${targets.description} (Ctrl-C to stop)`);
      const changed = await nextBatch(queue, drop, ended, watching);
      if (changed === null) {
        print("watch: stopped");
        return EXIT_CODE.interrupted;
      }
      const paths = [...new Set([...unseen, ...changed])].sort();
      let edited: string[] = [];
      if (unseen.length > 0 || changed.some((p) => targets.isPlan(p))) {
        let next: LoadedPlan;
        try {
          next = await loadPlanOrThrow(file);
          targets = await targetsOf(next);
        } catch (e) {
          if (e instanceof CliError) printError(e.text());
          else if (e instanceof RunRefused) printError(`error: ${e.message}`);
          else throw e;
          printError("watch: the plan is invalid: fix it; watching goes on");
          targets = await targetsOf(plan);
          await queue.retarget(targets);
          unseen = paths;
          runNext = false;
          continue;
        }
        const nextHashes = definitionHashes(next.plan);
        edited = next.plan.tasks.filter((t) =>
          hashes[t.id] !== nextHashes[t.id]
        )
          .map((t) => t.id);
        plan = next;
        hashes = nextHashes;
        unseen = [];
      }
      // The plan's includes, inputs or paths may differ; a folder may have appeared.
      await queue.retarget(targets);
      const whole = left === null;
      const picked = selection.affectedSelection(
        plan.plan,
        target ?? null,
        [
          ...targets.affected(paths),
          ...edited,
          ...(whole ? watched(plan) : left ?? []),
        ],
      );
      left = undefined;
      const ids = plan.plan.tasks.filter((t) => picked.selected.has(t.id))
        .map((t) => t.id);
      print(
        `watch: changed: ${listed(paths.map((p) => p === "" ? "." : p), 3)} → ${
          ids.length === 0
            ? "no task to run"
            : `${listed(ids, 8)} (${ids.length} task${
              ids.length === 1 ? "" : "s"
            })`
        }`,
      );
      affected = whole ? null : [...picked.selected];
      runNext = ids.length > 0;
    }
  } finally {
    queue.close();
  }
}

/**
 * The next batch of changes, or null on Ctrl-C (or SIGTERM); after a run
 * that ended at `endedAt`, its held changes less those it made join first,
 * and only then is `watching` said.
 */
async function nextBatch(
  queue: ChangeQueue,
  drop: ((path: string) => boolean) | null,
  endedAt: number,
  watching: () => void,
): Promise<string[] | null> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    if (drop !== null) await queue.release(drop, endedAt);
    watching();
    return await queue.next(stop.signal);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

/**
 * The tasks the run just made (the project's latest) started, from its
 * log: the widened selection's added dependencies included, tasks skipped
 * as up to date not. None when its log cannot be read.
 */
async function startedIn(root: string): Promise<Set<string>> {
  const { RunStore } = await import("../events/store.ts");
  const store = new RunStore(root);
  const started = new Set<string>();
  try {
    const run = await store.latest();
    if (run === null) return started;
    for (const e of (await store.events(run)).events) {
      if (e.type === "task_started" && e.task !== null) started.add(e.task);
    }
  } catch {
    // Unreadable: none counts as made by the run, so every change is looked at.
  }
  return started;
}

/** Names for one line: the first `shown`, then how many more. */
function listed(names: readonly string[], shown: number): string {
  const first = names.slice(0, shown).join(", ");
  return names.length > shown
    ? `${first} and ${names.length - shown} more`
    : first;
}

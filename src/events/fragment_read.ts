/**
 * Reads the fragments of a distributed run: the run logs each job of it
 * wrote on its own machine (`.codex/runs/` uploaded as an artifact), found
 * as every `*.jsonl` below the paths given. Nothing here stops on a bad
 * file: a missing path, an unreadable or empty file, a torn last line or a
 * damaged event is a warning naming the file, and the rest is read.
 * @module
 */

import { basename, dirname, join } from "../fs/path.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { entryKind } from "./control_entry.ts";
import { sha256 } from "../plan/hash.ts";
import { readRecordedPlan } from "./recorded_plan.ts";
import type { Plan } from "../plan/ir.ts";
import {
  type ApprovalGrantedEvent,
  OUTSIDE_SELECTION,
  type RunEvent,
} from "./types.ts";
import { eventProblem } from "./validate.ts";

/** Warnings about one file's lines shown at most. */
const MAX_LINE_WARNINGS = 10;

/** One job's run log, as read. */
export interface Fragment {
  /** The file, as found below the path given (for warnings only). */
  path: string;
  /** Its valid events in file order, approvals as records (see {@link parseFragment}). */
  events: RunEvent[];
  /** SHA-256 of its text: two copies of one file are merged once. */
  digest: string;
}

/** What {@link readFragments} found. */
export interface ReadFragments {
  /** Fragments with at least a `run_started` event. */
  fragments: Fragment[];
  /** One line per file left out or line skipped, naming the file. */
  warnings: string[];
}

/**
 * Every `*.jsonl` file below `paths` (files named directly count too), in
 * sorted order, read as fragments. A run's approvals journal
 * (`<run>/approvals.jsonl` beside `<run>.jsonl`) is not a fragment; links
 * are not followed.
 *
 * @param paths Files or folders.
 * @returns The fragments and the warnings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readFragments } from "./fragment_read.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/empty.jsonl`, "");
 * const read = await readFragments([dir, `${dir}/gone`]);
 * assert.equal(read.fragments.length, 0);
 * assert.equal(read.warnings.length, 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function readFragments(
  paths: readonly string[],
): Promise<ReadFragments> {
  const { files, warnings } = await fragmentFiles(paths);
  const fragments: Fragment[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (e) {
      warnings.push(`${file}: cannot read it: ${(e as Error).message}`);
      continue;
    }
    if (text.trim() === "") {
      warnings.push(`${file}: an empty fragment: left out`);
      continue;
    }
    const parsed = parseFragment(text, file);
    // Not a run log (a task's own JSONL output uploaded beside it): one line says so.
    if (!parsed.events.some((e) => e.type === "run_started")) {
      warnings.push(`${file}: no run_started event: not a run log, left out`);
      continue;
    }
    warnings.push(...parsed.warnings.slice(0, MAX_LINE_WARNINGS));
    const more = parsed.warnings.length - MAX_LINE_WARNINGS;
    if (more > 0) warnings.push(`${file}: ${more} more lines ignored`);
    fragments.push({
      path: file,
      events: parsed.events,
      digest: await sha256(text),
    });
  }
  return { fragments, warnings };
}

/**
 * The run logs under `paths`, as {@link readFragments} finds them: every
 * `*.jsonl` below each folder (a file named directly, whatever its name),
 * sorted, no link followed, a run's approvals journal left out; a path
 * that cannot be read is a warning. A folder that holds a `.codex/` is a
 * job's workspace (an artifact of its run logs and its tasks' outputs):
 * below it only `.codex/runs/*.jsonl` are run logs, so a task's own
 * output shaped like a run log never passes for one.
 *
 * @example
 * ```ts ignore
 * const { files, warnings } = await fragmentFiles(["art"]);
 * ```
 */
export async function fragmentFiles(
  paths: readonly string[],
): Promise<{ files: string[]; warnings: string[] }> {
  const warnings: string[] = [];
  const files: string[] = [];
  for (const path of paths) {
    await collect(path, files, warnings, true, "any");
  }
  return { files, warnings };
}

/**
 * Where a walk is: anywhere (`any`), at a job's `.codex/runs/` (`runs`),
 * or at one of its entries (`run entry`: a log is taken, a run's own
 * folder of command output is not walked).
 */
type Place = "any" | "runs" | "run entry";

async function collect(
  path: string,
  files: string[],
  warnings: string[],
  named: boolean,
  place: Place,
): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      warnings.push(`${path}: no such file or folder (a missing fragment)`);
    } else warnings.push(`${path}: cannot read it: ${(e as Error).message}`);
    return;
  }
  if (info.isSymlink) {
    warnings.push(`${path}: a link: not followed`);
    return;
  }
  if (info.isFile) {
    if (named || path.endsWith(".jsonl")) files.push(path);
    return;
  }
  if (!info.isDirectory || place === "run entry") return;
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(path)) names.push(entry.name);
  } catch (e) {
    warnings.push(`${path}: cannot read it: ${(e as Error).message}`);
    return;
  }
  names.sort();
  // A job's workspace (an artifact of its run logs and its tasks' outputs):
  // its run logs are in .codex/runs/; the rest is outputs, never read as logs.
  if (place === "any" && names.includes(STATE_DIR)) {
    const runs = join(path, STATE_DIR, "runs");
    // A workspace that never ran has none: nothing to say (a link or an
    // unreadable one is said, as anywhere else).
    if (await entryKind(runs).catch(() => null) !== "missing") {
      await collect(runs, files, warnings, false, "runs");
    }
    return;
  }
  for (const name of names) {
    const child = join(path, name);
    if (isJournal(child)) continue;
    await collect(
      child,
      files,
      warnings,
      false,
      place === "runs" ? "run entry" : "any",
    );
  }
}

/** `<run>/approvals.jsonl` beside `<run>.jsonl`: that run's approvals journal. */
function isJournal(path: string): boolean {
  if (basename(path) !== "approvals.jsonl") return false;
  try {
    return Deno.lstatSync(`${dirname(path)}.jsonl`).isFile;
  } catch {
    return false;
  }
}

/**
 * A fragment's text as events: each line JSON and a valid event (the
 * checks every log reader makes, see `eventProblem`), else a warning
 * naming the file and line; a torn last line is a warning too. Tasks
 * skipped as outside the run's selection are left out (see `passedOver`). Approvals
 * are left out with a warning: a seal holds for the run (and the machine's
 * key) it was made for, so it cannot be carried into another run; the
 * tasks' results they let run are kept.
 *
 * @param text The file's content.
 * @param path The file, for warnings.
 * @returns The events and the warnings.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFragment } from "./fragment_read.ts";
 * const line = '{"ts":"t","run":"r","type":"task_started","task":"A","shard":null}';
 * const read = parseFragment(`${line}\n{"ty`, "a/r.jsonl");
 * assert.equal(read.events.length, 1);
 * assert.deepEqual(read.warnings, ["a/r.jsonl: ignoring a torn last line (an interrupted write)"]);
 * ```
 */
export function parseFragment(
  text: string,
  path: string,
): { events: RunEvent[]; warnings: string[] } {
  const events: RunEvent[] = [];
  const warnings: string[] = [];
  const lines = text.split("\n");
  const torn = lines.pop()!;
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      warnings.push(`${path}:${i + 1}: ignoring a line that is not JSON`);
      return;
    }
    const problem = eventProblem(value);
    if (problem !== null) {
      warnings.push(`${path}:${i + 1}: ignoring a damaged event: ${problem}`);
      return;
    }
    const event = value as RunEvent;
    if (event.type === "approval_granted") events.push(recorded(event));
    else if (!passedOver(event)) events.push(event);
  });
  if (torn.trim() !== "") {
    warnings.push(`${path}: ignoring a torn last line (an interrupted write)`);
  }
  return { events, warnings };
}

/**
 * A job's approval, carried as a record: a seal holds only for the run it
 * was made in, and re-sealing would let any file grant a gate, so the
 * merged run learns who approved what, where, and grants nothing by it.
 */
function recorded(event: ApprovalGrantedEvent): RunEvent {
  const { mac: _, plan_hash: _plan, type: _type, run, ...rest } = event;
  return { ...rest, run, type: "approval_recorded", granted_in: run };
}

/**
 * A task a job's run only passed over (outside its selection: every task
 * but its own, in a `--only` run) gives the merge nothing; left out when
 * read, a thousand-task plan's thousand fragments hold a thousand events,
 * not a million.
 */
function passedOver(event: RunEvent): boolean {
  return event.type === "skipped" && event.reason === OUTSIDE_SELECTION;
}

/**
 * The IR a fragment's run recorded beside it (`<run>/plan-<hash>.json`, as
 * the artifact holds it), or null when it is not there intact.
 *
 * @param fragment The fragment.
 * @param run Its run id.
 * @param hash The plan hash it names.
 *
 * @example
 * ```ts ignore
 * // ignore: needs an artifact folder holding a run's recorded plan
 * const plan = await fragmentPlan(fragment, "20260101T000000.000Z", hash);
 * ```
 */
export async function fragmentPlan(
  fragment: Fragment,
  run: string,
  hash: string,
): Promise<Plan | null> {
  try {
    const read = await readRecordedPlan(
      join(dirname(fragment.path), run),
      hash,
    );
    return read.kind === "found" ? read.plan : null;
  } catch {
    return null;
  }
}

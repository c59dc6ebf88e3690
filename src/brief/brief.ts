/**
 * The brief an agent (or a person) gets for one task: exactly what the
 * PRD's Interaction Model lists, built from the IR, the project's files,
 * the index and the latest run; deterministic for a given repository,
 * plan and run log, and trimmed to a token budget.
 * @module
 */

import type { Plan, Shard, Task } from "../plan/ir.ts";
import type { RunState } from "../events/fold.ts";
import { type Check, describeCheck } from "../plan/check.ts";
import { join } from "../fs/path.ts";
import {
  MAX_FILE_BYTES,
  type RepoIndex,
  updateIndex,
} from "../index/repo_index.ts";
import { readRegularText } from "../fs/regular_file.ts";
import type { IndexSymbol } from "../index/symbols.ts";
import { relevantFiles } from "./relevant_code.ts";
import { type Excerpt, excerptsOf } from "./excerpts.ts";
import { isCommonWord, ticketTerms } from "./ticket_terms.ts";
import { PLAN_NAMES } from "../agent/patch_paths.ts";
import { forbiddenFiles } from "../agent/patch.ts";
import { type Convention, detectConventions } from "./conventions.ts";
import { type InterfaceEntry, interfaceOf } from "./interfaces.ts";
import { searchText, type TextHit } from "../index/text_search.ts";
import { detectToolchain, type ToolchainFact } from "./toolchain.ts";
import { briefMarkdown } from "./markdown.ts";
import { exists as pathExists } from "../fs/exists.ts";

/** Token budget when none is given. */
export const DEFAULT_MAX_TOKENS = 4000;

/** How tokens are estimated (said in every brief). */
export const TOKEN_METHOD = "characters / 4, rounded up";

/**
 * Estimated tokens of `text`: ~4 characters a token for English and code.
 *
 * @example
 * ```ts
 * import { estimateTokens } from "./brief.ts";
 * estimateTokens("abcdefgh"); // 2
 * ```
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The latest run, as the run store gives it. */
export interface LatestRun {
  run: string;
  state: RunState;
}

/** Options of {@link buildBrief}. */
export interface BriefOptions {
  /** Token budget for the whole Markdown brief (default {@link DEFAULT_MAX_TOKENS}). */
  maxTokens?: number;
  /** An index already brought up to date; else `.codex/index.json` is updated. */
  index?: RepoIndex;
  /** The form the brief is emitted in: the budget and the count are of that text (default md). */
  format?: "md" | "json";
}

/** A place to edit, and whether it is there yet. */
export interface BriefPath {
  path: string;
  status: "existing" | "new";
  /** The task's or shard's id. */
  scope: string;
}

/** An acceptance check and how the orchestrator judges it. */
export interface BriefCheck {
  check: string;
  judged: string;
  scope: string;
}

/** What the brief of a task holds (`brief.json`). */
export interface Brief {
  version: 1;
  task: {
    id: string;
    title: string;
    type: Task["type"];
    description: string;
    /** Set when the brief was asked for one shard. */
    shard: string | null;
  };
  shards: { id: string; title: string; description: string }[];
  where: BriefPath[];
  /** The files to edit that exist: their exported names, each with one use. */
  interfaces: { path: string; symbols: InterfaceEntry[] }[];
  toolchain: ToolchainFact[];
  /** What the project declares about changelog, docs, formatting, linting, tests. */
  conventions: Convention[];
  /** Languages of the indexed files, most files first. */
  languages: { language: string; files: number }[];
  constraints: {
    style: string | null;
    language: string | null;
    forbidden_paths: string[];
    timebox_ms: number | null;
    /** The task's permissions as the IR gives them, when it has any. */
    permissions: unknown;
  };
  commands: { name: string; run: string; scope: string }[];
  acceptance: BriefCheck[];
  dependencies: {
    id: string;
    title: string;
    state: string;
    reason: string | null;
    run: string | null;
  }[];
  code: {
    path: string;
    score: number;
    reasons: string[];
    /** The symbols the task names first, then others (12 at most). */
    symbols: IndexSymbol[];
    /** The matched symbols' bodies, the lines using them, the quoted text's lines. */
    excerpts: Excerpt[];
    /** What the shown symbols call, declared in one other file: where to find it. */
    calls: { name: string; path: string; line: number }[];
  }[];
  tokens: { estimate: number; budget: number; method: string; omitted: number };
}

/** Symbols listed per file at most. */
const SYMBOLS_LISTED = 12;

/**
 * The brief as emitted: Markdown or JSON (2-space indented).
 *
 * @example
 * ```ts ignore
 * import { renderBrief } from "./brief.ts";
 * const text = renderBrief(brief, "json");
 * ```
 */
export function renderBrief(brief: Brief, format: "md" | "json"): string {
  return format === "json"
    ? JSON.stringify(brief, null, 2) + "\n"
    : briefMarkdown(brief);
}

/**
 * Sets `brief.tokens.estimate` to the estimate of the text emitted in
 * `format` (which holds the estimate itself: settled in a few rounds).
 *
 * @example
 * ```ts ignore
 * import { countEmitted, renderBrief } from "./brief.ts";
 * countEmitted(brief, "json");
 * const text = renderBrief(brief, "json"); // its tokens are brief.tokens.estimate
 * ```
 */
export function countEmitted(brief: Brief, format: "md" | "json"): void {
  for (let i = 0; i < 4; i++) {
    const estimate = estimateTokens(renderBrief(brief, format));
    if (estimate === brief.tokens.estimate) return;
    brief.tokens.estimate = estimate;
  }
}

/**
 * Builds the brief of task (or shard) `taskId`.
 *
 * @param root The project's root (the plan's `project.root`).
 * @param plan The validated plan.
 * @param taskId A task's id, or a shard's (the brief then covers that shard).
 * @param latest The latest run and its folded state, or `null` before any run.
 * @param options Token budget, and an index to reuse.
 * @returns The brief; render it with {@link briefMarkdown} or `JSON.stringify`.
 * @throws {RangeError} When no task or shard has that id.
 *
 * @example
 * ```ts ignore
 * import { buildBrief, briefMarkdown } from "./brief.ts";
 * const brief = await buildBrief(root, plan, "EXC-001", latest, { maxTokens: 2000 });
 * await Deno.writeTextFile("brief.md", briefMarkdown(brief));
 * await Deno.writeTextFile("brief.json", JSON.stringify(brief, null, 2));
 * ```
 */
export async function buildBrief(
  root: string,
  plan: Plan,
  taskId: string,
  latest: LatestRun | null,
  options: BriefOptions = {},
): Promise<Brief> {
  const task = plan.tasks.find((t) => t.id === taskId) ??
    plan.tasks.find((t) => t.shards.some((s) => s.id === taskId));
  if (!task) throw new RangeError(`Unknown task "${taskId}"`);
  const focus = task.id === taskId ? null : taskId;
  const shards: Shard[] = focus === null
    ? task.shards
    : task.shards.filter((s) => s.id === focus);
  const budget = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const index = options.index ?? (await updateIndex(root)).index;

  const where: BriefPath[] = [];
  const scopes: { scope: string; preferred: string[] }[] = [
    ...(focus === null
      ? [{ scope: task.id, preferred: task.paths.preferred }]
      : []),
    ...shards.map((s) => ({ scope: s.id, preferred: s.paths.preferred })),
  ];
  for (const { scope, preferred } of scopes) {
    for (const path of preferred) {
      where.push({
        path,
        status: await exists(root, path, index) ? "existing" : "new",
        scope,
      });
    }
  }
  const forbidden = [
    ...task.paths.forbidden,
    ...task.constraints.forbidden_paths,
    ...shards.flatMap((s) => s.paths.forbidden),
  ];
  const checks = (scope: string, list: Check[]) =>
    list.map((check) => ({
      check: describeCheck(check),
      judged: judged(check),
      scope,
    }));
  const commands = [
    ...shards.flatMap((s) =>
      s.commands.map((c) => ({ name: c.name, run: c.run, scope: s.id }))
    ),
    ...(focus === null
      ? task.commands.map((c) => ({ name: c.name, run: c.run, scope: task.id }))
      : []),
  ];
  const acceptance = [
    ...shards.flatMap((s) => checks(s.id, s.acceptance)),
    ...(focus === null ? checks(task.id, task.acceptance) : []),
  ];
  const counts = new Map<string, number>();
  for (const path of Object.keys(index.files)) {
    const language = index.files[path]!.language;
    if (language !== "other") {
      counts.set(language, (counts.get(language) ?? 0) + 1);
    }
  }
  const languages = [...counts].map(([language, files]) => ({
    language,
    files,
  }))
    .sort((a, b) => b.files - a.files || (a.language < b.language ? -1 : 1))
    .slice(0, 6);
  const text = [
    task.title,
    task.description,
    ...shards.flatMap((s) => [s.title, s.description]),
    ...acceptance.map((a) => a.check),
  ].join("\n");
  const brief: Brief = {
    version: 1,
    task: {
      id: task.id,
      title: task.title,
      type: task.type,
      description: task.description,
      shard: focus,
    },
    shards: shards.map((s) => ({
      id: s.id,
      title: s.title,
      description: s.description,
    })),
    where,
    interfaces: [],
    toolchain: await detectToolchain(root),
    conventions: await detectConventions(
      root,
      Object.keys(index.files),
      (text) => searchText(root, index, text, { limit: 20 }),
    ),
    languages,
    constraints: {
      style: task.constraints.style ?? null,
      language: task.constraints.language ?? plan.project.language ?? null,
      forbidden_paths: [...new Set(forbidden)],
      timebox_ms: task.constraints.timebox_ms ?? null,
      permissions: (task as { permissions?: unknown }).permissions ?? null,
    },
    commands,
    acceptance,
    dependencies: task.dependencies.map((id) => {
      const state = latest?.state.tasks.get(id);
      return {
        id,
        title: plan.tasks.find((t) => t.id === id)?.title ?? "",
        state: state?.state ?? "not run",
        reason: state?.reason ?? null,
        run: state ? state.run : null,
      };
    }),
    code: [],
    tokens: { estimate: 0, budget, method: TOKEN_METHOD, omitted: 0 },
  };
  const format = options.format ?? "md";
  // The plan and orchestrate's own files hold the ticket's own words: never
  // evidence of where the code is.
  const forbiddenPaths = [
    ...brief.constraints.forbidden_paths,
    ...PLAN_NAMES,
    "TASKS.md",
  ];
  const textHits = await quotedTextHits(root, index, text, forbiddenPaths);
  const banned = new Set(
    forbiddenFiles(Object.keys(index.files), forbiddenPaths),
  );
  for (const w of where) {
    const path = w.path.replace(/^\.\//, "");
    if (!Object.hasOwn(index.files, path) || banned.has(path)) continue;
    if (brief.interfaces.some((i) => i.path === path)) continue;
    const source = await readSource(root, path);
    if (source === null) continue;
    const symbols = await interfaceOf(
      index,
      path,
      source,
      (p) => readSource(root, p),
      (p) => !banned.has(p),
    );
    if (symbols.length > 0) brief.interfaces.push({ path, symbols });
  }
  const ranked = relevantFiles(index, text, where.map((w) => w.path), {
    forbidden: forbiddenPaths,
    textHits,
    read: (path) => readSourceSync(root, path),
  });
  // Measured with the closing line at its longest (an estimate as wide as
  // the budget, a count of files left out), so the final text fits too.
  const fits = () => {
    const { tokens } = brief;
    const final = { ...tokens };
    brief.tokens = { ...tokens, estimate: budget, omitted: tokens.omitted + 1 };
    const ok = estimateTokens(renderBrief(brief, format)) <= budget;
    brief.tokens = final;
    return ok;
  };
  for (const file of ranked) {
    const source = await readSource(root, file.path);
    const excerpts = (focus: typeof file.focus) =>
      source === null
        ? []
        : excerptsOf(source, file.language, file.symbols, focus);
    const base = {
      path: file.path,
      score: file.score,
      reasons: file.reasons,
      symbols: file.symbols.slice(0, SYMBOLS_LISTED),
    };
    // All it has to show, then only its best point, then its names alone.
    const candidates = [
      excerpts(file.focus),
      excerpts(file.focus.slice(0, 1)),
      [],
    ];
    let added = false;
    for (const list of candidates) {
      const calls = list.length > 0 && !file.test
        ? calleesOf(index, file.path, list, banned)
        : [];
      brief.code.push({ ...base, excerpts: list, calls });
      if (fits()) {
        added = true;
        break;
      }
      brief.code.pop();
    }
    if (!added) brief.tokens.omitted++;
  }
  countEmitted(brief, format);
  return brief;
}

/** Callees listed per file at most. */
const CALLS_LISTED = 6;

/**
 * Names called in `excerpts` (`name(`, `name::`, `new Name`) that one other
 * allowed file declares: the callees, with where they are declared.
 */
function calleesOf(
  index: RepoIndex,
  path: string,
  excerpts: readonly Excerpt[],
  banned: ReadonlySet<string>,
): { name: string; path: string; line: number }[] {
  const out: { name: string; path: string; line: number }[] = [];
  const seen = new Set<string>();
  const own = new Set(index.files[path]?.symbols.map((s) => s.name) ?? []);
  for (const e of excerpts) {
    for (
      const m of e.text.matchAll(
        /\b([A-Za-z_]\w{2,})\s*(?:\(|::|<[^>]*>\s*\()/g,
      )
    ) {
      const name = m[1]!;
      // `console.error(` is no call of a project's `error`.
      if (seen.has(name) || own.has(name) || isCommonWord(name)) continue;
      seen.add(name);
      const files =
        (Object.hasOwn(index.identifiers, name) ? index.identifiers[name]! : [])
          .filter((p) => !banned.has(p));
      if (files.length !== 1 || files[0] === path) continue;
      const symbol = index.files[files[0]!]!.symbols.find((s) =>
        s.name === name
      );
      if (symbol) out.push({ name, path: files[0]!, line: symbol.line });
      if (out.length >= CALLS_LISTED) return out;
    }
  }
  return out;
}

async function exists(
  root: string,
  path: string,
  index: RepoIndex,
): Promise<boolean> {
  const clean = path.replace(/^\.\//, "").replace(/\/+$/, "");
  if (/[*?[\]{}]/.test(clean)) {
    const { default: picomatch } = await import("picomatch");
    const match = picomatch(clean, { dot: true });
    return Object.keys(index.files).some((p) => match(p));
  }
  return await pathExists(join(root, clean));
}

function readSourceSync(root: string, path: string): string | null {
  try {
    const full = join(root, path);
    const info = Deno.statSync(full);
    if (!info.isFile || info.size > MAX_FILE_BYTES) return null;
    return Deno.readTextFileSync(full);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

async function readSource(root: string, path: string): Promise<string | null> {
  try {
    return await readRegularText(join(root, path), MAX_FILE_BYTES);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    // Changed since it was indexed: now a pipe, or past the index's limit.
    if (e instanceof Deno.errors.InvalidData) return null;
    throw e;
  }
}

/**
 * The lines holding the ticket's quoted texts and the command-line options
 * it names. A quoted message with a variable part (`"no such level:
 * verbose"`) is searched again by its longest fixed piece; an option
 * nobody declares yet leads to where the others are parsed.
 */
async function quotedTextHits(
  root: string,
  index: RepoIndex,
  text: string,
  forbidden: readonly string[],
): Promise<Map<string, TextHit[]>> {
  const terms = ticketTerms(text);
  const out = new Map<string, TextHit[]>();
  const search = (q: string) =>
    searchText(root, index, q, { forbidden, limit: 30 });
  for (const quoted of terms.quoted) {
    const hits = await search(quoted);
    if (hits.length > 0) out.set(quoted, hits);
    // The code prints it with a placeholder (`unknown command: %s`): its
    // longest fixed piece finds the code when the whole finds only tests.
    const pieces = quoted.split(/[:;!?()[\]{}]|\s['"]|['"]\s|%\w|\{[^}]*\}/)
      .map((p) => p.trim()).filter((p) => p.length >= 8 && p !== quoted)
      .sort((a, b) => b.length - a.length);
    for (const piece of pieces) {
      const more = await search(piece);
      if (more.length === 0) continue;
      out.set(piece, more);
      break;
    }
  }
  let unknownOption = false;
  for (const option of terms.options) {
    const hits = await search(option);
    if (hits.length > 0) out.set(option, hits);
    else unknownOption = true;
  }
  if (unknownOption) {
    const hits = [...await search(`"--`), ...await search(`'--`)];
    if (hits.length > 0) out.set(`"--`, hits);
  }
  return out;
}

/** How the orchestrator judges a check, in words. */
function judged(check: Check): string {
  const where = (file?: string) => file ? file : "the task's paths files";
  switch (check.kind) {
    case "tests_pass":
    case "command":
      return `\`${check.command}\` exits 0 (run with sh -c in the project root)`;
    case "file_exists":
      return `a file matches \`${check.path}\``;
    case "contains":
      return `the text appears in ${where(check.file)}`;
    case "not_contains":
      return `the text appears nowhere in ${where(check.file)}`;
    case "matches":
      return `the pattern matches in ${where(check.file)}`;
    case "manual":
      return "a person approves it at the `manual` gate";
  }
}

/**
 * Scores briefs against known answers: the fixture repositories under
 * `tests/fixtures/brief/<language>/` (a `repo/` with an `orchestrator.yml`
 * of tickets, and `answers.json` naming the files and symbols a correct
 * change touches). Used by `deno task bench --only brief` and by
 * `tests/brief/recall_test.ts`, which pins a floor.
 *
 * Measures, per ticket, on the Markdown brief an agent reads:
 * - file recall: answer files given a block under "Relevant code";
 * - symbol recall: answer symbols whose name shows in the code (fenced
 *   lines) of their file's block, not only in a list of names;
 * - off-answer share: tokens of "Relevant code" blocks of files outside
 *   the answer, over the budget;
 * - precision: tokens of answer files' blocks over all blocks' tokens;
 * - forbidden: blocks of files under the ticket's forbidden paths (must be 0).
 * @module
 */

import { join } from "node:path";

/** The fixtures' folder. */
export const FIXTURES = new URL("../../tests/fixtures/brief/", import.meta.url)
  .pathname;

/** What a correct change touches. */
interface Answer {
  files: string[];
  symbols: [string, string][];
}

/** The score of one brief. */
export interface TicketScore {
  language: string;
  ticket: string;
  fileRecall: number;
  symbolRecall: number;
  /** Share of the budget spent on blocks of files outside the answer. */
  offAnswer: number;
  /** Share of the "Relevant code" tokens spent on answer files (0 when none shown). */
  precision: number;
  forbidden: number;
  missing: string[];
}

/** Runs `orchestrate brief <ticket>` in `dir` and returns its Markdown. */
export type BriefRunner = (
  dir: string,
  ticket: string,
  budget: number,
) => Promise<string>;

/** The languages with fixtures, in name order. */
export function fixtureLanguages(): string[] {
  return [...Deno.readDirSync(FIXTURES)].filter((e) => e.isDirectory)
    .map((e) => e.name).sort();
}

/**
 * Copies each fixture repository of `language` to a fresh folder under
 * `work` and scores the brief of every ticket in `answers.json`.
 */
export async function scoreLanguage(
  language: string,
  work: string,
  run: BriefRunner,
  budget = 4000,
): Promise<TicketScore[]> {
  const base = join(FIXTURES, language);
  const answers = JSON.parse(
    await Deno.readTextFile(join(base, "answers.json")),
  ) as Record<string, Answer>;
  const dir = join(work, `brief-${language}`);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await copyTree(join(base, "repo"), dir);
  const plan = await Deno.readTextFile(join(dir, "orchestrator.yml"));
  const scores: TicketScore[] = [];
  for (const [ticket, answer] of Object.entries(answers)) {
    const md = await run(dir, ticket, budget);
    scores.push(
      scoreBrief(
        language,
        ticket,
        md,
        answer,
        budget,
        forbiddenOf(plan, ticket),
      ),
    );
  }
  return scores;
}

/** The forbidden folders of a ticket, read from the fixture's plan lines. */
function forbiddenOf(plan: string, ticket: string): string[] {
  const start = plan.indexOf(`id: ${ticket}\n`);
  const end = plan.indexOf("  - id:", start + 1);
  const part = plan.slice(start, end < 0 ? undefined : end);
  return [...part.matchAll(/forbidden(?:_paths)?: \[([^\]]*)\]/g)]
    .flatMap((m) => m[1]!.split(",").map((p) => p.trim()).filter(Boolean));
}

/** Scores one Markdown brief. */
export function scoreBrief(
  language: string,
  ticket: string,
  md: string,
  answer: Answer,
  budget: number,
  forbidden: string[],
): TicketScore {
  const at = md.indexOf("\n## Relevant code\n");
  const code = at < 0 ? "" : md.slice(at);
  const blocks = new Map<string, string>();
  for (const part of code.split(/\n(?=### )/).slice(1)) {
    const path = /^### (\S+)/.exec(part)?.[1];
    if (path) blocks.set(path, (blocks.get(path) ?? "") + part);
  }
  const missing: string[] = [];
  let files = 0;
  for (const file of answer.files) {
    if (blocks.has(file)) files++;
    else missing.push(file);
  }
  let symbols = 0;
  for (const [file, name] of answer.symbols) {
    const fenced = fencedLines(blocks.get(file) ?? "");
    if (new RegExp(`\\b${name}\\b`).test(fenced)) symbols++;
    else missing.push(`${file}:${name}`);
  }
  let off = 0;
  let all = 0;
  let leaks = 0;
  for (const [path, text] of blocks) {
    all += Math.ceil(text.length / 4);
    if (!answer.files.includes(path)) off += Math.ceil(text.length / 4);
    if (forbidden.some((f) => path.startsWith(f.replace(/\/?$/, "/")))) {
      leaks++;
    }
  }
  return {
    language,
    ticket,
    fileRecall: files / answer.files.length,
    symbolRecall: symbols / answer.symbols.length,
    offAnswer: off / budget,
    precision: all === 0 ? 0 : (all - off) / all,
    forbidden: leaks,
    missing,
  };
}

function fencedLines(block: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of block.split("\n")) {
    if (/^```/.test(line)) inside = !inside;
    else if (inside) out.push(line);
  }
  return out.join("\n");
}

async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const a = join(from, entry.name);
    const b = join(to, entry.name);
    if (entry.isDirectory) await copyTree(a, b);
    else await Deno.copyFile(a, b);
  }
}

/** Mean of `key` over `scores`. */
export function mean(
  scores: TicketScore[],
  key: "fileRecall" | "symbolRecall" | "offAnswer" | "precision",
): number {
  return scores.reduce((s, x) => s + x[key], 0) / Math.max(1, scores.length);
}

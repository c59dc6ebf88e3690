/**
 * What a ticket's text names, by how surely it means code: identifiers
 * (backticked, CamelCase, snake_case, dotted or `::` paths, calls), the
 * command-line options it mentions (`--width`), the strings it quotes
 * (error messages, usage lines: searched as text), and the remaining
 * words, common English and stop words left out (they never match a
 * symbol by themselves).
 * @module
 */

/** The terms of a ticket. */
export interface TicketTerms {
  /** Names written as code: matched against declared symbols with full weight. */
  identifiers: string[];
  /** Of those, the ones only seen qualifying a member (`Buffer` in `Buffer.flush`). */
  qualifiers: string[];
  /** Command-line options, with their dashes (`--skip-blank`). */
  options: string[];
  /** Quoted text, to search literally. */
  quoted: string[];
  /** Other words (lower case, at least 4 letters), matched weakly. */
  words: string[];
}

const BACKTICKED = /`([^`\n]+)`/g;
const QUOTED = /"([^"\n]{4,160})"|“([^”\n]{4,160})”/g;
const OPTION = /(?:^|[\s`("'])(--[a-z][a-z0-9-]*[a-z0-9])/g;
const NAME = /[A-Za-z_][A-Za-z0-9_]*(?:(?:\.|::)[A-Za-z_][A-Za-z0-9_]*)*/g;
const CODE_SHAPED =
  /\b(?:[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*|[A-Za-z0-9]+_[A-Za-z0-9_]+|[A-Za-z_]\w*(?:\.|::)[A-Za-z_]\w*(?:(?:\.|::)[A-Za-z_]\w*)*|[A-Za-z_]\w*(?=\())/g;

/**
 * Splits a ticket into terms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ticketTerms } from "./ticket_terms.ts";
 * const t = ticketTerms('`Filter::matches` ignores --since; "no such level: x" when closing the parser');
 * assert.deepEqual(t.identifiers, ["since", "Filter", "matches"]);
 * assert.deepEqual(t.qualifiers, ["Filter"]);
 * assert.deepEqual(t.options, ["--since"]);
 * assert.deepEqual(t.quoted, ["no such level: x"]);
 * assert.deepEqual(t.words, ["ignores", "parser"]);
 * ```
 */
export function ticketTerms(text: string): TicketTerms {
  const identifiers = new Set<string>();
  const qualifying = new Set<string>();
  const members = new Set<string>();
  const addName = (name: string) => {
    const parts = name.split(/\.|::/);
    parts.forEach((part, i) => {
      if (part.length < 2 || /^\d/.test(part)) return;
      identifiers.add(part);
      (i < parts.length - 1 ? qualifying : members).add(part);
    });
  };
  const options = new Set<string>();
  for (const m of text.matchAll(OPTION)) {
    options.add(m[1]!);
    identifiers.add(m[1]!.slice(2).replaceAll("-", "_")); // args.skip_blank
  }
  const quoted = new Set<string>();
  for (const m of text.matchAll(QUOTED)) quoted.add((m[1] ?? m[2])!.trim());
  for (const m of text.matchAll(BACKTICKED)) {
    const inside = m[1]!;
    // A whole command line in backticks names a program, not code: only
    // its code-shaped parts count, like the prose's.
    if (/\s/.test(inside.trim())) {
      for (const n of inside.match(CODE_SHAPED) ?? []) addName(n);
    } else {
      for (const n of inside.replace(/^--?/, "").match(NAME) ?? []) addName(n);
    }
  }
  const prose = text.replace(BACKTICKED, " ");
  for (const n of prose.match(CODE_SHAPED) ?? []) addName(n);
  const words = new Set<string>();
  for (const w of prose.replace(QUOTED, " ").match(/[A-Za-z]{4,}/g) ?? []) {
    const word = w.toLowerCase();
    if (!COMMON.has(word) && !identifiers.has(w)) words.add(word);
  }
  for (const name of identifiers) words.delete(name.toLowerCase());
  return {
    identifiers: [...identifiers],
    qualifiers: [...qualifying].filter((q) => !members.has(q)),
    options: [...options],
    quoted: [...quoted],
    words: [...words],
  };
}

/**
 * Words too common in tickets (English, and the vocabulary of any code
 * base) to point at one symbol: "close" must not pull in every `.close()`.
 */
const COMMON = new Set(
  (
    "about above after again against all also although always among another " +
    "anything anyway around away back because been before being below " +
    "between both but cannot could does doing done down during each either " +
    "else enough even ever every example few first from further give given " +
    "gives have having here however instead into itself just keep keeps " +
    "know last later least less like likely line lines long made make makes " +
    "many might more most much must need needs never next none nothing " +
    "once only other others ought over same should show shows since some " +
    "still such than that their them then there these they thing things " +
    "this those though through time times under until upon used uses using " +
    "very want wants well were what when where whether which while whole " +
    "will with within without work works would your yours able already " +
    "both case cases change changes current default does fail fails " +
    "failing fixed fixes happen happens hint never rather same second " +
    "seems something still sure tell that want wrong right left true false " +
    // The vocabulary of every code base: never specific enough alone.
    "code file files test tests value values name names type types data " +
    "call calls called function functions method methods class classes " +
    "module modules option options flag flags command commands argument " +
    "arguments error errors message messages return returns returned " +
    "print prints printed output input read reads write writes written " +
    "open opens close closes closed closing create creates update updates " +
    "delete deletes remove removes list lists item items list object new " +
    "path paths text string number numbers result results check checks " +
    "run runs running add adds added adding fix bug bugs issue support " +
    "supports handle handles use user users again also cover covered " +
    "exit exits line still even known known enough instead already " +
    "find finds found look looks show shown get gets set sets make " +
    "answer answers ask asks say says tell tells"
  ).split(" "),
);

/**
 * Whether `word` (lower case) is too common to match a symbol alone.
 *
 * @example
 * ```ts
 * import { isCommonWord } from "./ticket_terms.ts";
 * isCommonWord("close"); // true
 * isCommonWord("ttl"); // false
 * ```
 */
export function isCommonWord(word: string): boolean {
  return COMMON.has(word.toLowerCase());
}

/**
 * The brief benchmark's floor: the briefs of the fixture tickets
 * (tests/fixtures/brief/, three languages) must keep finding the files and
 * symbols a correct change touches, spend little of the budget elsewhere,
 * and never show a forbidden path. `deno task bench --only brief` prints
 * the same scores per ticket.
 */

import assert from "node:assert/strict";
import { cli, tempDir } from "../_cli.ts";
import {
  fixtureLanguages,
  mean,
  scoreLanguage,
  type TicketScore,
} from "../../scripts/bench/brief_score.ts";

const run = async (dir: string, ticket: string, budget: number) => {
  const r = await cli(["brief", ticket, "--max-tokens", String(budget)], {
    cwd: dir,
  });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

Deno.test("brief recall: every fixture language keeps its floor", async () => {
  const work = await tempDir();
  const all: TicketScore[] = [];
  assert.ok(fixtureLanguages().length >= 3);
  for (const language of fixtureLanguages()) {
    const scores = await scoreLanguage(language, work, run);
    all.push(...scores);
    const shown = JSON.stringify(scores, null, 1);
    assert.ok(mean(scores, "fileRecall") >= 0.8, `${language}: ${shown}`);
    assert.ok(mean(scores, "symbolRecall") >= 0.8, `${language}: ${shown}`);
    assert.ok(mean(scores, "offAnswer") <= 0.3, `${language}: ${shown}`);
    for (const s of scores) assert.equal(s.forbidden, 0, shown);
  }
  assert.ok(mean(all, "fileRecall") >= 0.9, JSON.stringify(all));
  assert.ok(mean(all, "symbolRecall") >= 0.9, JSON.stringify(all));
  assert.ok(mean(all, "precision") >= 0.4, JSON.stringify(all));
});

Deno.test("brief recall: a tighter budget keeps the best files first", async () => {
  const work = await tempDir();
  const scores = await scoreLanguage("python", work, run, 1200);
  // The file named by the ticket's quoted message and identifiers survives.
  assert.ok(mean(scores, "fileRecall") >= 0.6, JSON.stringify(scores));
  for (const s of scores) assert.equal(s.forbidden, 0);
});

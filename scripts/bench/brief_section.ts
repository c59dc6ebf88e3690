/**
 * The `brief` section of `deno task bench`: recall and precision of the
 * briefs of the fixture tickets (see brief_score.ts), per language. No
 * times: what is measured is what the brief holds.
 * @module
 */

import {
  fixtureLanguages,
  mean,
  scoreLanguage,
  type TicketScore,
} from "./brief_score.ts";
import { type Cmd, spawnOk } from "./measure.ts";

const pct = (x: number) => `${Math.round(x * 100)}%`.padStart(4);

/** Scores every fixture language's briefs and prints a table. */
export async function benchBrief(
  work: string,
  orchestrate: (args: string[], cwd?: string) => Cmd,
  row: (cells: string[]) => void,
  judge: (target: string, met: boolean) => void,
): Promise<void> {
  const all: TicketScore[] = [];
  row([
    "brief: language",
    "file recall",
    "symbol recall",
    "precision (answer share of code tokens)",
    "off-answer share of budget",
    "forbidden blocks",
  ]);
  for (const language of fixtureLanguages()) {
    const scores = await scoreLanguage(
      language,
      work,
      async (dir, ticket, budget) =>
        (await spawnOk(
          orchestrate(["brief", ticket, "--max-tokens", String(budget)], dir),
          `brief ${ticket}`,
        )).stdout,
    );
    all.push(...scores);
    for (const s of scores) {
      row([
        `  ${s.ticket.padEnd(12)}`,
        pct(s.fileRecall),
        pct(s.symbolRecall),
        pct(s.precision),
        pct(s.offAnswer),
        String(s.forbidden),
        s.missing.length > 0 ? `missing ${s.missing.join(", ")}` : "",
      ]);
    }
    row([
      `brief ${language.padEnd(10)}`,
      pct(mean(scores, "fileRecall")),
      pct(mean(scores, "symbolRecall")),
      pct(mean(scores, "precision")),
      pct(mean(scores, "offAnswer")),
      String(scores.reduce((n, s) => n + s.forbidden, 0)),
    ]);
  }
  row([
    "brief all       ",
    pct(mean(all, "fileRecall")),
    pct(mean(all, "symbolRecall")),
    pct(mean(all, "precision")),
    pct(mean(all, "offAnswer")),
    String(all.reduce((n, s) => n + s.forbidden, 0)),
  ]);
  judge(
    "brief: no block of a forbidden path",
    all.every((s) => s.forbidden === 0),
  );
}

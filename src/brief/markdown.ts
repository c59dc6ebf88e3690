/**
 * The brief as Markdown (`brief.md`): the same content as `brief.json`,
 * in the order an agent reads it.
 * @module
 */

import type { Brief } from "./brief.ts";
import { safeBlock } from "../text/safe_text.ts";

const fence = (text: string) => {
  const ticks = "`".repeat(
    Math.max(3, ...(text.match(/`+/g) ?? []).map((t) => t.length + 1)),
  );
  return [ticks, text, ticks];
};

/**
 * Renders a brief as Markdown, control characters escaped but line breaks
 * and tabs. Pure: the same brief gives the same text.
 *
 * @example
 * ```ts ignore
 * import { briefMarkdown } from "./markdown.ts";
 * briefMarkdown(brief).startsWith("# Task "); // true
 * ```
 */
export function briefMarkdown(brief: Brief): string {
  const out: string[] = [];
  const t = brief.task;
  out.push(
    `# Task ${t.id}${t.shard ? ` (shard ${t.shard})` : ""}: ${t.title}`,
    "",
  );
  out.push(`Type: ${t.type}`);
  if (t.description) out.push("", t.description.trim());
  if (brief.shards.length > 0) {
    out.push("", "## Shards", "");
    for (const s of brief.shards) {
      out.push(
        `- ${s.id}: ${s.title}${
          s.description ? ` — ${s.description.trim()}` : ""
        }`,
      );
    }
  }
  out.push("", "## Where to edit", "");
  if (brief.where.length === 0) {
    out.push("- No paths hints: see the relevant code below.");
  }
  for (const w of brief.where) {
    out.push(`- \`${w.path}\` (${w.status}; ${w.scope})`);
  }
  if (brief.interfaces.length > 0) {
    out.push("", "## Interfaces of the files to edit");
    for (const file of brief.interfaces) {
      out.push("", `\`${file.path}\`:`);
      for (const s of file.symbols) {
        out.push(
          `- ${s.signature} (line ${s.line}; ${
            s.used_at ? `used at ${s.used_at}` : "no use indexed"
          })`,
        );
      }
    }
  }
  out.push("", "## Languages and versions", "");
  for (const f of brief.toolchain) out.push(`- ${f.detail} (${f.source})`);
  if (brief.languages.length > 0) {
    out.push(
      `- Files: ${
        brief.languages.map((l) => `${l.language} ${l.files}`).join(", ")
      }`,
    );
  }
  if (brief.conventions.length > 0) {
    out.push("", "## Conventions", "");
    for (const c of brief.conventions) {
      out.push(`- ${c.topic}: ${c.detail} (${c.source})`);
    }
  }
  const c = brief.constraints;
  out.push("", "## Style and constraints", "");
  if (c.style) out.push(`- Style: ${c.style}`);
  if (c.language) out.push(`- Language: ${c.language}`);
  out.push(
    c.forbidden_paths.length > 0
      ? `- Never touch: ${c.forbidden_paths.map((p) => `\`${p}\``).join(", ")}`
      : "- No forbidden paths.",
  );
  if (c.timebox_ms !== null) {
    out.push(
      `- Timebox: ${Math.round(c.timebox_ms / 60000)} min (${c.timebox_ms} ms)`,
    );
  }
  if (c.permissions !== null) {
    out.push(`- Permissions: \`${JSON.stringify(c.permissions)}\``);
  }
  out.push("", "## Commands", "");
  if (brief.commands.length === 0) out.push("- None.");
  for (const cmd of brief.commands) {
    out.push(`- ${cmd.name} (${cmd.scope}): \`${cmd.run}\``);
  }
  out.push("", "## Acceptance", "");
  if (brief.acceptance.length === 0) out.push("- None.");
  for (const a of brief.acceptance) {
    out.push(`- ${a.check} — judged: ${a.judged} (${a.scope})`);
  }
  out.push("", "## Dependencies", "");
  if (brief.dependencies.length === 0) out.push("- None.");
  for (const d of brief.dependencies) {
    out.push(
      `- ${d.id}${d.title ? ` (${d.title})` : ""}: ${d.state}${
        d.reason ? ` — ${d.reason}` : ""
      }${d.run ? ` [run ${d.run}]` : ""}`,
    );
  }
  out.push("", "## Relevant code", "");
  if (brief.code.length === 0) out.push("- Nothing found in the index.");
  for (const file of brief.code) {
    // The strongest reasons; the JSON keeps them all.
    const reasons = file.reasons.slice(0, 4).join("; ") +
      (file.reasons.length > 4 ? `; +${file.reasons.length - 4} more` : "");
    out.push(`### ${file.path} (${reasons})`, "");
    if (file.symbols.length > 0) {
      out.push(
        file.symbols.map((s) =>
          s.kind === "impl"
            ? `impl ${
              s.container ? `${s.container} for ` : ""
            }${s.name}:${s.line}`
            : `${s.kind} ${
              s.container ? `${s.container}.` : ""
            }${s.name}:${s.line}`
        )
          .join(", "),
      );
    }
    for (const e of file.excerpts) {
      out.push("", `Lines ${e.start}-${e.end} (${e.why}):`, ...fence(e.text));
    }
    if (file.calls.length > 0) {
      out.push(
        "",
        `Calls: ${
          file.calls.map((c) => `${c.name} (${c.path}:${c.line})`).join(", ")
        }`,
      );
    }
    out.push("");
  }
  const k = brief.tokens;
  out.push(
    `Tokens: ~${k.estimate} of ${k.budget} (${k.method})${
      k.omitted > 0
        ? `; ${k.omitted} relevant file(s) left out for the budget`
        : ""
    }.`,
  );
  // File names and excerpts come from the project: whoever reads the brief
  // (a terminal, an agent) gets no control characters but line breaks and tabs.
  return safeBlock(out.join("\n")) + "\n";
}

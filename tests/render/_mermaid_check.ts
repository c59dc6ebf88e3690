/**
 * A structural check of the Mermaid this project writes (flowchart and
 * Gantt): every line must be one of the statement forms the renderers
 * use, labels may hold only plain characters, entities (`#60;`) and our
 * own `<br/>`, and every id used must be declared. It proves no plan
 * text escapes its label, without a browser; that Mermaid itself draws
 * the charts is proved in `browser_test.ts` (Mermaid needs a DOM, and
 * its parser package covers neither flowcharts nor Gantt charts).
 * @module
 */

const LABEL = /^(?:[\p{L}\p{N} _.,:/()+=-]|#\d+;|<br\/>)*$/u;

/** Problems found in flowchart text (empty: none). */
export function checkFlowchart(text: string): string[] {
  const problems: string[] = [];
  const lines = text.replace(/\n$/, "").split("\n");
  if (lines[0] !== "flowchart LR") problems.push(`header: ${lines[0]}`);
  const nodes = new Set<string>();
  let edges = 0;
  for (const line of lines.slice(1)) {
    let m: RegExpMatchArray | null;
    if (
      (m = line.match(
        /^ {2}(n\d+)(?:\["([^"]*)"\]|\{\{"([^"]*)"\}\}|\[\["([^"]*)"\]\])$/,
      ))
    ) {
      if (nodes.has(m[1]!)) problems.push(`node twice: ${line}`);
      nodes.add(m[1]!);
      const label = m[2] ?? m[3] ?? m[4]!;
      if (!LABEL.test(label)) problems.push(`label: ${line}`);
    } else if ((m = line.match(/^ {2}(n\d+) --> (n\d+)$/))) {
      if (!nodes.has(m[1]!) || !nodes.has(m[2]!)) {
        problems.push(`edge to an undeclared node: ${line}`);
      }
      edges++;
    } else if (
      (m = line.match(/^ {2}classDef [a-z_]+ (?:[a-z-]+:#[0-9a-f]{6},?)+$/))
    ) {
      // A class of colours only.
    } else if ((m = line.match(/^ {2}class ((?:n\d+,)*n\d+) [a-z_]+$/))) {
      for (const id of m[1]!.split(",")) {
        if (!nodes.has(id)) {
          problems.push(`class of an undeclared node: ${line}`);
        }
      }
    } else if (
      (m = line.match(
        /^ {2}style (n\d+) stroke:#[0-9a-f]{6},stroke-width:\d+px$/,
      ))
    ) {
      if (!nodes.has(m[1]!)) {
        problems.push(`style of an undeclared node: ${line}`);
      }
    } else if (
      (m = line.match(
        /^ {2}linkStyle ((?:\d+,)*\d+) stroke:#[0-9a-f]{6},stroke-width:\d+px$/,
      ))
    ) {
      for (const i of m[1]!.split(",")) {
        if (Number(i) >= edges) {
          problems.push(`linkStyle past the edges: ${line}`);
        }
      }
    } else problems.push(`unknown line: ${JSON.stringify(line)}`);
  }
  return problems;
}

/** Problems found in Gantt text (empty: none). */
export function checkGantt(text: string): string[] {
  const problems: string[] = [];
  const lines = text.replace(/\n$/, "").split("\n");
  const head = lines.slice(0, 5);
  if (
    head[0] !== "gantt" || !/^ {2}title Run (?:[\p{L}\p{N} _.,/()+=-]|#\d+;)*$/u
      .test(head[1] ?? "") ||
    head[2] !== "  dateFormat x" ||
    head[3] !== "  axisFormat %H:%M:%S" || head[4] !== "  section Tasks"
  ) problems.push(`header: ${head.join(" | ")}`);
  lines.slice(5).forEach((line, i) => {
    const m = line.match(
      /^ {2}(\d+)\. ((?:[\p{L}\p{N} _.,/()+=-]|#\d+;)+) :((?:crit, )?(?:done, )?)t(\d+), (\d+), (\d+)$/u,
    );
    if (m === null) problems.push(`bar: ${JSON.stringify(line)}`);
    else if (
      Number(m[1]) !== i + 1 || Number(m[4]) !== i ||
      Number(m[6]) <= Number(m[5])
    ) problems.push(`bar numbering or times: ${line}`);
  });
  return problems;
}

/**
 * A strict check of the SVG and HTML this project writes: every tag is
 * one of an allowed list, written `<name attr="value" …>` with values
 * free of `"`, `<` and `>`, void and self-closed tags aside every tag is
 * closed in order, and `&` only starts an entity. A plan text that broke
 * out of its escaping would add a tag, an attribute or a stray `<`.
 * @module
 */

const VOID = new Set(["meta", "br", "hr", "img", "link", "!doctype"]);

/** Problems found (empty: none). */
export function checkMarkup(
  text: string,
  allowed: readonly string[],
): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const tags = text.matchAll(/<[^>]*>?/g);
  for (const m of tags) {
    const tag = m[0];
    const parts = tag.match(
      /^<(\/?)(!doctype|[a-z][a-z0-9]*)((?:\s+[a-z][a-z0-9:-]*(?:="[^"<>]*")?)*)\s*(\/?)>$/i,
    );
    if (parts === null) {
      problems.push(`malformed tag at ${m.index}: ${tag.slice(0, 80)}`);
      continue;
    }
    const [, close, rawName, , self] = parts;
    const name = rawName!.toLowerCase();
    if (!allowed.includes(name) && !VOID.has(name)) {
      problems.push(`tag not allowed: ${tag.slice(0, 80)}`);
    }
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!self && !VOID.has(name)) stack.push(name);
  }
  if (stack.length > 0) problems.push(`not closed: ${stack.join(", ")}`);
  const bad = text.replace(/<[^>]*>/g, "").match(
    /&(?!(?:amp|lt|gt|quot|#\d+);)/,
  );
  if (bad) problems.push(`a bare & at ${bad.index}`);
  return problems;
}

/** The contents of every `<name>` element that holds text only, entities decoded. */
export function textsOf(markup: string, name: string): string[] {
  return [
    ...markup.matchAll(new RegExp(`<${name}\\b[^>]*>([^<]*)</${name}>`, "g")),
  ]
    .map((m) => decode(m[1]!));
}

/** Decodes the entities {@link checkMarkup} allows. */
export function decode(s: string): string {
  return s.replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

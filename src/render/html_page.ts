/**
 * One self-contained HTML page around rendered parts (SVG pictures,
 * tables): UTF-8, a style sheet of its own, and a content security
 * policy that forbids every fetch and every script, so the page loads
 * nothing from anywhere and a title that got past escaping still could
 * not run.
 * @module
 */

import { xmlText } from "./xml_text.ts";

/** The page's policy: inline styles and data: images only. */
export const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body { font-family: sans-serif; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; }
td, th { border: 1px solid #cccccc; padding: 3px 8px; text-align: left; vertical-align: top; }
code { font-family: monospace; background: #f3f3f3; padding: 0 3px; white-space: pre-wrap; word-break: break-all; }
.picture { overflow: auto; border: 1px solid #dddddd; max-height: 80vh; }
.state-completed { background: #c6efce; } .state-failed { background: #f8b4b4; }
.state-blocked { background: #ffe5b4; } .state-skipped { background: #e0e0e0; }
.state-interrupted { background: #e2d4f0; } .state-in_progress { background: #cfe2ff; }
.failed { color: #b00000; font-weight: bold; }
`;

/**
 * A whole HTML document: `title` is plain text (escaped here), `body`
 * is markup already escaped by its renderer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { htmlPage } from "./html_page.ts";
 * const page = htmlPage("<x>", "<p>hi</p>");
 * assert.match(page, /^<!doctype html>/);
 * assert.match(page, /<title>&lt;x&gt;<\/title>/);
 * ```
 */
export function htmlPage(title: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${PAGE_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${xmlText(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    body.trimEnd(),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

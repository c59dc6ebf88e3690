/**
 * Headless Chromium for the browser tests: Debian's `chromium`, started
 * once per page with a fresh profile, its console read from its log on
 * stderr (`--enable-logging=stderr`: every console message of the page
 * is a `:CONSOLE…]` line there, errors and CSP refusals included).
 * @module
 */

/** Whether `chromium` runs here (the browser tests skip without it). */
export const CHROMIUM: boolean = await (async () => {
  try {
    const { success } = await new Deno.Command("chromium", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
})();

/** How a page is opened. */
export interface OpenOptions {
  /** Write a screenshot of the viewport here. */
  screenshot?: string;
  /**
   * Print the DOM after the page settled (and its scripts ran); also the
   * default without a screenshot, as headless Chromium given nothing to
   * do keeps running.
   */
  dumpDom?: boolean;
  width?: number;
  height?: number;
  /** Virtual time the page's scripts get before the dump or screenshot. */
  budgetMs?: number;
}

/** What the page did. */
export interface PageResult {
  /** The page's console messages (`"text", source: url (line)`). */
  console: string[];
  /** The DOM, with `dumpDom`. */
  dom: string;
  stderr: string;
}

/** Opens `url` in headless Chromium and waits for it to finish. */
export async function openPage(
  url: string,
  options: OpenOptions = {},
): Promise<PageResult> {
  const profile = await Deno.makeTempDir({ prefix: "orchestrate-chromium-" });
  try {
    const args = [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      `--user-data-dir=${profile}`,
      "--enable-logging=stderr",
      "--v=0",
      "--allow-file-access-from-files",
      `--window-size=${options.width ?? 1280},${options.height ?? 1600}`,
      ...(options.budgetMs
        ? [`--virtual-time-budget=${options.budgetMs}`]
        : []),
      ...(options.screenshot ? [`--screenshot=${options.screenshot}`] : []),
      ...(options.dumpDom || !options.screenshot ? ["--dump-dom"] : []),
      url,
    ];
    const out = await new Deno.Command("chromium", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      // A bound for a hung browser, not a speed check.
      signal: AbortSignal.timeout(180_000),
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success) {
      throw new Error(`chromium exited ${out.code}:\n${stderr}`);
    }
    return {
      console: [...stderr.matchAll(/:CONSOLE[^\]]*\] (.*)/g)].map((m) => m[1]!),
      dom: new TextDecoder().decode(out.stdout),
      stderr,
    };
  } finally {
    await Deno.remove(profile, { recursive: true });
  }
}

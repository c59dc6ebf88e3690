/**
 * Helpers for tests of stopping commands: is a pid alive, wait for it to go,
 * wait for a command to print its first line.
 * @module
 */

/** Whether `pid` is a live process (a zombie is not); /proc is read through `sh`, as Deno needs --allow-all for it. */
export async function alive(pid: number): Promise<boolean> {
  const out = await new Deno.Command("sh", {
    args: ["-c", 'cat "/proc/$1/stat" 2>/dev/null', "sh", String(pid)],
    stdout: "piped",
  }).output();
  const stat = new TextDecoder().decode(out.stdout);
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
}

/** Waits (bounded) until `pid` is gone: a killed orphan is reaped by init, not by us. */
export async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && await alive(pid); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return !(await alive(pid));
}

/** The first line of `path` once it has one (the command printed a pid). */
export async function firstLine(path: string): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const text = await Deno.readTextFile(path).catch(() => "");
    if (text.includes("\n")) return text.split("\n")[0]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${path}: no line after 20 s`);
}

/** Resolves to `p`'s value, or rejects when it takes longer than `ms` (a hang). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) =>
      timer = setTimeout(
        () => reject(new Error(`${what}: still waiting after ${ms} ms`)),
        ms,
      )
    ),
  ]);
}

/**
 * The environment a task's processes get: the orchestrator's own, minus
 * every secret variable the task does not name, or, when the plan or the
 * run lists variables, only those plus a small base that every tool needs
 * (PATH, HOME, locale, temp dir). A variable is secret by its name or by
 * its value (a known token format), whatever its prefix: orchestrate's own
 * variables for a task (`ORCHESTRATE_RUN_ID`, ...) are added by
 * orchestrate, never inherited through a prefix.
 * @module
 */

/**
 * Words that mark a variable as a secret when they are a whole `_`-separated
 * part of its name (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`,
 * `SSH_AUTH_SOCK`), or its last part `PAT` (`GH_PAT`).
 */
const SECRET_WORDS = new Set([
  "TOKEN",
  "TOKENS",
  "SECRET",
  "SECRETS",
  "KEY",
  "KEYS",
  "APIKEY",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "CREDENTIAL",
  "CREDENTIALS",
  "CREDS",
  "AUTH",
  "COOKIE",
]);

/** Parts of words that mark a secret wherever they stand (`GITHUBTOKEN`, `MYSQL_PWD`-like glued names). */
const SECRET_INSIDE = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|APIKEY|API_KEY/;

/**
 * Whether a variable name looks like it holds a secret: TOKEN, SECRET, KEY,
 * PASSWORD, CREDENTIAL, AUTH as a part of the name, `*_PAT`, or a cloud
 * provider's key (`AWS_ACCESS_KEY_ID`, `AZURE_CLIENT_SECRET`,
 * `GOOGLE_APPLICATION_CREDENTIALS`). Case does not matter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSecretName } from "./permissions_env.ts";
 * assert.ok(isSecretName("GITHUB_TOKEN"));
 * assert.ok(isSecretName("GH_PAT"));
 * assert.ok(isSecretName("AWS_ACCESS_KEY_ID"));
 * assert.ok(!isSecretName("GIT_AUTHOR_NAME"));
 * assert.ok(!isSecretName("KEYBOARD_LAYOUT"));
 * ```
 */
export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  if (SECRET_INSIDE.test(upper)) return true;
  const parts = upper.split("_");
  return parts.some((p) => SECRET_WORDS.has(p)) || parts.at(-1) === "PAT";
}

/**
 * Values that are secrets whatever their variable is called: the token
 * formats of the big forges, clouds and APIs, and private keys.
 */
const SECRET_VALUE =
  /^(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{40,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|(AKIA|ASIA)[0-9A-Z]{16}|sk-[\w-]{20,}|npm_[A-Za-z0-9]{30,}|AIza[\w-]{35})$|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/**
 * Whether a value is a secret by its form alone: a known token format
 * (`ghp_…`, `github_pat_…`, `glpat-…`, `xoxb-…`, `AKIA…`, `sk-…`, `npm_…`,
 * `AIza…`) or a private key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSecretValue } from "./permissions_env.ts";
 * assert.ok(isSecretValue("ghp_0123456789abcdefghijklmnopqrstuvwxyz"));
 * assert.ok(!isSecretValue("/usr/bin:/bin"));
 * ```
 */
export function isSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

/**
 * Whether a variable is a secret: by its name (see {@link isSecretName}) or,
 * when given, by its value (see {@link isSecretValue}). No prefix exempts a
 * name.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isSecretVariable } from "./permissions_env.ts";
 * assert.ok(isSecretVariable("ORCHESTRATE_TOKEN"));
 * assert.ok(isSecretVariable("UPLOAD", "AKIAIOSFODNN7EXAMPLE"));
 * assert.ok(!isSecretVariable("ORCHESTRATE_DEBUG", "1"));
 * ```
 */
export function isSecretVariable(name: string, value?: string): boolean {
  return isSecretName(name) || (value !== undefined && isSecretValue(value));
}

/**
 * Variables every child gets (when the orchestrator has them), whatever the
 * task lists: without them tools cannot find programs, a home or a locale.
 */
const BASE_NAMES = new Set([
  "PATH",
  "HOME",
  "LANG",
  "LANGUAGE",
  "TZ",
  "TERM",
  "TMPDIR",
  // Windows: processes cannot start, or find their profile, without these.
  "SYSTEMROOT",
  "SYSTEMDRIVE",
  "WINDIR",
  "COMSPEC",
  "PATHEXT",
  "TEMP",
  "TMP",
  "USERPROFILE",
  "APPDATA",
  "LOCALAPPDATA",
]);

/**
 * Whether `name` is in the base every child gets: PATH, HOME, LANG,
 * LANGUAGE, `LC_*`, TZ, TERM, TMPDIR (and the few Windows needs to start a
 * process). No prefix is let through: `ORCHESTRATE_TOKEN` is a secret like
 * any other.
 *
 * @example
 * ```ts
 * import { isBaseName } from "./permissions_env.ts";
 * isBaseName("LC_ALL"); // true
 * isBaseName("CARGO_HOME"); // false
 * ```
 */
export function isBaseName(name: string): boolean {
  const upper = Deno.build.os === "windows" ? name.toUpperCase() : name;
  return BASE_NAMES.has(upper) ||
    (upper.startsWith("LC_") && !isSecretName(upper));
}

/**
 * Whether a list of names (`true`: all) allows variable `name`. A pattern
 * `PREFIX_*` allows the names it starts, but never a secret one: a secret
 * passes only when named exactly.
 *
 * @example
 * ```ts
 * import { envListAllows } from "./permissions_env.ts";
 * envListAllows(["CARGO_*"], "CARGO_HOME"); // true
 * envListAllows(["CARGO_*"], "CARGO_REGISTRY_TOKEN"); // false
 * envListAllows(["CARGO_REGISTRY_TOKEN"], "CARGO_REGISTRY_TOKEN"); // true
 * envListAllows(true, "UPLOAD_URL", "ghp_0123456789abcdefghijklmnopqrstuvwxyz"); // false
 * ```
 */
export function envListAllows(
  list: true | readonly string[],
  name: string,
  value?: string,
): boolean {
  const secret = isSecretVariable(name, value);
  if (list === true) return !secret;
  for (const entry of list) {
    if (entry === name) return true;
    if (
      entry.endsWith("*") && name.startsWith(entry.slice(0, -1)) && !secret
    ) return true;
  }
  return false;
}

/**
 * The environment of a child: each variable of `from` that is in the base
 * or that every list in `lists` allows (see {@link envListAllows}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childEnv } from "./permissions_env.ts";
 * const from = { PATH: "/bin", NPM_TOKEN: "t0ken", EDITOR: "vi" };
 * assert.deepEqual(childEnv(from, [true]), { PATH: "/bin", EDITOR: "vi" });
 * assert.deepEqual(childEnv(from, [["NPM_TOKEN"]]), { PATH: "/bin", NPM_TOKEN: "t0ken" });
 * ```
 */
export function childEnv(
  from: Readonly<Record<string, string>>,
  lists: readonly (true | readonly string[])[],
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (
      isBaseName(name) || lists.every((l) => envListAllows(l, name, value))
    ) {
      env[name] = value;
    }
  }
  return env;
}

/**
 * The orchestrator's own environment, as far as it may read it: all of it
 * under `--allow-env`, else only the variables it was granted one by one
 * (so `deno run --allow-env=PATH,HOME ...` still works).
 */
export function ownEnv(): Record<string, string> {
  if (Deno.permissions.querySync({ name: "env" }).state === "granted") {
    return Deno.env.toObject();
  }
  const env: Record<string, string> = {};
  for (const name of [...BASE_NAMES, "USER", "LOGNAME", "SHELL"]) {
    const state = Deno.permissions.querySync({ name: "env", variable: name });
    const value = state.state === "granted" ? Deno.env.get(name) : undefined;
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/**
 * A plan's definition hashes kept from one run to the next: computing them
 * (every task's IR as JSON, hashed with its dependencies') costs ~10 ms of
 * a 1,000-task no-op re-run. Approvals bind to these hashes, so a kept copy
 * must be exactly what this plan gives: it is keyed by the sha-256 of the
 * IR it was computed from (the plan's hash as loaded) and sealed with an
 * HMAC under this user's approvals key, as approvals themselves are. One
 * written by anything else, for another IR, or by another version is not
 * used. Kept in `.codex/cache/definitions.json`; derived data: deleting it
 * costs one computation.
 * @module
 */

import config from "../../deno.json" with { type: "json" };
import { join } from "../fs/path.ts";
import { STATE_DIR } from "../fs/state_dir.ts";
import { writeFileAtomic } from "../fs/write_atomic.ts";
import { readRegularText } from "../fs/regular_file.ts";
import type { Plan } from "../plan/ir.ts";
import { approvalsKey } from "../events/approval_seal.ts";
import { controlFolder } from "../events/control_entry.ts";
import { equalInConstantTime } from "../text/sha256.ts";
import { definitionHashes } from "./fingerprint.ts";
import { fastHash } from "../plan/fast_hash.ts";

/** Where the hashes are kept, relative to the project root. */
export const DEFINITIONS_FILE = `${STATE_DIR}/cache/definitions.json`;

/** What the seal says it covers: the approvals key seals other records too. */
const LABEL = "orchestrate definition hashes";
/** Bump when {@link definitionHashes} changes how it combines a task's parts. */
const FORMAT = 1;
/** The hash function's answer for a fixed text: a new hash function makes every kept copy stale. */
const CANARY = fastHash(`${LABEL} ${FORMAT}`);
/** Far above any plan's (1,000 tasks: ~45 kB). */
const MAX_BYTES = 64 * 1024 * 1024;

interface Kept {
  format: number;
  canary: string;
  tool: string;
  /** The sha-256 of the IR they are the hashes of. */
  plan: string;
  hashes: Record<string, string>;
}

/**
 * The definition hashes of `plan` (see {@link definitionHashes}), read from
 * `root`'s kept copy when it is sealed by this user for the IR whose
 * sha-256 is `planHash`; otherwise computed, and `save` keeps them (call
 * it once `.codex/` exists, under the run's lock).
 *
 * @param planHash The sha-256 of `plan`'s IR as JSON (`LoadedPlan.hash`),
 *   or null when it is not known (then nothing is read or kept).
 *
 * @example
 * ```ts ignore
 * const { hashes, save } = await keptDefinitionHashes(root, plan, loaded.hash);
 * // ... the run ...
 * await save();
 * ```
 */
export async function keptDefinitionHashes(
  root: string,
  plan: Plan,
  planHash: string | null,
): Promise<{ hashes: Record<string, string>; save: () => Promise<void> }> {
  const none = async () => {};
  if (planHash === null) return { hashes: definitionHashes(plan), save: none };
  const key = await sealKey(false);
  const path = join(root, DEFINITIONS_FILE);
  if (key !== null) {
    const kept = await readKept(path, key, planHash, plan);
    if (kept !== null) return { hashes: kept, save: none };
  }
  const hashes = definitionHashes(plan);
  const save = async () => {
    try {
      const sealing = key ?? await sealKey(true);
      if (sealing === null) return;
      const body = JSON.stringify(
        {
          format: FORMAT,
          canary: CANARY,
          tool: config.version,
          plan: planHash,
          hashes,
        } satisfies Kept,
      );
      // A real folder: never written through a planted link.
      await controlFolder(join(root, STATE_DIR, "cache"));
      writeFileAtomic(path, `${await seal(sealing, body)}\n${body}`);
    } catch {
      // No state folder, a read-only or full disk: computed again next time.
    }
  };
  return { hashes, save };
}

/** The kept hashes at `path` when sealed under `key` for this IR and its tasks; else null. */
async function readKept(
  path: string,
  key: CryptoKey,
  planHash: string,
  plan: Plan,
): Promise<Record<string, string> | null> {
  try {
    const text = await readRegularText(path, MAX_BYTES);
    const newline = text.indexOf("\n");
    if (newline < 0) return null;
    const body = text.slice(newline + 1);
    const want = new TextEncoder().encode(await seal(key, body));
    const got = new TextEncoder().encode(text.slice(0, newline));
    if (!equalInConstantTime(want, got)) return null;
    const kept = JSON.parse(body) as Kept;
    if (
      kept.format !== FORMAT || kept.canary !== CANARY ||
      kept.tool !== config.version ||
      kept.plan !== planHash || typeof kept.hashes !== "object" ||
      kept.hashes === null
    ) return null;
    // Every task's, and only theirs (a sealed copy of this IR has them all),
    // keyed in plan order on an object without a prototype, as computed.
    if (Object.keys(kept.hashes).length !== plan.tasks.length) return null;
    const hashes: Record<string, string> = Object.create(null);
    for (const task of plan.tasks) {
      const hash = Object.hasOwn(kept.hashes, task.id)
        ? kept.hashes[task.id]
        : undefined;
      if (typeof hash !== "string") return null;
      hashes[task.id] = hash;
    }
    return hashes;
  } catch {
    return null; // Absent, unreadable or not ours: computed again.
  }
}

/** The approvals key as an HMAC key, or null when there is none (or it cannot be made). */
async function sealKey(create: boolean): Promise<CryptoKey | null> {
  let raw: Uint8Array | null;
  try {
    raw = approvalsKey(create);
  } catch {
    return null;
  }
  if (raw === null) return null;
  return await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/** Hex HMAC of the label and `body` (native: the body of 1,000 tasks is ~45 kB). */
async function seal(key: CryptoKey, body: string): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      key,
      new TextEncoder().encode(`${LABEL}\n${body}`),
    ),
  );
  return Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("");
}

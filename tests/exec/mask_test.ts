import assert from "node:assert/strict";
import {
  maskText,
  runSecrets,
  StreamMask,
  unmaskedWarning,
} from "../../src/exec/mask.ts";

const enc = new TextEncoder(), dec = new TextDecoder();

/** Feeds `text` to a fresh mask in the given chunk sizes and returns what it wrote. */
function streamed(text: string, secrets: string[], sizes: number[]): string {
  const mask = new StreamMask(secrets);
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  let at = 0, i = 0;
  while (at < bytes.length) {
    const n = sizes[i++ % sizes.length]!;
    out.push(mask.push(bytes.subarray(at, at + n)));
    at += n;
  }
  out.push(mask.flush());
  const all = new Uint8Array(out.reduce((n, b) => n + b.length, 0));
  out.reduce((at, b) => (all.set(b, at), at + b.length), 0);
  return dec.decode(all);
}

Deno.test("StreamMask: a secret is masked wherever the chunks split it, and nothing else changes", () => {
  const secrets = ["tok-12345", "tok-123456789", "zzzz"];
  const text =
    "a tok-12345 b tok-123456789 c tok-1234 d zzzzz tok-12345tok-12345 é end tok-123";
  const whole = maskText(text, secrets);
  assert.equal(
    whole,
    "a *** b *** c tok-1234 d ***z ****** é end tok-123",
  );
  for (const sizes of [[1], [2], [3], [5, 1], [7, 2, 1], [1000]]) {
    assert.equal(streamed(text, secrets, sizes), whole, String(sizes));
  }
});

Deno.test("StreamMask: output that cannot start a secret is passed on at once", () => {
  const mask = new StreamMask(["secret-x"]);
  assert.equal(
    dec.decode(mask.push(enc.encode("plain line\n"))),
    "plain line\n",
  );
  assert.equal(dec.decode(mask.push(enc.encode("ends in sec"))), "ends in ");
  assert.equal(dec.decode(mask.push(enc.encode("ond\n"))), "second\n");
});

Deno.test("maskText: short values are not masked", () => {
  assert.equal(maskText("on and on", ["on"]), "on and on");
  assert.equal(maskText("got abcd1234", ["abcd1234"]), "got ***");
});

Deno.test("runSecrets: every secret of the environment, by name or value; weak values reported by name", () => {
  const token = "ghp_" + "0123456789abcdefghijklmnopqrstuvwxyz";
  const s = runSecrets({
    PATH: "/bin",
    GH_TOKEN: "long-enough-1",
    ORCHESTRATE_TOKEN: "orch-secret-2",
    UPLOAD: token,
    SHORT_KEY: "abc",
    COMMON_SECRET: "Localhost",
    PIN_PASSWORD: "123456",
    ID_TOKEN: "deploy-prod",
    EMPTY_TOKEN: "",
    EDITOR: "long-but-not-secret",
  }, ["deploy-prod"]);
  assert.deepEqual(s.values, [token, "long-enough-1", "orch-secret-2"]);
  assert.deepEqual(s.unmasked, [
    { name: "SHORT_KEY", why: "it is shorter than 6 characters" },
    { name: "COMMON_SECRET", why: "it is a common word" },
    { name: "PIN_PASSWORD", why: "it is a short number" },
    {
      name: "ID_TOKEN",
      why: "it is also the name of a task, shard, command or gate of the plan",
    },
  ]);
  const warning = unmaskedWarning(s.unmasked[0]!);
  assert.match(warning, /SHORT_KEY/);
  assert.ok(!warning.includes("abc"));
});

Deno.test("StreamMask: any bytes, multibyte secrets, any chunking: the same as a byte-by-byte reference", () => {
  const secrets = ["geheim-ü-wert", "tok\u0080\u009f-42", "abcdabce"];
  const bytes = secrets.map((s) => enc.encode(s));
  /** The reference: at each byte, the longest secret that starts there. */
  const reference = (input: Uint8Array): number[] => {
    const out: number[] = [];
    const sorted = [...bytes].sort((a, b) => b.length - a.length);
    for (let i = 0; i < input.length;) {
      const hit = sorted.find((s) => s.every((b, j) => input[i + j] === b));
      if (hit) {
        out.push(...enc.encode("***"));
        i += hit.length;
      } else out.push(input[i++]!);
    }
    return out;
  };
  let seed = 7;
  const random = (n: number) =>
    (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < 200; round++) {
    const parts: number[] = [];
    while (parts.length < 300) {
      if (random(5) === 0) parts.push(...bytes[random(bytes.length)]!);
      else if (random(7) === 0) {
        parts.push(...bytes[random(bytes.length)]!.slice(0, 5));
      } else parts.push(random(256));
    }
    const input = new Uint8Array(parts);
    const mask = new StreamMask(secrets);
    const out: number[] = [];
    for (let at = 0; at < input.length;) {
      const n = 1 + random(40);
      out.push(...mask.push(input.subarray(at, at + n)));
      at += n;
    }
    out.push(...mask.flush());
    assert.deepEqual(out, reference(input), `round ${round}`);
  }
});

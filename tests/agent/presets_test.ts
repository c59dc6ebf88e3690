import assert from "node:assert/strict";
import { join } from "node:path";
import { cli, tempDir } from "../_cli.ts";
import { gitProject, ofType, runEvents } from "./_agent_project.ts";

const BOUND = { killAfterMs: 60_000 };

/** A folder with one fake agent executable `name` (a shell script) on PATH. */
async function fakeBin(name: string, script: string): Promise<string> {
  const bin = await tempDir();
  await Deno.writeTextFile(join(bin, name), `#!/bin/sh\n${script}`);
  await Deno.chmod(join(bin, name), 0o755);
  return bin;
}

function presetPlan(preset: string): string {
  return `version: 1
orchestrator:
  agent: { preset: ${preset}, attempts: 1 }
tasks:
  - id: FIX-1
    title: Say hello
    commands: {}
    acceptance:
      - "Contains: hello"
    paths: [greet.txt]
    agent: true
`;
}

async function runWith(preset: string, script: string) {
  const dir = await gitProject({
    "orchestrator.yml": presetPlan(preset),
    "greet.txt": "hi\n",
  });
  const bin = await fakeBin(preset, script);
  const side = await tempDir();
  const run = await cli(["run"], {
    cwd: dir,
    env: { PATH: `${bin}:${Deno.env.get("PATH")}`, SIDE: side },
    ...BOUND,
  });
  return { dir, side, run, events: await runEvents(dir) };
}

Deno.test("preset claude: runs claude -p --output-format json with the brief on stdin and records session, turns and cost", async () => {
  const { side, run, events } = await runWith(
    "claude",
    `echo "$@" > "$SIDE/args"; cat > "$SIDE/stdin"
echo 'hello' > greet.txt
echo '{"type":"result","subtype":"success","is_error":false,"duration_ms":1200,"num_turns":4,"result":"Done.","session_id":"sess-42","total_cost_usd":0.0123,"permission_denials":[]}'
`,
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const args = await Deno.readTextFile(join(side, "args"));
  assert.match(args, /^-p --output-format json --permission-mode acceptEdits/);
  assert.match(
    await Deno.readTextFile(join(side, "stdin")),
    /^# Task FIX-1: Say hello/,
  );
  const [finished] = ofType(events, "agent_finished");
  assert.equal(finished!.session_id, "sess-42");
  assert.equal(finished!.turns, 4);
  assert.equal(finished!.cost_usd, 0.0123);
  assert.equal(finished!.reported_error, null);
});

Deno.test("preset claude: exit 0 with is_error or denied tools is a failed attempt", async () => {
  const { run, events } = await runWith(
    "claude",
    `cat > /dev/null; echo 'hello' > greet.txt
echo '{"type":"result","subtype":"success","is_error":false,"num_turns":2,"session_id":"s","total_cost_usd":0.01,"permission_denials":[{"tool_name":"Bash","tool_use_id":"t","tool_input":{}}]}'
`,
  );
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const [failure] = ofType(events, "agent_attempt_failed");
  assert.equal(failure!.reason, "agent_failed");
  assert.match(failure!.detail, /exited 0 and reported: 1 tool use was denied/);
});

Deno.test("preset codex: codex exec --json --sandbox workspace-write - ; thread id and turns from its JSONL, turn.failed fails", async () => {
  const ok = await runWith(
    "codex",
    `echo "$@" > "$SIDE/args"; cat > "$SIDE/stdin"
echo 'hello' > greet.txt
echo '{"type":"thread.started","thread_id":"th_1"}'
echo '{"type":"turn.started"}'
echo '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}'
`,
  );
  assert.equal(ok.run.code, 0, ok.run.stdout + ok.run.stderr);
  assert.equal(
    (await Deno.readTextFile(join(ok.side, "args"))).trim(),
    "exec --json --sandbox workspace-write -",
  );
  assert.match(
    await Deno.readTextFile(join(ok.side, "stdin")),
    /^# Task FIX-1/,
  );
  const [finished] = ofType(ok.events, "agent_finished");
  assert.equal(finished!.session_id, "th_1");
  assert.equal(finished!.turns, 1);
  assert.equal(finished!.cost_usd, null);

  const bad = await runWith(
    "codex",
    `cat > /dev/null; echo 'hello' > greet.txt
echo '{"type":"thread.started","thread_id":"th_2"}'
echo '{"type":"turn.failed","error":{"message":"stream disconnected"}}'
`,
  );
  assert.equal(bad.run.code, 1);
  assert.match(
    ofType(bad.events, "agent_attempt_failed")[0]!.detail,
    /stream disconnected/,
  );
});

Deno.test("preset aider: --message-file with the brief, --yes, no commits; its exit 0 does not pass failing checks", async () => {
  const { side, run, events } = await runWith(
    "aider",
    `echo "$@" > "$SIDE/args"; cp "$2" "$SIDE/message"
echo 'hullo' > greet.txt
echo "Tests failed, but aider exits 0"
`,
  );
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const args = (await Deno.readTextFile(join(side, "args"))).trim().split(" ");
  assert.equal(args[0], "--message-file");
  assert.match(args[1]!, /brief\.md$/);
  assert.deepEqual(args.slice(2), [
    "--yes",
    "--no-auto-commits",
    "--no-dirty-commits",
  ]);
  assert.match(await Deno.readTextFile(join(side, "message")), /^# Task FIX-1/);
  const [failure] = ofType(events, "agent_attempt_failed");
  assert.equal(failure!.reason, "checks_failed");
  assert.match(failure!.detail, /Contains: hello/);
});

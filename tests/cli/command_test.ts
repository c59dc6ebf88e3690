import assert from "node:assert/strict";
import {
  defineCommand,
  dispatch,
  type Invocation,
  type OptionValues,
  UsageError,
} from "../../src/cli/command.ts";

/** True when A and B are the same type (cliffy's `IsExact`). */
type IsExact<A, B> = (<T>() => T extends A ? 1 : 2) extends
  (<T>() => T extends B ? 1 : 2) ? true : false;

function assertType<T extends true>(_: T): void {}

const OPTIONS = {
  file: { type: "string", description: "Plan" },
  force: { type: "boolean", description: "Force" },
  jobs: { type: "integer", min: 1, description: "Jobs" },
} as const;

Deno.test("command options are typed from the table: string, number, boolean, each optional", () => {
  assertType<
    IsExact<
      OptionValues<typeof OPTIONS>,
      { file?: string; force?: boolean; jobs?: number }
    >
  >(true);
  defineCommand({
    name: "x",
    summary: "x",
    options: OPTIONS,
    run({ options }) {
      assertType<IsExact<typeof options.jobs, number | undefined>>(true);
      assertType<IsExact<typeof options.file, string | undefined>>(true);
      // @ts-expect-error: not a flag of this command
      options.nope;
      return Promise.resolve(0);
    },
  });
});

Deno.test("dispatch hands an integer flag to the command as a number, and refuses a bad one before running it", async () => {
  const seen: Invocation<typeof OPTIONS>["options"][] = [];
  const command = defineCommand({
    name: "x",
    summary: "x",
    options: OPTIONS,
    run({ options }) {
      seen.push(options);
      return Promise.resolve(0);
    },
  });
  assert.equal(await dispatch(command, ["--jobs", "3", "--force"], "x"), 0);
  assert.deepEqual(seen, [{ jobs: 3, force: true }]);
  for (const bad of ["-2", "0", "x", "2.5", ""]) {
    await assert.rejects(dispatch(command, ["--jobs", bad], "x"), UsageError);
  }
  assert.equal(seen.length, 1);
});

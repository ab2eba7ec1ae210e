// The answers issue 23 found silent or wrong, each now a clear one: exit 2 naming the flag, the value and the choices.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseCommonArgs, UsageError } from "../../../tools/cli/lib/args";
import { synthesize } from "../../../tools/cli/lib/synth";
import { main as synthMain } from "../../../tools/cli/synth";
import { runLocalCli } from "../local/fakes";

describe("CLIs: no silent or wrong answers (issue 23)", () => {
  it("a flag that takes one value, given twice, is refused naming it (--prompt hi --prompt bye)", () => {
    const extra = { prompt: { type: "string" as const, short: "p" } };
    assert.throws(
      () => parseCommonArgs(["--stack", "dev", "--prompt", "hi", "--prompt", "bye"], extra, "bedrock-sfn local ..."),
      (e: Error) => e instanceof UsageError && /^--prompt is given more than once; give it once/.test(e.message),
    );
    assert.throws(() => parseCommonArgs(["--stack", "dev", "-p", "hi", "--prompt=bye"], extra), /--prompt is given more than once/);
    // Repeatable flags stay repeatable.
    assert.deepEqual(parseCommonArgs(["--stack", "dev", "-c", "a=1", "-c", "b=2"], extra).overrides, { "bedrock-sfn:a": "1", "bedrock-sfn:b": "2" });
  });

  it("--runs -1 gets one line, no literal \\n and no second line from Node", () => {
    assert.throws(
      () => parseCommonArgs(["--stack", "dev", "--runs", "-1"], { runs: { type: "string", short: "n" } }, "bedrock-sfn local ..."),
      (e: Error) => {
        const [first] = e.message.split("\n");
        return e instanceof UsageError && !first.includes("\\n") && /--runs/.test(first) && /'--runs=-XYZ'|--runs=-XYZ/.test(first);
      },
    );
  });

  it("--mock-task for a state the definition does not have exits 2 naming the state and the Task states", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-mock-task-"));
    try {
      const file = path.join(dir, "out.json");
      fs.writeFileSync(file, "{}");
      await assert.rejects(
        runLocalCli(["--stack", "dev", "--prompt", "hi", "--mock-task", `Nope=${file}`]),
        (e: Error) => e instanceof UsageError && /^--mock-task 'Nope' names no Task state of the definition; its Task states: \w+/.test(e.message),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("destinationRegions=ap-northeast-1 says it lacks 7 of the 8 and lists those 7, not all 8", async () => {
    await assert.rejects(
      // An apac. profile routes to 8 Regions from ap-northeast-1 (the dev stack's default model is a global profile).
      synthMain(
        ["--stack", "dev", "--config", "bedrock-sfn:modelId=apac.anthropic.claude-sonnet-4-20250514-v1:0", "--config", "bedrock-sfn:destinationRegions=ap-northeast-1"],
        () => undefined,
      ),
      (e: Error) => {
        const listed = /\(missing: ([^)]*)\)/.exec(e.message)?.[1].split(", ") ?? [];
        return /lacks 7 of the 8 catalog Regions/.test(e.message) && listed.length === 7 && !listed.includes("ap-northeast-1");
      },
    );
  });

  it("a definitionFile stack exports no undefined modelFamily (Pulumi warned 'Undefined value (modelFamily) will not show')", async () => {
    const own = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:definitionFile": path.resolve(__dirname, "../local/fixtures/runaway-loop.asl.json") } });
    assert.equal("modelFamily" in own.outputs, false);
    const builtIn = await synthesize({ stack: "dev", overrides: {} });
    assert.equal(builtIn.outputs.modelFamily, "anthropic");
  });
});

// `npm run local` as a user runs it: the stack synthesized under mocks, then one execution against the stand-ins.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runLocalExecution } from "../../../tools/local/clients/local-run";
import { localStackFrom } from "../../../tools/local/clients/local-stack";
import { runLocalCli } from "./fakes";
import { synthesize } from "../../../tools/cli/lib/synth";

describe("npm run local", function () {
  this.timeout(60_000);
  let dir: string;
  let bigPrompt: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "local-cli-"));
    bigPrompt = path.join(dir, "prompt.txt");
    fs.writeFileSync(bigPrompt, "Please summarise these notes.\n".repeat(Math.ceil((1024 * 1024) / 30)).slice(0, 1024 * 1024));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = runLocalCli;

  for (const queryLanguage of ["JSONata", "JSONPath"]) {
    it(`runs a 1 MB prompt file through the S3 path with --json (${queryLanguage})`, async () => {
      const { code, printed } = await run(["--stack", "dev", "--config", `bedrock-sfn:queryLanguage=${queryLanguage}`, "--input-file", bigPrompt, "--json"]);
      assert.equal(code, 0, printed);
      const lines = printed.trim().split("\n");
      assert.equal(lines.length, 1, "exactly one JSON document on stdout");
      const document = JSON.parse(lines[0]);
      assert.equal(document.status, "SUCCEEDED");
      // JSONata: the one Task (the input check is in its Arguments); JSONPath: a Choice first.
      if (queryLanguage === "JSONata") assert.deepEqual(document.states, ["InvokeModel"]);
      else assert.ok(document.states.length >= 2 && document.states[0] === "ValidateInput", JSON.stringify(document.states));
      // The stand-in's reply names the size of the request it received: the whole prompt, not a truncated one.
      const size = Number(/to a (\d+)-byte request/.exec(document.output.text)?.[1]);
      assert.ok(size > 1024 * 1024, `Bedrock received ${size} bytes`);
    });
  }

  it("moves an input over 256 KB to the payload bucket before starting the execution", async () => {
    const stack = localStackFrom(await synthesize({ stack: "dev" }));
    const report = await runLocalExecution(stack, { input: { prompt: fs.readFileSync(bigPrompt, "utf8") }, executionName: "big-one", timeScale: 0.001 });
    assert.equal(report.status, "SUCCEEDED", report.cause);
    assert.equal(report.inputS3Uri, `s3://${stack.payloadBucket}/input/big-one.json`);
    assert.equal(report.bedrockCalls, 1);
    const small = await runLocalExecution(stack, { input: { prompt: "short" }, timeScale: 0.001 });
    assert.equal(small.inputS3Uri, undefined);
  });

  it("prints the states and the answer, and with --output-to-s3 reads the response back from S3", async () => {
    const { code, printed } = await run(["--stack", "dev", "--prompt", "Hello", "--output-to-s3"]);
    assert.equal(code, 0, printed);
    assert.match(printed, /states: InvokeModel\n/);
    assert.match(printed, /SUCCEEDED\n\nLocal stand-in reply/);
    assert.match(printed, /response read back from s3:\/\/.+\/output\/local-.+\.json/);
  });

  it("exits 1 with ValidationError and its cause when the execution input has no request", async () => {
    const file = path.join(dir, "input.json");
    fs.writeFileSync(file, JSON.stringify({ system: "a system prompt alone" }));
    const { code, printed } = await run(["--stack", "dev", "--input-file", file, "--json"]);
    assert.equal(code, 1);
    const document = JSON.parse(printed);
    assert.deepEqual([document.status, document.error], ["FAILED", "ValidationError"]);
    assert.ok(document.cause.length > 0);
  });

  it("rejects bad usage with a UsageError naming the problem", async () => {
    await assert.rejects(run(["--stack", "dev"]), { name: "UsageError", message: /exactly one of --prompt <text> or --input-file <path>/ });
    await assert.rejects(run(["--stack", "dev", "--prompt", "a", "--input-file", bigPrompt]), { name: "UsageError" });
    const notJson = path.join(dir, "broken.json");
    fs.writeFileSync(notJson, "{ prompt: ");
    await assert.rejects(run(["--stack", "dev", "--input-file", notJson]), { name: "UsageError", message: /broken\.json' is not valid JSON/ });
    const extra = path.join(dir, "extra.json");
    fs.writeFileSync(extra, JSON.stringify({ prompt: "x", temperature: 2 }));
    await assert.rejects(run(["--stack", "dev", "--input-file", extra]), {
      name: "UsageError",
      message: /unknown field\(s\) temperature; valid fields: prompt, system, body, inputS3Uri, outputToS3/,
    });
  });
});

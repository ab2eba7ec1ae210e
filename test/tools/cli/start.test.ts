// `npm start`, the offline main job, through its main(): preview, policy results, two local runs.
import * as assert from "node:assert/strict";
import { main } from "../../../tools/cli/start";

describe("npm start", function () {
  this.timeout(120_000);

  it("previews dev, passes the policy pack, and runs the workflow inline and through S3", async () => {
    let out = "";
    // The demo of routing-caused AccessDenied needs a geographic profile: the apac. Sonnet 4 profile from Tokyo (8
    // Regions), since the dev default is now a global profile (docs/models.md).
    const code = await main(["--config", "bedrock-sfn:modelId=apac.anthropic.claude-sonnet-4-20250514-v1:0"], (text) => {
      out += text;
    });
    assert.equal(code, 0, out);
    assert.match(out, /1\. Preview of stack 'dev'/);
    assert.match(out, /Routed:\s+8 Regions: ap-northeast-1,/);
    // Sonnet 4 is Legacy on Bedrock: the pack's lifecycle policy says so, advisory only.
    assert.match(out, /\[advisory\] bedrock-model-lifecycle .* is Legacy on Amazon Bedrock/);
    assert.match(out, /1 violation\(s\), 0 mandatory/);
    const runs = out.split(/== [34]\. /).slice(1);
    assert.equal(runs.length, 2);
    assert.match(runs[0], /states: InvokeModel\nSUCCEEDED/);
    assert.match(runs[1], /input: \d+ bytes uploaded to s3:\/\/bedrock-sfn-bedrock-sfn-dev-123456789012-ap-northeast-1\/input\/start-large\.json/);
    assert.match(runs[1], /SUCCEEDED/);
    // The two batches: this stack's role everywhere, the seed write-ups' hand-written role refused off the source Region.
    const ours = out.slice(out.indexOf("== 5. "), out.indexOf("== 6. "));
    assert.match(ours, /24\/24 succeeded, 0 failed/);
    assert.doesNotMatch(ours, /AccessDenied \d/);
    const seeds = out.slice(out.indexOf("== 6. "), out.indexOf("== Done"));
    const failed = Number(/(\d+)\/24 succeeded, (\d+) failed/.exec(seeds)?.[2]);
    assert.ok(failed > 12, `the hand-written role should fail most of 24 runs over 8 Regions, failed ${failed}`);
    assert.match(seeds, /ap-northeast-1\s+\d+\n/, "calls kept in the source Region succeed");
    assert.match(seeds, /ap-southeast-2\s+\d+\s+AccessDenied \d+/);
    assert.match(seeds, new RegExp(`AccessDenied in ${failed} of 24 runs`));
    assert.match(seeds, /The fix is this project's role \(batch 5\): 24\/24 succeeded/);
    assert.match(out, /Done: preview, policies and local runs all succeeded/);
  });

  it("passes the prod stack (global profile) with the JSONPath workflow too", async () => {
    let out = "";
    // JSONPath on prod too: the pack must read either query language.
    const code = await main(["--stack", "prod", "--config", "bedrock-sfn:queryLanguage=JSONPath"], (text) => {
      out += text;
    });
    assert.equal(code, 0, out);
    assert.match(out, /All policies pass/);
  });
});

describe("npm start with a definition of your own", function () {
  this.timeout(60_000);
  it("previews and applies the pack, then says how to run the definition with its own input", async () => {
    let out = "";
    const code = await main(["--config", "aws:region=us-east-1", "--config", "bedrock-sfn:definitionFile=examples/prompt-chain.asl.json"], (t) => {
      out += t;
    });
    assert.equal(code, 0, out);
    assert.match(out, /All policies pass: no violations\./);
    assert.match(
      out,
      /npm run local -- --stack dev --config aws:region=us-east-1 --config bedrock-sfn:definitionFile=examples\/prompt-chain\.asl\.json --input-file <input\.json>/,
    );
  });
});

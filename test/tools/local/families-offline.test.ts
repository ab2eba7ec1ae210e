// Every model family answers offline: `local` runs the stack's workflow for one model of each family, and the
// Bedrock stand-in answers in that family's own response format, so the workflow's normalisation finds the text.
import * as assert from "node:assert/strict";
import { MODEL_FAMILIES, type ModelFamily, familyOf } from "../../../src/bedrock/families";
import { runLocalCli } from "./fakes";

// One model per family, in us-east-1. The legacy formats (Text Completions, Cohere Command) are configured, as a
// user configures them: their models also match, or are kept apart from, the current families.
const CASES: Record<ModelFamily, { modelId: string; configured?: boolean }> = {
  anthropic: { modelId: "us.anthropic.claude-3-5-haiku-20241022-v1:0" },
  "anthropic-text-completions": { modelId: "anthropic.claude-instant-v1", configured: true },
  "amazon-nova": { modelId: "amazon.nova-lite-v1:0" },
  "amazon-titan-text": { modelId: "amazon.titan-text-express-v1" },
  "meta-llama": { modelId: "meta.llama3-8b-instruct-v1:0" },
  mistral: { modelId: "mistral.mistral-7b-instruct-v0:2" },
  "cohere-command-r": { modelId: "cohere.command-r-v1:0" },
  openai: { modelId: "openai.gpt-oss-20b-1:0" },
  "cohere-command": { modelId: "cohere.command-text-v14", configured: true },
};

describe("local: every model family answers offline", function () {
  this.timeout(120_000);

  it("has one case per family", () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...MODEL_FAMILIES].sort());
  });

  for (const family of MODEL_FAMILIES) {
    const { modelId, configured } = CASES[family];
    it(`${family}: ${modelId} returns the stand-in's text`, async () => {
      if (!configured) assert.equal(familyOf(modelId), family, "the case's model belongs to its family");
      const argv = ["--stack", "dev", "--config", "aws:region=us-east-1", "--config", `bedrock-sfn:modelId=${modelId}`, "--prompt", "hi", "--json"];
      if (configured) argv.push("--config", `bedrock-sfn:modelFamily=${family}`);
      const { code, printed } = await runLocalCli(argv);
      assert.equal(code, 0, printed);
      const document = JSON.parse(printed.trim());
      assert.equal(document.status, "SUCCEEDED");
      assert.match(document.output.text, new RegExp(`^Local stand-in reply from ${modelId.replace(/[.:]/g, "\\$&")} to a \\d+-byte request`));
    });
  }
});

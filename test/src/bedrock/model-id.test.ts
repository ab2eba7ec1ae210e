import * as assert from "node:assert/strict";
import { ModelIdError, parseModelId } from "../../../src/bedrock/model-id";

describe("parseModelId", () => {
  it("reads a foundation-model ID", () => {
    const ref = parseModelId("anthropic.claude-3-haiku-20240307-v1:0");
    assert.deepEqual(ref, { kind: "foundation-model", foundationModelId: "anthropic.claude-3-haiku-20240307-v1:0" });
  });

  it("reads every system-profile prefix, including the two-part us-gov", () => {
    for (const prefix of ["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"]) {
      const ref = parseModelId(`${prefix}.anthropic.claude-sonnet-4-20250514-v1:0`);
      assert.equal(ref.kind, "system-profile");
      if (ref.kind !== "system-profile") return;
      assert.equal(ref.prefix, prefix);
      assert.equal(ref.foundationModelId, "anthropic.claude-sonnet-4-20250514-v1:0");
    }
  });

  it("reads foundation-model and inference-profile ARNs with their Region and account", () => {
    const fm = parseModelId("arn:aws:bedrock:us-east-2::foundation-model/amazon.titan-text-express-v1");
    assert.equal(fm.kind, "foundation-model");
    assert.equal(fm.arn?.region, "us-east-2");
    const profile = parseModelId("arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0");
    assert.equal(profile.kind, "system-profile");
    assert.equal(profile.arn?.partition, "aws-us-gov");
    assert.equal(profile.arn?.account, "123456789012");
  });

  it("reads application-profile and provisioned-model ARNs", () => {
    const app = parseModelId("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6");
    assert.deepEqual([app.kind, app.kind === "application-profile" && app.profileId], ["application-profile", "a1b2c3d4e5f6"]);
    const pt = parseModelId("arn:aws:bedrock:us-east-2:123456789012:provisioned-model/c2oi931ulksx");
    assert.deepEqual([pt.kind, pt.kind === "provisioned-model" && pt.provisionedId], ["provisioned-model", "c2oi931ulksx"]);
  });

  const rejects: [string, RegExp][] = [
    ["", /empty/],
    ["claude", /not a model identifier/],
    ["xx.anthropic.claude-3-haiku-20240307-v1:0", /unknown prefix 'xx\.'.*us, eu, apac/],
    ["arn:aws:bedrock:ap-northeast-1::foundation-model/apac.anthropic.claude-sonnet-4-20250514-v1:0", /puts inference profile .* inside a foundation-model ARN/],
    ["arn:aws:s3:::bucket/key", /not a Bedrock ARN/],
    ["arn:aws:bedrock:us-east-1:123456789012:custom-model/abc", /'custom-model' ARN, which InvokeModel cannot call/],
    ["arn:aws:bedrock:us-east-1:12:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0", /12-digit account/],
    ["arn:aws:bedrock::123456789012:provisioned-model/abc", /has no Region/],
  ];
  for (const [value, message] of rejects) {
    it(`rejects '${value}' with a message naming it`, () => {
      assert.throws(
        () => parseModelId(value),
        (err: Error) => err instanceof ModelIdError && message.test(err.message),
      );
    });
  }
});

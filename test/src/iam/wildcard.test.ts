import { strict as assert } from "node:assert";
import { hasPolicyVariable, hasWildcard, matchesAction, matchesResource, matchesWildcard } from "../../../src/iam";

const SONNET = "anthropic.claude-sonnet-4-20250514-v1:0";

describe("iam wildcards", () => {
  it("matches actions case-insensitively, with * and ?", () => {
    assert.ok(matchesAction("bedrock:InvokeModel", "bedrock:invokemodel"));
    assert.ok(matchesAction("bedrock:Invoke*", "bedrock:InvokeModel"));
    assert.ok(matchesAction("BEDROCK:*", "bedrock:InvokeModel"));
    assert.ok(matchesAction("*", "bedrock:InvokeModel"));
    assert.ok(matchesAction("bedrock:InvokeMode?", "bedrock:InvokeModel"));
    assert.ok(!matchesAction("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"));
    assert.ok(!matchesAction("bedrock:Get*", "bedrock:InvokeModel"));
    assert.ok(!matchesAction("s3:*", "bedrock:InvokeModel"));
  });

  it("matches an ARN field by field: a Region wildcard stays inside the Region field", () => {
    assert.ok(matchesResource(`arn:aws:bedrock:ap-*::foundation-model/${SONNET}`, `arn:aws:bedrock:ap-southeast-4::foundation-model/${SONNET}`));
    assert.ok(!matchesResource(`arn:aws:bedrock:ap-*::foundation-model/${SONNET}`, `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`));
    // "*" matches the empty Region of the global profile's Region-less model ARN; "ap-*" does not.
    assert.ok(matchesResource("arn:aws:bedrock:*::foundation-model/*", `arn:aws:bedrock:::foundation-model/${SONNET}`));
    assert.ok(!matchesResource(`arn:aws:bedrock:ap-*::foundation-model/${SONNET}`, `arn:aws:bedrock:::foundation-model/${SONNET}`));
    // A wildcard in the account field does not reach into the resource part.
    assert.ok(!matchesResource("arn:aws:bedrock:us-east-1:*", "arn:aws:s3:::bucket"));
  });

  it("lets a resource-part wildcard span '/' and ':' (model versions carry colons)", () => {
    assert.ok(matchesResource("arn:aws:bedrock:us-east-1::foundation-model/*", `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`));
    assert.ok(matchesResource("arn:aws:bedrock:us-east-1::*", `arn:aws:bedrock:us-east-1::foundation-model/${SONNET}`));
    assert.ok(matchesResource("arn:aws:s3:::bucket/in*", "arn:aws:s3:::bucket/input/a:b/c.json"));
    assert.ok(!matchesResource("arn:aws:s3:::bucket/output/*", "arn:aws:s3:::bucket/input/a.json"));
  });

  it("compares the resource part case-sensitively, the other fields not", () => {
    assert.ok(!matchesResource("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/a"));
    assert.ok(matchesResource("arn:AWS:S3:::bucket/*", "arn:aws:s3:::bucket/a"));
  });

  it("treats '*' as everything and pads a short ARN with wildcards", () => {
    assert.ok(matchesResource("*", "arn:aws:s3:::bucket/a"));
    assert.ok(matchesResource("arn:aws:bedrock:*", `arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.${SONNET}`));
    assert.ok(!matchesResource("arn:aws:bedrock:*", "arn:aws:s3:::bucket/a"));
  });

  it("keeps IAM's escapes literal and spots policy variables", () => {
    assert.ok(matchesWildcard("a${*}b", "a*b"));
    assert.ok(!matchesWildcard("a${*}b", "axb"));
    assert.ok(hasPolicyVariable("arn:aws:s3:::bucket/${aws:username}/*"));
    assert.ok(!hasPolicyVariable("arn:aws:s3:::bucket/${*}"));
    assert.ok(hasWildcard("arn:aws:bedrock:*::foundation-model/x"));
    assert.ok(!hasWildcard("arn:aws:s3:::b/${?}"));
  });

  it("treats regular-expression characters in patterns literally", () => {
    assert.ok(matchesWildcard("a.b+(c)", "a.b+(c)"));
    assert.ok(!matchesWildcard("a.b", "axb"));
  });
});

import { strict as assert } from "node:assert";
import { ParsedDocument, evaluateRequest, evaluateRequests, readPolicyDocument } from "../../../src/iam";

const ACCOUNT = "123456789012";
const MODEL = "anthropic.claude-sonnet-4-20250514-v1:0";
const PROFILE_ARN = `arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/apac.${MODEL}`;
const modelIn = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${MODEL}`;

function doc(statements: object[], source = "policy"): ParsedDocument {
  const { document, diagnostics } = readPolicyDocument({ Version: "2012-10-17", Statement: statements }, source);
  assert.ok(document, JSON.stringify(diagnostics));
  return document;
}

const invoke = (resource: string, context: Record<string, string> = {}) => ({ action: "bedrock:InvokeModel", resource, context });

describe("iam evaluation", () => {
  it("allows by the matching Allow statement and names it", () => {
    const d = evaluateRequest(invoke(PROFILE_ARN), [doc([{ Sid: "Profile", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: PROFILE_ARN }])]);
    assert.deepEqual([d.allowed, d.verdict, d.statement?.label], [true, "allowed", "'Profile'"]);
  });

  it("lets an explicit Deny win over an Allow, also across documents", () => {
    const allow = doc([{ Effect: "Allow", Action: "bedrock:*", Resource: "*" }], "allow-all");
    const deny = doc([{ Sid: "NoUs", Effect: "Deny", Action: "bedrock:InvokeModel", Resource: "arn:aws:bedrock:us-*::foundation-model/*" }], "guard");
    const d = evaluateRequest(invoke(modelIn("us-east-1")), [allow, deny]);
    assert.deepEqual([d.allowed, d.verdict, d.statement?.document, d.statement?.label], [false, "explicit-deny", "guard", "'NoUs'"]);
    assert.equal(evaluateRequest(invoke(modelIn("eu-west-1")), [allow, deny]).verdict, "allowed");
  });

  it("denies implicitly, and says which statement named the resource but did not apply", () => {
    const policy = doc([
      {
        Sid: "ProfileWithCondition",
        Effect: "Allow",
        Action: "bedrock:InvokeModel",
        Resource: PROFILE_ARN,
        Condition: { StringEquals: { "bedrock:InferenceProfileArn": PROFILE_ARN } },
      },
    ]);
    const d = evaluateRequest(invoke(PROFILE_ARN, { "aws:RequestedRegion": "ap-northeast-1" }), [policy]);
    assert.deepEqual([d.allowed, d.verdict], [false, "implicit-deny"]);
    assert.match(
      d.reason,
      /'ProfileWithCondition' names it but its condition StringEquals bedrock:InferenceProfileArn .* does not hold for a request without bedrock:InferenceProfileArn/,
    );
  });

  it("applies NotAction and NotResource", () => {
    const policy = doc([{ Effect: "Allow", NotAction: "s3:*", NotResource: modelIn("us-east-1") }]);
    assert.ok(evaluateRequest(invoke(modelIn("eu-west-1")), [policy]).allowed);
    assert.ok(!evaluateRequest(invoke(modelIn("us-east-1")), [policy]).allowed);
    assert.ok(!evaluateRequest({ action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }, [policy]).allowed);
  });

  describe("conditions", () => {
    const withCondition = (Condition: object) => [doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", Condition }])];
    const cases: [string, object, Record<string, string>, boolean][] = [
      ["StringEquals holds", { StringEquals: { "aws:RequestedRegion": ["eu-west-1", "ap-northeast-1"] } }, { "aws:RequestedRegion": "ap-northeast-1" }, true],
      ["StringEquals is case-sensitive in values", { StringEquals: { "aws:RequestedRegion": "AP-NORTHEAST-1" } }, { "aws:RequestedRegion": "ap-northeast-1" }, false],
      ["keys are case-insensitive", { StringEquals: { "AWS:requestedregion": "ap-northeast-1" } }, { "aws:RequestedRegion": "ap-northeast-1" }, true],
      ["StringEquals on a missing key fails", { StringEquals: { "bedrock:InferenceProfileArn": PROFILE_ARN } }, {}, false],
      ["StringEqualsIfExists on a missing key holds", { StringEqualsIfExists: { "bedrock:InferenceProfileArn": PROFILE_ARN } }, {}, true],
      ["StringNotEquals on a missing key holds", { StringNotEquals: { "bedrock:InferenceProfileArn": PROFILE_ARN } }, {}, true],
      ["StringNotEquals excludes the listed value", { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } }, { "aws:RequestedRegion": "us-east-1" }, false],
      ["StringLike with ? and *", { StringLike: { "aws:RequestedRegion": "ap-north?ast-*" } }, { "aws:RequestedRegion": "ap-northeast-3" }, true],
      ["StringNotLike", { StringNotLike: { "aws:RequestedRegion": "ap-*" } }, { "aws:RequestedRegion": "ap-northeast-3" }, false],
      [
        "ArnLike with a Region wildcard",
        { ArnLike: { "bedrock:InferenceProfileArn": "arn:aws:bedrock:ap-*:*:inference-profile/apac.*" } },
        { "bedrock:InferenceProfileArn": PROFILE_ARN },
        true,
      ],
      [
        "ArnEquals accepts wildcards too",
        { ArnEquals: { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/*" } },
        { "bedrock:InferenceProfileArn": PROFILE_ARN },
        true,
      ],
      ["ArnNotLike on a value that is not an ARN fails", { ArnNotLike: { "aws:RequestedRegion": "arn:aws:*:*:*:*" } }, { "aws:RequestedRegion": "eu-west-1" }, false],
      ["ForAnyValue on a missing key fails", { "ForAnyValue:StringEquals": { "aws:RequestedRegion": "eu-west-1" } }, {}, false],
      ["ForAllValues on a missing key holds", { "ForAllValues:StringEquals": { "aws:RequestedRegion": "eu-west-1" } }, {}, true],
      ["ForAnyValue on a single value", { "ForAnyValue:StringLike": { "aws:RequestedRegion": ["eu-*", "ap-*"] } }, { "aws:RequestedRegion": "ap-northeast-1" }, true],
      ["ForAllValues on a single value", { "ForAllValues:StringEquals": { "aws:RequestedRegion": "eu-west-1" } }, { "aws:RequestedRegion": "ap-northeast-1" }, false],
      ["Null true on a missing key", { Null: { "bedrock:InferenceProfileArn": "true" } }, {}, true],
      ["Null false on a missing key", { Null: { "bedrock:InferenceProfileArn": "false" } }, {}, false],
      [
        "operators are ANDed",
        { StringEquals: { "aws:RequestedRegion": "ap-northeast-1" }, StringLike: { "bedrock:InferenceProfileArn": "*apac.*" } },
        { "aws:RequestedRegion": "ap-northeast-1" },
        false,
      ],
    ];
    for (const [name, condition, context, allowed] of cases) {
      it(`${name}: ${allowed ? "allowed" : "not allowed"}`, () => {
        assert.equal(evaluateRequest(invoke(modelIn("ap-northeast-1"), context), withCondition(condition)).allowed, allowed);
      });
    }
  });

  describe("what this matcher cannot judge", () => {
    const unknownOperator = (effect: string) => ({ Effect: effect, Action: "bedrock:*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } });

    it("answers 'cannot-judge' when only an unsupported Allow could grant, never a silent allow", () => {
      const d = evaluateRequest(invoke(PROFILE_ARN), [doc([unknownOperator("Allow")])]);
      assert.deepEqual([d.allowed, d.verdict], [false, "cannot-judge"]);
      assert.match(d.reason, /IpAddress/);
    });

    it("answers 'cannot-judge' when an unsupported Deny may refuse what another statement allows", () => {
      const d = evaluateRequest(invoke(PROFILE_ARN), [doc([{ Effect: "Allow", Action: "*", Resource: "*" }, unknownOperator("Deny")])]);
      assert.deepEqual([d.allowed, d.verdict], [false, "cannot-judge"]);
    });

    it("still decides when a definite answer does not depend on the unsupported statement", () => {
      const allowed = evaluateRequest(invoke(PROFILE_ARN), [doc([{ Effect: "Allow", Action: "*", Resource: "*" }, unknownOperator("Allow")])]);
      assert.equal(allowed.verdict, "allowed");
      const denied = evaluateRequest(invoke(PROFILE_ARN), [doc([{ Effect: "Deny", Action: "*", Resource: "*" }, unknownOperator("Allow")])]);
      assert.equal(denied.verdict, "explicit-deny");
      // A failing supported clause decides "no" even next to an unsupported one.
      const failing = { Effect: "Allow", Action: "*", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" }, StringEquals: { "aws:RequestedRegion": "x" } } };
      assert.equal(evaluateRequest(invoke(PROFILE_ARN, { "aws:RequestedRegion": "y" }), [doc([failing])]).verdict, "implicit-deny");
    });

    it("answers 'cannot-judge' for a Resource that holds a policy variable", () => {
      const d = evaluateRequest({ action: "s3:GetObject", resource: "arn:aws:s3:::b/alice/x" }, [
        doc([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username}/*" }]),
      ]);
      assert.equal(d.verdict, "cannot-judge");
    });
  });

  it("evaluates a list of requests in order", () => {
    const policy = doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: modelIn("ap-*") }]);
    const results = evaluateRequests([invoke(modelIn("ap-northeast-1")), invoke(modelIn("eu-west-1"))], [policy]);
    assert.deepEqual(
      results.map((r) => r.decision.allowed),
      [true, false],
    );
    assert.equal(results[1].request.resource, modelIn("eu-west-1"));
  });
});

import { strict as assert } from "node:assert";
import { readPolicyDocument } from "../../../src/iam";

describe("iam document reader", () => {
  it("reads a document given as an object or as a JSON string, Action/Resource as string or list", () => {
    const doc = { Version: "2012-10-17", Statement: { Sid: "One", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: ["a", "b"] } };
    for (const input of [doc, JSON.stringify(doc)]) {
      const { document, diagnostics } = readPolicyDocument(input, "test");
      assert.deepEqual(diagnostics, []);
      assert.equal(document!.statements.length, 1);
      const [s] = document!.statements;
      assert.deepEqual([s.sid, s.effect, s.action, s.resource], ["One", "Allow", ["bedrock:InvokeModel"], ["a", "b"]]);
    }
  });

  it("keeps NotAction and NotResource apart from Action and Resource", () => {
    const { document } = readPolicyDocument({ Statement: [{ Effect: "Deny", NotAction: "s3:*", NotResource: ["x"] }] }, "test");
    const [s] = document!.statements;
    assert.deepEqual([s.action, s.notAction, s.resource, s.notResource], [undefined, ["s3:*"], undefined, ["x"]]);
  });

  it("turns malformed JSON into a diagnostic that names the source, never a throw", () => {
    const result = readPolicyDocument('{"Statement": [', "aws:iam/policy:Policy 'p'");
    assert.equal(result.document, undefined);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0].kind, "malformed");
    assert.match(result.diagnostics[0].message, /aws:iam\/policy:Policy 'p': the policy is not valid JSON/);
  });

  for (const [what, input, expected] of [
    ["a number", 42, /must be a JSON object/],
    ["null", null, /must be a JSON object.*null/],
    ["no Statement", { Version: "2012-10-17" }, /no 'Statement'/],
  ] as const) {
    it(`reports a document that is ${what}`, () => {
      const result = readPolicyDocument(input, "doc");
      assert.equal(result.document, undefined);
      assert.match(result.diagnostics[0].message, expected);
    });
  }

  it("skips a bad statement with a diagnostic naming it, and keeps the good ones", () => {
    const result = readPolicyDocument(
      {
        Statement: [
          { Sid: "Good", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "NoEffect", Action: "s3:GetObject", Resource: "*" },
          { Effect: "Allow", Action: "s3:GetObject", NotAction: "s3:PutObject", Resource: "*" },
          { Effect: "Allow", Action: [1], Resource: "*" },
          { Effect: "Allow", Action: "s3:GetObject" },
          "not a statement",
          { Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { StringEquals: "x" } },
        ],
      },
      "doc",
    );
    assert.deepEqual(
      result.document!.statements.map((s) => s.sid),
      ["Good"],
    );
    const messages = result.diagnostics.map((d) => d.message);
    assert.match(messages[0], /statement 'NoEffect': 'Effect' must be "Allow" or "Deny", got nothing/);
    assert.match(messages[1], /statement #3: has both 'Action' and 'NotAction'/);
    assert.match(messages[2], /statement #4: 'Action' must be a string or a list of strings/);
    assert.match(messages[3], /statement #5: needs 'Resource' or 'NotResource'/);
    assert.match(messages[4], /statement #6: must be an object/);
    assert.match(messages[5], /statement #7: condition operator 'StringEquals' must map keys to values/);
    assert.ok(result.diagnostics.every((d) => d.kind === "malformed"));
  });

  it("marks unknown condition operators and policy variables as 'cannot judge', not as errors", () => {
    const result = readPolicyDocument(
      {
        Version: "2012-10-17",
        Statement: [
          { Sid: "Ip", Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } },
          { Sid: "Var", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:username}/*" },
        ],
      },
      "doc",
    );
    assert.equal(result.document!.statements.length, 2);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.kind, d.statement]),
      [
        ["cannot-judge", "'Ip'"],
        ["cannot-judge", "'Var'"],
      ],
    );
    assert.match(result.diagnostics[0].message, /IpAddress/);
    assert.match(result.diagnostics[1].message, /\$\{aws:username\}/);
  });

  it("reads condition values given as booleans and numbers as their text", () => {
    const { document } = readPolicyDocument({ Statement: [{ Effect: "Deny", Action: "*", Resource: "*", Condition: { Bool: { "aws:SecureTransport": false } } }] }, "doc");
    assert.deepEqual(document!.statements[0].conditions[0].values, ["false"]);
  });
});

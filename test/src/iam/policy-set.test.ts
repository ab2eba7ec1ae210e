import { strict as assert } from "node:assert";
import { PolicySet, awsRequestContext, compileGlob, matchGlob, matchesWildcard, policySize, readPolicyDocument } from "../../../src/iam";

const ACCOUNT = "123456789012";
const MODEL = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
const doc = (statements: object[], version = "2012-10-17") => readPolicyDocument({ Version: version, Statement: statements }, "policy").document!;
const invoke = (resource = MODEL, context: Record<string, string> = {}) => ({ action: "bedrock:InvokeModel", resource, context });

describe("iam glob", () => {
  it("matches like IAM: * any run, ? one character, case only when asked", () => {
    for (const [pattern, value, expected] of [
      ["a*b*c", "aXbYc", true],
      ["a*b*c", "abc", true],
      ["a*b*c", "acb", false],
      ["*", "", true],
      ["?", "", false],
      ["a?c", "abc", true],
      ["a?c", "ac", false],
      ["**a**", "xax", true],
      ["*ab*ab", "abab", true],
      ["*ab*ab", "aba", false],
    ] as const) {
      assert.equal(matchesWildcard(pattern, value), expected, `${pattern} ~ ${value}`);
    }
    assert.ok(matchesWildcard("AB*", "abc", { caseInsensitive: true }));
    assert.ok(!matchesWildcard("AB*", "abc"));
  });

  it("costs time linear in the pattern, however many stars (a ratio, never a wall-clock bound)", () => {
    const time = (stars: number) => {
      const pattern = `${"*a".repeat(stars)}Z`;
      const value = "a".repeat(200);
      const start = performance.now();
      for (let i = 0; i < 20; i++) matchGlob((compileGlob(pattern) as { glob: Parameters<typeof matchGlob>[0] }).glob, value);
      return performance.now() - start;
    };
    time(100);
    const small = Math.max(time(100), 0.05);
    const large = time(10_000);
    // 100 times the stars: linear is about x100; a backtracking matcher would not finish.
    assert.ok(large < small * 1000, `${large.toFixed(1)} ms vs ${small.toFixed(2)} ms`);
  });

  it("honours ${*} ${?} ${$} and variables only under Version 2012-10-17", () => {
    const lookup = (key: string) => (key === "aws:username" ? "alice" : undefined);
    const g = (pattern: string, variables: boolean) => compileGlob(pattern, { variables, lookup });
    const hit = (pattern: string, value: string, variables = true) => {
      const c = g(pattern, variables);
      return "glob" in c ? matchGlob(c.glob, value) : c;
    };
    assert.equal(hit("a${*}b", "a*b"), true);
    assert.equal(hit("a${*}b", "axb"), false);
    assert.equal(hit("x/${aws:username}/*", "x/alice/1"), true);
    assert.deepEqual(hit("x/${aws:userid}", "x/1"), { unresolved: "aws:userid" });
    assert.equal(hit("x/${aws:userid, 'none'}", "x/none"), true);
    assert.equal(hit("x/${aws:username}", "x/${aws:username}", false), true);
    assert.equal(hit("a${*}b", "a${zz}b", false), true);
  });
});

describe("PolicySet", () => {
  it("names the blocking condition of an implicit deny", () => {
    const set = new PolicySet([
      doc([{ Sid: "OnlyEu", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }]),
    ]);
    const d = set.evaluate(invoke(MODEL, { "aws:RequestedRegion": "us-east-1" }));
    assert.equal(d.verdict, "implicit-deny");
    assert.equal(d.blockingCondition?.statement.label, "'OnlyEu'");
    assert.equal(d.blockingCondition?.text, 'StringEquals aws:RequestedRegion = "eu-west-1"');
    assert.equal(d.blockingCondition?.actual, 'aws:RequestedRegion = "us-east-1"');
  });

  it("applies a permissions boundary: both must allow, a Deny in either refuses", () => {
    const identity = [doc([{ Effect: "Allow", Action: "bedrock:*", Resource: "*" }])];
    const boundary = [doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "arn:aws:bedrock:eu-*::foundation-model/*" }])];
    const set = new PolicySet(identity, { boundary });
    assert.equal(set.evaluate(invoke(MODEL.replace("us-east-1", "eu-west-1"))).verdict, "allowed");
    const refused = set.evaluate(invoke());
    assert.deepEqual([refused.verdict, refused.byBoundary], ["implicit-deny", true]);
    assert.match(refused.reason, /permissions boundary does not/);
    const denying = new PolicySet(identity, {
      boundary: [
        doc([
          { Effect: "Allow", Action: "*", Resource: "*" },
          { Sid: "No", Effect: "Deny", Action: "bedrock:*", Resource: MODEL },
        ]),
      ],
    });
    assert.deepEqual([denying.evaluate(invoke()).verdict, denying.evaluate(invoke()).statement?.label], ["explicit-deny", "'No'"]);
  });

  it("judges the keys AWS always sets: TLS, the principal, the time", () => {
    const { context, unknownKeys } = awsRequestContext({ principalArn: `arn:aws:iam::${ACCOUNT}:role/r`, now: new Date("2026-12-01T00:00:00Z") });
    const set = (Condition: object) =>
      new PolicySet([doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", Condition }])], { context, unknownContextKeys: unknownKeys });
    assert.equal(set({ Bool: { "aws:SecureTransport": "true" } }).evaluate(invoke()).verdict, "allowed");
    assert.equal(set({ StringEquals: { "aws:PrincipalAccount": ACCOUNT } }).evaluate(invoke()).verdict, "allowed");
    assert.equal(set({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/r" } }).evaluate(invoke()).verdict, "allowed");
    assert.equal(set({ DateLessThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } }).evaluate(invoke()).verdict, "allowed");
    assert.equal(set({ DateGreaterThan: { "aws:CurrentTime": "2027-01-01T00:00:00Z" } }).evaluate(invoke()).verdict, "implicit-deny");
    // The role's ARN not known yet: present, value unknown -> "cannot judge", but a Null check still decides.
    const unknown = awsRequestContext();
    const unsure = new PolicySet([doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", Condition: { StringEquals: { "aws:PrincipalArn": "x" } } }])], {
      context: unknown.context,
      unknownContextKeys: unknown.unknownKeys,
    });
    assert.equal(unsure.evaluate(invoke()).verdict, "cannot-judge");
    const nullCheck = new PolicySet([doc([{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "*", Condition: { Null: { "aws:PrincipalArn": "false" } } }])], {
      context: unknown.context,
      unknownContextKeys: unknown.unknownKeys,
    });
    assert.equal(nullCheck.evaluate(invoke()).verdict, "allowed");
  });

  it("reads policy variables literally under 2008-10-17 and expands them under 2012-10-17", () => {
    const statement = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/${aws:PrincipalAccount}/*" };
    const request = (key: string) => ({ action: "s3:GetObject", resource: `arn:aws:s3:::b/${key}/x`, context: { "aws:PrincipalAccount": ACCOUNT } });
    assert.equal(new PolicySet([doc([statement])]).evaluate(request(ACCOUNT)).verdict, "allowed");
    assert.equal(new PolicySet([doc([statement], "2008-10-17")]).evaluate(request(ACCOUNT)).verdict, "implicit-deny");
    assert.equal(new PolicySet([doc([statement], "2008-10-17")]).evaluate(request("${aws:PrincipalAccount}")).verdict, "allowed");
  });

  it("finds the same answers through its index as a plain scan would, in document order", () => {
    const statements = [
      { Sid: "S3", Effect: "Allow", Action: "s3:*", Resource: "*" },
      { Sid: "Literal", Effect: "Allow", Action: "bedrock:InvokeModel", Resource: MODEL },
      { Sid: "Wild", Effect: "Allow", Action: "bedrock:Invoke*", Resource: "arn:aws:bedrock:us-*::foundation-model/*" },
      { Sid: "Any", Effect: "Allow", NotAction: "iam:*", Resource: "*" },
    ];
    const set = new PolicySet([doc(statements)]);
    assert.equal(set.evaluate(invoke()).statement?.label, "'Literal'");
    assert.equal(set.evaluate(invoke(MODEL.replace("us-east-1", "us-west-2"))).statement?.label, "'Wild'");
    assert.equal(set.evaluate(invoke(MODEL.replace("us-east-1", "eu-west-1"))).statement?.label, "'Any'");
    assert.equal(set.evaluate({ action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }).statement?.label, "'S3'");
  });
});

describe("iam document: IAM's own refusals", () => {
  it("refuses an unknown Version, Sids that are not alphanumeric or not unique, a Principal, unknown elements", () => {
    const result = readPolicyDocument(
      {
        Version: "2012-10-18",
        Extra: 1,
        Statement: [
          { Sid: "a-b", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "Same", Effect: "Allow", Action: "s3:GetObject", Resource: "*", Principal: "*" },
          { Sid: "Same", Effect: "Allow", Action: "s3:GetObject", Resource: "*", Foo: true },
        ],
      },
      "doc",
    );
    const messages = result.diagnostics.map((d) => d.message).join("\n");
    for (const expected of [/set 'Version' to "2012-10-17"/, /remove the element 'Extra'/, /letters A-Z/, /remove 'Principal'/, /unique Sid/, /remove the element 'Foo'/]) {
      assert.match(messages, expected);
    }
    assert.ok(result.diagnostics.every((d) => d.kind === "malformed"));
    // The statements are still read: the rest of the document is still judged.
    assert.equal(result.document!.statements.length, 3);
  });

  it("counts policy size as IAM does, without whitespace, and caps deep or huge values", () => {
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::a b/*" }] };
    assert.equal(policySize(policy), JSON.stringify(policy).replace(/\s/g, "").length);
    assert.equal(policySize(JSON.stringify(policy, null, 2)), JSON.stringify(policy).replace(/\s/g, "").length);
    let deep: unknown = "x";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.equal(policySize({ Statement: deep }, 10_000), 10_000);
  });
});

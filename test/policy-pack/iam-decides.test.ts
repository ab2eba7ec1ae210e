// Issue 18: the pack judges every profile grant as IAM decides it, with the request context AWS fills for a Step
// Functions execution role calling from its source Region, whether or not a state machine is in the stack. Each
// case is also put to the independent evaluator (@cloud-copilot/iam-simulate, dev-only): the pack blocks a grant
// exactly when the reference refuses some call the profile makes (the profile ARN, then each routed model ARN).
import { strict as assert } from "node:assert";
import { runUnsafeSimulation } from "@cloud-copilot/iam-simulate";
import { routedRequests } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import { catalogDestinations } from "../../src/bedrock/routing";
import { policySize } from "../../src/iam";
import { InputResource, PackViolation, evaluateResources } from "../../tools/shared/evaluate-pack";
import { ACCOUNT, APAC_SONNET_4, SONNET_4, advisory, allow, blocking, policyDocument, role, rolePolicy } from "./helpers";

const SOURCE = "ap-northeast-1";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/exec-role`;
const PROFILE = `arn:aws:bedrock:${SOURCE}:${ACCOUNT}:inference-profile/${APAC_SONNET_4}`;
const model = (region: string) => `arn:aws:bedrock:${region}::foundation-model/${SONNET_4}`;
const destinations = (): string[] => {
  const d = catalogDestinations(APAC_SONNET_4, SOURCE);
  assert.ok(d?.kind === "regions");
  return d.regions;
};
const ROUTED = "bedrock-profile-routed-regions";
const PROFILE_ARN = "bedrock-inference-profile-arn";
type Doc = { Version: string; Statement: object[] };

/** The pack's two profile rules over the resources, without any state machine. */
async function judge(resources: InputResource[], config = {}): Promise<PackViolation[]> {
  const all = await evaluateResources(resources, { region: SOURCE, config });
  return all.filter((v) => v.policyName === ROUTED || v.policyName === PROFILE_ARN);
}

/** `${key}` and `${key, 'default'}` replaced by the request's value (or the default), as IAM expands them before matching. */
function expandVariables(pattern: string, context: Record<string, string>): string {
  return pattern.replace(/\$\{([^},]+)(?:,\s*'([^']*)')?\}/g, (all, key: string, fallback?: string) => context[key.trim()] ?? fallback ?? all);
}

/**
 * The reference's answer: are the profile call and every routed call allowed for the role, with the context AWS fills?
 * iam-simulate splits an ARN at every colon before it expands variables, so variables in the ARN's fields (which hold
 * a colon, `${aws:RequestedRegion}`) are expanded for it first: the same policy as IAM reads it.
 */
function referenceAllowsEveryCall(policies: Doc[], options: { boundary?: Doc; principal?: string; tags?: Record<string, string> } = {}): boolean {
  const principal = options.principal ?? ROLE_ARN;
  const now = new Date();
  const routed = routedRequests(resolveModel({ modelId: PROFILE, sourceRegion: SOURCE, account: ACCOUNT }));
  return routed.every((request) => {
    const context: Record<string, string> = {
      "aws:SecureTransport": "true",
      "aws:PrincipalType": "AssumedRole",
      "aws:CurrentTime": now.toISOString().replace(/\.\d{3}Z$/, "Z"),
      "aws:EpochTime": String(Math.floor(now.getTime() / 1000)),
      "aws:PrincipalArn": principal,
      "aws:PrincipalAccount": principal.split(":")[4],
      ...Object.fromEntries(Object.entries(options.tags ?? {}).map(([k, v]) => [`aws:PrincipalTag/${k}`, v])),
      ...request.context,
    };
    const expand = (doc: Doc) => ({
      ...doc,
      Statement: doc.Statement.map((s) => {
        const st = s as { Resource?: string | string[] };
        if (st.Resource === undefined) return s;
        return { ...s, Resource: (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((r) => expandVariables(r, context)) };
      }),
    });
    const result = runUnsafeSimulation(
      {
        identityPolicies: policies.map((policy, i) => ({ name: `p${i}`, policy: expand(policy) })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(options.boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: expand(options.boundary) }] } : {}),
        request: { action: request.action, principal, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables: context },
      },
      {},
    );
    return String(result) === "Allowed";
  });
}

/** The pack and the reference agree: the pack blocks exactly when the reference refuses some call. */
function assertAgree(found: PackViolation[], referenceAllows: boolean, what: string): void {
  const blocked = blocking(found).length > 0;
  assert.equal(
    !blocked,
    referenceAllows,
    `${what}: pack ${blocked ? "blocks" : "passes"}, iam-simulate ${referenceAllows ? "allows every call" : "refuses a call"}\n${found.map((v) => v.message).join("\n")}`,
  );
}

const complete = (extra: object = {}) => policyDocument(allow([PROFILE, ...destinations().map(model)], extra));

describe("policy pack: one evaluation for every profile grant, as IAM decides (cross-checked with iam-simulate)", function () {
  this.timeout(120_000);

  describe("a condition that refuses every real call is a violation naming it, with or without a declared role", () => {
    const refusing: [string, object, RegExp][] = [
      ["RequestedRegion pinned to another Region", { StringEquals: { "aws:RequestedRegion": "us-east-1" } }, /aws:RequestedRegion/],
      ["DateLessThan in the past", { DateLessThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }, /DateLessThan aws:CurrentTime/],
      ["PrincipalArn of another role", { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/other-role` } }, /aws:PrincipalArn/],
      ["PrincipalAccount of another account", { StringEquals: { "aws:PrincipalAccount": "999988887777" } }, /aws:PrincipalAccount/],
      ["Region names in upper case under StringEquals", { StringEquals: { "aws:RequestedRegion": destinations().map((r) => r.toUpperCase()) } }, /aws:RequestedRegion/],
      ["a key that is never present (__proto__)", JSON.parse('{"StringEquals": {"__proto__": "x"}}'), /__proto__/],
      ["SecureTransport false", { Bool: { "aws:SecureTransport": "false" } }, /aws:SecureTransport/],
      ["PrincipalType of a user", { StringEquals: { "aws:PrincipalType": "User" } }, /aws:PrincipalType/],
    ];
    for (const [what, condition, names] of refusing) {
      for (const declared of [true, false]) {
        it(`${what} (${declared ? "role in the stack" : "role referenced by name only"})`, async () => {
          const doc = complete({ Condition: condition });
          const found = await judge([...(declared ? [role("exec-role")] : []), rolePolicy("p", doc)]);
          const [first] = blocking(found).filter((v) => v.policyName === ROUTED);
          assert.ok(first, `a mandatory violation: ${found.map((v) => v.message).join("\n")}`);
          assert.match(first.message.split("\n")[0], /^Change the condition /);
          assert.match(first.message.split("\n")[0], names);
          assertAgree(found, referenceAllowsEveryCall([doc]), what);
        });
      }
    }

    const holding: [string, object][] = [
      ["RequestedRegion over every destination", { StringEquals: { "aws:RequestedRegion": destinations() } }],
      ["DateGreaterThan in the past", { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } }],
      ["PrincipalArn of the role itself", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/exec-*` } }],
      ["PrincipalAccount of the role", { StringEquals: { "aws:PrincipalAccount": ACCOUNT } }],
      ["Region names in upper case under StringEqualsIgnoreCase", { StringEqualsIgnoreCase: { "aws:RequestedRegion": destinations().map((r) => r.toUpperCase()) } }],
      ["a never-present key under Null true", { Null: { "aws:username": "true" } }],
    ];
    for (const [what, condition] of holding) {
      it(`passes a condition that holds: ${what}`, async () => {
        const doc = complete({ Condition: condition });
        const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
        assert.deepEqual(blocking(found), []);
        assertAgree(found, referenceAllowsEveryCall([doc]), what);
      });
    }
  });

  describe("Allow with NotResource", () => {
    it("carving out a destination Region is mandatory", async () => {
      const carved = destinations()[4];
      const doc = policyDocument({ Effect: "Allow", Action: "bedrock:InvokeModel", NotResource: `arn:aws:bedrock:${carved}::foundation-model/*` });
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      const [v] = blocking(found).filter((f) => f.policyName === ROUTED);
      assert.ok(v, "mandatory");
      assert.match(v.message, /NotResource/);
      assert.ok(v.message.includes(`arn:aws:bedrock:${carved}::foundation-model/`), "names a carved-out ARN");
      assertAgree(found, referenceAllowsEveryCall([doc]), "NotResource carve-out");
    });

    it("carving out the source Region's model is mandatory too", async () => {
      const doc = policyDocument({ Effect: "Allow", Action: "bedrock:InvokeModel", NotResource: [model(SOURCE)] });
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.ok(blocking(found).some((v) => v.policyName === ROUTED && v.message.includes(model(SOURCE))));
      assertAgree(found, referenceAllowsEveryCall([doc]), "NotResource on the source model");
    });

    it("carving out something else (S3) leaves every call allowed", async () => {
      const doc = policyDocument({ Effect: "Allow", Action: "bedrock:InvokeModel", NotResource: "arn:aws:s3:::other/*" });
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.deepEqual(
        blocking(found).filter((v) => v.policyName === ROUTED),
        [],
      );
      assert.equal(referenceAllowsEveryCall([doc]), true);
    });
  });

  describe("a profile ARN in another account than the role's", () => {
    it("is a violation naming the role's account", async () => {
      const doc = policyDocument(allow([PROFILE.replace(ACCOUNT, "999988887777"), ...destinations().map(model)]));
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      const [v] = blocking(found).filter((f) => f.policyName === ROUTED);
      assert.match(v.message.split("\n")[0], new RegExp(`^Write .* with the role's own account ${ACCOUNT}`));
      assertAgree(found, referenceAllowsEveryCall([doc]), "wrong account");
    });

    it("in the role's own account it passes", async () => {
      const doc = complete();
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.deepEqual(blocking(found), []);
      assertAgree(found, referenceAllowsEveryCall([doc]), "own account");
    });
  });

  describe("policy variables in every ARN field, expanded as IAM does", () => {
    const last = () => destinations()[destinations().length - 1];
    const cases: [string, () => string[], Record<string, string> | undefined][] = [
      ["${aws:RequestedRegion} in the Region field", () => [PROFILE, `arn:aws:bedrock:\${aws:RequestedRegion}::foundation-model/${SONNET_4}`], undefined],
      [
        "${aws:PrincipalTag/x, 'default'} with its default",
        () => [PROFILE, ...destinations().slice(0, -1).map(model), `arn:aws:bedrock:\${aws:PrincipalTag/x, '${last()}'}::foundation-model/${SONNET_4}`],
        undefined,
      ],
      [
        "${aws:PrincipalTag/region} from the role's tag",
        () => [PROFILE, ...destinations().slice(0, -1).map(model), `arn:aws:bedrock:\${aws:PrincipalTag/region}::foundation-model/${SONNET_4}`],
        { region: "" },
      ],
      ["${aws:PrincipalAccount} in the account field", () => [PROFILE.replace(ACCOUNT, "${aws:PrincipalAccount}"), ...destinations().map(model)], undefined],
    ];
    for (const [what, resources, tags] of cases) {
      it(`accepts ${what}`, async () => {
        const tagValues = tags ? { region: last() } : undefined;
        const doc = policyDocument(allow(resources()));
        const found = await judge([role("exec-role", tagValues ? { tags: tagValues } : {}), rolePolicy("p", doc)]);
        assert.deepEqual(blocking(found), [], found.map((v) => v.message).join("\n"));
        assertAgree(found, referenceAllowsEveryCall([doc], { tags: tagValues }), what);
      });
    }

    it("still finds the Region a variable cannot reach (a default naming the wrong Region)", async () => {
      const doc = policyDocument(allow([PROFILE, ...destinations().slice(0, -1).map(model), `arn:aws:bedrock:\${aws:PrincipalTag/x, 'us-east-1'}::foundation-model/${SONNET_4}`]));
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.ok(blocking(found).some((v) => v.message.includes(model(destinations()[destinations().length - 1]))));
      assertAgree(found, referenceAllowsEveryCall([doc]), "wrong default");
    });
  });

  describe("the union of every policy that names the same role, declared in the stack or not", () => {
    const profileOnly = policyDocument(allow([PROFILE]));
    const modelsOnly = policyDocument(allow(destinations().map(model), { Condition: { StringEquals: { "bedrock:InferenceProfileArn": PROFILE } } }));
    const someModels = policyDocument(allow(destinations().slice(1).map(model)));
    const managed = (name: string, doc: object): InputResource => ({
      type: "aws:iam/policy:Policy",
      name,
      inputs: { name, arn: `arn:aws:iam::${ACCOUNT}:policy/${name}`, policy: JSON.stringify(doc) },
    });
    const attach = (name: string, policy: string, roleName = "existing-role"): InputResource => ({
      type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      name,
      inputs: { role: roleName, policyArn: `arn:aws:iam::${ACCOUNT}:policy/${policy}` },
    });
    const variants: [string, (models: object) => InputResource[]][] = [
      ["two RolePolicies", (models) => [rolePolicy("a", profileOnly, "existing-role"), rolePolicy("b", models, "existing-role")]],
      ["a RolePolicy and a Policy with a RolePolicyAttachment", (models) => [rolePolicy("a", profileOnly, "existing-role"), managed("m", models), attach("att", "m")]],
      ["two attached Policies", (models) => [managed("m1", profileOnly), managed("m2", models), attach("att1", "m1"), attach("att2", "m2")]],
      [
        "a RolePolicy naming the role by ARN and one by name",
        (models) => [rolePolicy("a", profileOnly, `arn:aws:iam::${ACCOUNT}:role/existing-role`), rolePolicy("b", models, "existing-role")],
      ],
      [
        "an aws-native RolePolicy and a classic one",
        (models) => [
          rolePolicy("a", profileOnly, "existing-role"),
          { type: "aws-native:iam:RolePolicy", name: "n", inputs: { roleName: "existing-role", policyName: "n", policyDocument: models } },
        ],
      ],
    ];
    for (const [what, resources] of variants) {
      it(`judges ${what} together: complete passes`, async () => {
        const found = await judge(resources(modelsOnly));
        assert.deepEqual(blocking(found), [], found.map((v) => v.message).join("\n"));
        assertAgree(found, referenceAllowsEveryCall([profileOnly, modelsOnly], { principal: `arn:aws:iam::${ACCOUNT}:role/existing-role` }), what);
      });

      it(`judges ${what} together: a missing Region is still found`, async () => {
        const found = await judge(resources(someModels));
        const routed = blocking(found).filter((v) => v.policyName === ROUTED);
        assert.equal(routed.length, 1, found.map((v) => v.message).join("\n"));
        assert.ok(routed[0].message.includes(model(destinations()[0])));
        assert.match(routed[0].message, /the policies of role 'existing-role'/);
        assertAgree(found, referenceAllowsEveryCall([profileOnly, someModels], { principal: `arn:aws:iam::${ACCOUNT}:role/existing-role` }), what);
      });
    }

    it("keeps policies of different undeclared roles apart", async () => {
      const found = await judge([rolePolicy("a", profileOnly, "role-a"), rolePolicy("b", modelsOnly, "role-b")]);
      assert.ok(blocking(found).some((v) => v.policyName === ROUTED));
    });
  });

  describe("messages name the real cause", () => {
    const boundaryPolicy = (doc: object): InputResource => ({
      type: "aws:iam/policy:Policy",
      name: "boundary",
      inputs: { name: "boundary", arn: `arn:aws:iam::${ACCOUNT}:policy/boundary`, policy: JSON.stringify(doc) },
    });
    const bounded = () =>
      role("exec-role", { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`, inlinePolicies: [{ name: "own", policy: JSON.stringify(complete()) }] });

    it("a boundary that does not allow the profile: widen the boundary, not 'add the profile ARN'", async () => {
      const boundary = policyDocument(allow(destinations().map(model)));
      const found = await judge([bounded(), boundaryPolicy(boundary)]);
      const [v] = blocking(found).filter((f) => f.policyName === ROUTED);
      assert.match(v.message.split("\n")[0], /permissions boundary/);
      assert.doesNotMatch(v.message.split("\n")[0], /^Add /);
      assertAgree(found, referenceAllowsEveryCall([complete()], { boundary }), "boundary without the profile");
    });

    it("a boundary that does not allow a destination Region: allow it in the boundary", async () => {
      const boundary = policyDocument(allow([PROFILE, ...destinations().slice(1).map(model)]));
      const found = await judge([bounded(), boundaryPolicy(boundary)]);
      const [v] = blocking(found).filter((f) => f.policyName === ROUTED);
      assert.match(v.message.split("\n")[0], /permissions boundary/);
      assert.ok(v.message.includes(model(destinations()[0])));
      assertAgree(found, referenceAllowsEveryCall([complete()], { boundary }), "boundary without a Region");
    });

    it("a boundary's Deny on the profile is named as the boundary's", async () => {
      const boundary = policyDocument(allow("*"), { Sid: "NoProfiles", Effect: "Deny", Action: "bedrock:InvokeModel", Resource: "arn:aws:bedrock:*:*:inference-profile/*" });
      const found = await judge([bounded(), boundaryPolicy(boundary)]);
      const [v] = blocking(found).filter((f) => f.policyName === ROUTED);
      assert.match(v.message.split("\n")[0], /^Remove or narrow the permissions boundary's Deny statement 'NoProfiles'/);
      assertAgree(found, referenceAllowsEveryCall([complete()], { boundary }), "boundary Deny");
    });

    it("a Deny in the role's own policies on the profile is named", async () => {
      const doc = policyDocument(allow([PROFILE, ...destinations().map(model)]), { Sid: "NoTokyo", Effect: "Deny", Action: "bedrock:*", Resource: PROFILE });
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.ok(blocking(found).some((v) => /^Remove or narrow Deny statement 'NoTokyo'/.test(v.message)));
      assertAgree(found, referenceAllowsEveryCall([doc]), "own Deny");
    });

    for (const space of [" ", "\t", "  "]) {
      it(`whitespace at the end of a profile ARN (${JSON.stringify(space)}) is named, not 'add the profile ARN'`, async () => {
        const doc = policyDocument(allow([PROFILE + space, ...destinations().map(model)]));
        const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
        assert.ok(blocking(found).some((v) => /remove the whitespace/.test(v.message)));
        assert.ok(!found.some((v) => /^Add an Allow for bedrock:InvokeModel on the inference-profile ARN/.test(v.message)), found.map((v) => v.message).join("\n"));
        assertAgree(found, referenceAllowsEveryCall([doc]), "whitespace");
      });
    }

    it("${aws:username} in a resource is not read as a model ID", async () => {
      const doc = policyDocument(allow([PROFILE, ...destinations().map(model), "arn:aws:bedrock:*::foundation-model/${aws:username}"]));
      const found = await judge([role("exec-role"), rolePolicy("p", doc)]);
      assert.ok(!found.some((v) => v.message.includes("foundation model ${aws:username}")), found.map((v) => v.message).join("\n"));
      assert.deepEqual(blocking(found), []);
    });
  });

  describe("bounded and fail-closed at IAM's size quotas", () => {
    // IAM quotas (IAM and AWS STS quotas, "IAM object quotas"): a role's inline policies together 10,240 characters;
    // at most 10 managed policies per role, each 6,144 characters (whitespace not counted).
    const denied = () => destinations()[4];
    function fill(limit: number, first: object[], make: (i: number) => object): Doc {
      const statements = [...first];
      while (policySize(JSON.stringify(policyDocument(...statements, make(statements.length)))) <= limit) statements.push(make(statements.length));
      return policyDocument(...statements);
    }
    const atQuotas = (conditional: boolean, scale = 1) => {
      const deny = (k: number) => (i: number) => ({
        Effect: "Deny",
        Action: "bedrock:*",
        Resource: `arn:aws:bedrock:*:*:*${"a*".repeat(20)}${k}${i}`,
        ...(conditional ? { Condition: { StringLike: { "aws:RequestedRegion": "*" } } } : {}),
      });
      const inline = fill(
        10_240 * scale,
        [allow([PROFILE, `arn:aws:bedrock:ap-*::foundation-model/${SONNET_4}`]), { Effect: "Deny", Action: "bedrock:InvokeModel", Resource: model(denied()) }],
        deny(99),
      );
      const managed = Array.from({ length: 10 }, (_, k) => ({
        type: "aws:iam/policy:Policy",
        name: `m${k}`,
        inputs: {
          name: `m${k}`,
          arn: `arn:aws:iam::${ACCOUNT}:policy/m${k}`,
          policy: JSON.stringify(fill(6_144 * scale, [allow(["arn:aws:bedrock:*:*:inference-profile/*", "arn:aws:bedrock:*::foundation-model/*"])], deny(k))),
        },
      }));
      return {
        inline,
        managed,
        resources: [role("exec-role", { inlinePolicies: [{ name: "inline", policy: JSON.stringify(inline) }], managedPolicyArns: managed.map((m) => m.inputs.arn) }), ...managed],
      };
    };

    for (const conditional of [false, true]) {
      it(`judges a role at the quotas with ${conditional ? "conditional" : "plain"} wildcard Denies completely: the denied Region is found, nothing left unjudged`, async () => {
        const { inline, managed, resources } = atQuotas(conditional);
        assert.ok(policySize(JSON.stringify(inline)) <= 10_240);
        for (const m of managed) assert.ok(policySize(m.inputs.policy) <= 6_144);
        const found = await judge(resources);
        assert.ok(
          blocking(found).some((v) => v.message.includes(model(denied()))),
          "the literal grant's denied Region",
        );
        assert.ok(!found.some((v) => /not judged|only \d+ of/.test(v.message)), found.map((v) => v.message.split("\n")[0]).join("\n"));
        assert.ok(!found.some((v) => /IAM's own size quota/.test(v.message)), "never blames IAM's limits when they hold");
      });
    }

    it("past what it can judge (documents three times IAM's quotas): a mandatory 'not judged', lowered to advisory by config", async () => {
      const { resources } = atQuotas(true, 3);
      const found = await judge(resources);
      const unjudged = found.filter((v) => /^not judged: /.test(v.message));
      assert.ok(unjudged.length > 0, found.map((v) => v.message.split("\n")[0]).join("\n"));
      for (const v of unjudged) assert.equal(v.enforcementLevel, "mandatory");
      const lowered = await judge(resources, { [ROUTED]: { beyondLimits: "advisory" } });
      const notes = lowered.filter((v) => /^not judged: /.test(v.message));
      assert.ok(notes.length > 0);
      for (const v of notes) assert.equal(v.enforcementLevel, "advisory");
      assert.ok(advisory(lowered).length >= notes.length);
    });
  });
});

// Whatever a stack holds, the pack never crashes: malformed or unknown policies become clear diagnostics.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { InputResource, evaluateResources } from "../../tools/shared/evaluate-pack";
import { readableDocumentsPolicy } from "../../policy-pack/policies/readable-documents";
import { advisory, blocking, role, rolePolicy, run, stateMachine } from "./helpers";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("policy pack robustness", () => {
  it("reports malformed JSON as a violation that names the resource", async () => {
    const [v] = await run(readableDocumentsPolicy, [rolePolicy("broken", '{"Version": "2012-10-17", "Statement": [')]);
    assert.equal(v.enforcementLevel, "mandatory");
    assert.match(v.message, /RolePolicy 'broken': the policy is not valid JSON/);
  });

  it("reports a statement AWS would reject", async () => {
    const [v] = await run(readableDocumentsPolicy, [rolePolicy("p", { Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel" }] })]);
    assert.match(v.message, /statement #1: needs 'Resource' or 'NotResource'/);
  });

  it("notes (advisory) a policy unknown during preview, and unsupported operators", async () => {
    const unknownPolicy = await run(readableDocumentsPolicy, [rolePolicy("p", UNKNOWN)]);
    assert.deepEqual(blocking(unknownPolicy), []);
    assert.match(advisory(unknownPolicy)[0].message, /not known during preview/);
    const unknownInline = await run(readableDocumentsPolicy, [role("r", { inlinePolicies: [{ name: "x", policy: UNKNOWN }] })]);
    assert.match(advisory(unknownInline)[0].message, /inline policy 'x' of Role 'r'/);
    const ip = { Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }] };
    assert.match(advisory(await run(readableDocumentsPolicy, [rolePolicy("p", ip)]))[0].message, /IpAddress/);
  });

  it("never throws on arbitrary policy values and definitions, with every policy enabled", async () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const statement = fc.record(
      {
        Effect: fc.oneof(fc.constantFrom("Allow", "Deny"), json),
        Action: fc.oneof(fc.constantFrom("bedrock:InvokeModel", "*", ["bedrock:*", "s3:GetObject"]), json),
        Resource: fc.oneof(fc.constantFrom("*", "arn:aws:bedrock:*:*:inference-profile/*", "arn:aws:bedrock:ap-*::foundation-model/apac.x.y"), json),
        Condition: json,
      },
      { requiredKeys: [] },
    );
    const policy = fc.oneof(json, fc.string(), fc.constant(UNKNOWN), fc.record({ Statement: fc.oneof(statement, fc.array(statement, { maxLength: 3 }), json) }));
    const definition = fc.oneof(
      json,
      fc.string(),
      fc.constant(UNKNOWN),
      fc.record({
        StartAt: fc.constant("A"),
        States: fc.dictionary(
          fc.string(),
          fc.oneof(json, fc.record({ Type: fc.constant("Task"), Resource: fc.constant("arn:aws:states:::bedrock:invokeModel"), Arguments: json, Parameters: json })),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(policy, definition, async (p, d) => {
        const resources: InputResource[] = [
          role("exec-role", { inlinePolicies: [{ name: "i", policy: p }] }),
          { type: "aws:iam/rolePolicy:RolePolicy", name: "rp", inputs: { role: "exec-role", policy: p } },
          stateMachine("sm", d),
        ];
        const config = { "bedrock-data-residency": { allowedRegions: ["eu-*"], allowGlobalProfiles: false } };
        const violations = await evaluateResources(resources, { region: "eu-west-1", config });
        assert.ok(violations.every((v) => typeof v.message === "string" && v.message.length > 0));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("answers adversarial fuzzed documents (deep nesting, star runs, many statements) within a bound relative to a small one", async function () {
    this.timeout(120_000);
    const small = [
      rolePolicy("p", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: "arn:aws:bedrock:ap-*::foundation-model/x" }] }),
    ];
    // CPU time of this process, not wall time: on a loaded machine the wall clock also counts the time other
    // processes held the cores, which once made a 0.5 ms document look thousands of times slower.
    const run1 = async (resources: InputResource[]) => {
      const start = process.cpuUsage();
      const violations = await evaluateResources(resources, { region: "ap-northeast-1" });
      const used = process.cpuUsage(start);
      return { ms: (used.user + used.system) / 1000, violations };
    };
    await run1(small);
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) samples.push((await run1(small)).ms);
    const baseline = Math.max(samples.sort((a, b) => a - b)[2], 0.5);

    const stars = fc.integer({ min: 1, max: 3000 }).map((n) => "*".repeat(n));
    const starPattern = fc
      .tuple(stars, fc.constantFrom("Z", "a*b", "inference-profile/x", ""), fc.constantFrom("arn:aws:bedrock:", "arn:aws:bedrock:*:*:", ""))
      .map(([s, tail, head]) => `${head}${s}${tail}`);
    // Nesting depths are generated as numbers and built inside the property (fast-check prints generated values).
    const nested = fc.integer({ min: 100, max: 5000 }).map((depth) => ({ nestDepth: depth }));
    const build = (value: unknown): unknown => {
      if (typeof value !== "object" || value === null || !("nestDepth" in value)) return value;
      let v: unknown = "x";
      for (let i = 0; i < (value as { nestDepth: number }).nestDepth; i++) v = i % 2 ? [v] : { k: v };
      return v;
    };
    const statementOf = fc.record({
      Effect: fc.constantFrom("Allow", "Deny"),
      Action: fc.constantFrom("bedrock:InvokeModel", "bedrock:*", "*", "bedrock:InvokeModelWithResponseStream"),
      Resource: fc.oneof(starPattern, fc.constantFrom("*", "arn:aws:bedrock:ap-northeast-1:111122223333:*", "arn:aws:bedrock:*::foundation-model/*"), nested),
      Condition: fc.option(fc.record({ StringLike: fc.record({ "aws:RequestedRegion": starPattern }) }), { nil: undefined }),
    });
    const documentOf = fc.record({
      Version: fc.constantFrom("2012-10-17", "2008-10-17", "2012-10-18"),
      Statement: fc
        .tuple(fc.array(statementOf, { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 400 }))
        .map(([list, copies]) => Array.from({ length: copies }, (_, i) => list[i % list.length])),
    });
    let worst = 0;
    await fc.assert(
      fc.asyncProperty(documentOf, async (spec) => {
        // Each distinct nested value is built once and shared by its copies, as a DAG (the pack copies it once).
        const built = new Map<unknown, unknown>();
        const once = (r: unknown) => {
          if (!built.has(r)) built.set(r, build(r));
          return built.get(r);
        };
        const document = { ...spec, Statement: spec.Statement.map((st) => ({ ...st, Resource: once(st.Resource) })) };
        // As objects: a deep document cannot even be serialised by JSON.stringify.
        const rp: InputResource = { type: "aws:iam/rolePolicy:RolePolicy", name: "rp", inputs: { role: "exec-role", policy: document } };
        const { ms, violations } = await run1([role("exec-role", { inlinePolicies: [{ name: "i", policy: document }] }), rp]);
        assert.ok(violations.every((v) => typeof v.message === "string" && v.message.length > 0));
        assert.ok(
          !violations.some((v) => /could not be analysed/.test(v.message)),
          violations
            .map((v) => v.message)
            .join("\n")
            .slice(0, 400),
        );
        worst = Math.max(worst, ms / baseline);
      }),
      { numRuns: 40, seed: 8 },
    );
    // A ratio, not a wall-clock time: up to 400 statements with thousands of stars stay within 2,000 small documents.
    assert.ok(worst < 2000, `worst case x${worst.toFixed(0)} of the baseline (${baseline.toFixed(2)} ms)`);
  });
});

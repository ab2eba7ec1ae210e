// Property over the whole routing catalog: the pack accepts the exact role policy the component writes for every
// (system profile, source Region) pair, and rejects it once one routed Region or the profile ARN is taken out.
import { strict as assert } from "node:assert";
import { foundationModelArn } from "../../src/bedrock/arn";
import { PolicyDocument } from "../../src/bedrock/grants";
import { ResolvedModel, resolveModel } from "../../src/bedrock/resolve";
import { rolePolicyDocument } from "../../src/bedrock/role-policy";
import { catalogProfile, catalogProfileIds } from "../../src/bedrock/routing";
import { evaluateResources } from "../../tools/shared/evaluate-pack";
import { policies } from "../../policy-pack/policies";
import { ACCOUNT, blocking, rolePolicy } from "./helpers";

// Every policy that judges IAM documents (the stack view needs a state machine, so it is tested elsewhere).
const resourcePolicies = policies.filter((p) => p.name !== "bedrock-state-machine-role");

function everyPair(): ResolvedModel[] {
  return catalogProfileIds().flatMap((profileId) =>
    Object.keys(catalogProfile(profileId)!.sourceToDestinations).map((sourceRegion) => resolveModel({ modelId: profileId, sourceRegion, account: ACCOUNT })),
  );
}

function componentPolicy(model: ResolvedModel): PolicyDocument {
  return rolePolicyDocument({
    model,
    payloadBucketArn: "arn:aws:s3:::bedrock-sfn-payloads-dev",
    inputPrefix: "input/",
    outputPrefix: "output/",
    logGroupArn: `arn:aws:logs:${model.sourceRegion}:${ACCOUNT}:log-group:/aws/vendedlogs/states/bedrock-sfn`,
    tracing: true,
  });
}

/** The routed model ARNs a mutation can take out: one per destination Region (global: source Region and Region-less). */
function routedModelArns(model: ResolvedModel): { label: string; arn: string }[] {
  const regions = model.routing.kind === "regions" ? model.routing.regions : [model.sourceRegion, ""];
  return regions.map((r) => ({ label: r === "" ? "Region-less" : r, arn: foundationModelArn(model.partition, r, model.foundationModelId!) }));
}

/** The document without one resource ARN (statements left empty are dropped). */
function without(document: PolicyDocument, arn: string): PolicyDocument {
  const statements = document.Statement.map((s) => ({ ...s, Resource: ([] as string[]).concat(s.Resource).filter((r) => r !== arn) }));
  return { ...document, Statement: statements.filter((s) => s.Resource.length > 0) };
}

const judge = (document: PolicyDocument) => evaluateResources([rolePolicy("exec-policy", document)], { policies: resourcePolicies });

describe("policy pack over every catalogued profile and source Region", () => {
  const models = everyPair();

  it("covers the whole catalog", () => {
    assert.equal(
      models.length,
      catalogProfileIds().reduce((n, id) => n + Object.keys(catalogProfile(id)!.sourceToDestinations).length, 0),
    );
    assert.ok(models.some((m) => m.routing.kind === "global") && models.some((m) => m.routing.kind === "regions"));
  });

  it("accepts the component's role policy for each pair, without even an advisory finding", async () => {
    for (const model of models) {
      const violations = await judge(componentPolicy(model));
      assert.deepEqual(violations, [], `${model.modelId} from ${model.sourceRegion}`);
    }
  });

  it("rejects it once any one routed Region is missing, naming that Region and its ARN", async () => {
    let mutations = 0;
    for (const model of models) {
      for (const { label, arn } of routedModelArns(model)) {
        const violations = blocking(await judge(without(componentPolicy(model), arn)));
        const where = `${model.modelId} from ${model.sourceRegion} without ${label}`;
        assert.ok(violations.length > 0, `${where}: accepted`);
        assert.ok(
          violations.some((v) => v.message.includes(label) && v.message.includes(arn)),
          `${where}: ${violations.map((v) => v.message).join("\n")}`,
        );
        mutations++;
      }
    }
    assert.ok(mutations > models.length);
  });

  it("rejects it once the profile ARN is missing, naming the profile ARN", async () => {
    for (const model of models) {
      const violations = blocking(await judge(without(componentPolicy(model), model.invokedArn)));
      assert.ok(
        violations.some((v) => v.message.includes(model.invokedArn)),
        `${model.modelId} from ${model.sourceRegion}: ${violations.map((v) => v.message).join("\n")}`,
      );
    }
  });
});

// Fallback models on the local cloud: the primary stays throttled (injected by the Bedrock stand-in), the same request
// goes to the next model, routed and authorised against the stack's own role; the role's grants for every model of
// the chain are checked with @cloud-copilot/iam-simulate (dev-only).
import * as assert from "node:assert/strict";
import type { PolicyDocument } from "../../../src/bedrock/grants";
import { resolveModel } from "../../../src/bedrock/resolve";
import { fallbackStateName, STATE_NAMES } from "../../../src/workflow";
import { destinationsOf, requestsForLanding } from "../../../tools/local/cloud/bedrock-routing";
import { cloudStackFrom, type CloudStack } from "../../../tools/local/cloud/cloud-stack";
import { startLocalCloud } from "../../../tools/local/cloud/local-cloud";
import { runLocalExecution } from "../../../tools/local/clients/local-run";
import type { FaultPlan } from "../../../tools/local/stand-ins/bedrock-stand-in";
import { synthesize } from "../../../tools/cli/lib/synth";
import { evaluateResources, type InputResource } from "../../../tools/shared/evaluate-pack";
import { simulate } from "../../support/simulate";

// Pinned: the primary a global profile from Tokyo; the fallbacks a profile in another geography (jp.) and a smaller
// model of another family (Nova, apac.).
const PRIMARY = "global.anthropic.claude-opus-4-6-v1";
const JP_SONNET = "jp.anthropic.claude-sonnet-4-5-20250929-v1:0";
const APAC_NOVA = "apac.amazon.nova-lite-v1:0";
const CHAIN = { "bedrock-sfn:modelId": PRIMARY, "bedrock-sfn:fallbackModels": JSON.stringify([JP_SONNET, APAC_NOVA]) };

const stackWith = async (overrides: Record<string, string>): Promise<CloudStack> => cloudStackFrom(await synthesize({ stack: "dev", overrides }));

async function runOn(stack: CloudStack, faults: FaultPlan, rolePolicies?: CloudStack["rolePolicies"]) {
  const cloud = await startLocalCloud({ stack, faults, seed: 3, ...(rolePolicies ? { rolePolicies } : {}) });
  try {
    const report = await runLocalExecution(stack, { input: { prompt: "Summarise the ticket." }, environment: cloud, timeScale: 0.0001 });
    return { report, calls: [...cloud.bedrock.calls] };
  } finally {
    await cloud.close();
  }
}

describe("local cloud: fallback models under injected throttling", function () {
  this.timeout(120_000);
  let stack: CloudStack;
  before(async () => {
    stack = await stackWith(CHAIN);
  });

  it("the primary throttled on every attempt: the jp. profile answers, routed into Japan, and the output names it", async () => {
    const { report, calls } = await runOn(stack, { byModel: { [PRIMARY]: "ThrottlingException" } });
    assert.equal(report.status, "SUCCEEDED", `${report.error}: ${report.cause}`);
    assert.deepEqual(report.states, [STATE_NAMES.invokeModel, fallbackStateName(1)]);
    assert.equal((report.output as { model: string }).model, JP_SONNET);
    const primary = calls.filter((c) => c.modelId === PRIMARY);
    assert.ok(primary.length > 1 && primary.every((c) => c.fault === "ThrottlingException"), "the primary was retried, then given up");
    const answered = calls.at(-1)!;
    assert.equal(answered.modelId, JP_SONNET);
    assert.equal(answered.status, 200);
    assert.ok(destinationsOf(resolveModel({ modelId: JP_SONNET, sourceRegion: "ap-northeast-1", account: stack.account })).includes(answered.routedRegion!));
  });

  it("the next model not ready either: Nova answers, with a body in its own family's format", async () => {
    const { report, calls } = await runOn(stack, { byModel: { [PRIMARY]: "ThrottlingException", [JP_SONNET]: "ModelNotReadyException" } });
    assert.equal(report.status, "SUCCEEDED", `${report.error}: ${report.cause}`);
    assert.deepEqual(report.states, [STATE_NAMES.invokeModel, fallbackStateName(1), fallbackStateName(2)]);
    assert.equal((report.output as { model: string }).model, APAC_NOVA);
    const nova = calls.at(-1)!;
    assert.equal(nova.modelId, APAC_NOVA);
    const body = JSON.parse(nova.body.toString()) as Record<string, unknown>;
    // Nova's Messages format (inferenceConfig), not Anthropic's (anthropic_version).
    assert.ok("inferenceConfig" in body && !("anthropic_version" in body), JSON.stringify(body));
  });

  it("a role without the fallbacks' grants is refused on the fallback call, as AWS would", async () => {
    const primaryOnly = await stackWith({ "bedrock-sfn:modelId": PRIMARY });
    const { report, calls } = await runOn(stack, { byModel: { [PRIMARY]: "ThrottlingException" } }, primaryOnly.rolePolicies);
    assert.equal(report.status, "FAILED");
    assert.equal(report.error, "Bedrock.AccessDeniedException");
    assert.equal(calls.at(-1)!.modelId, JP_SONNET);
  });

  it("iam-simulate allows every check of every landing of every model of the chain with the stack's role", async () => {
    const policies = stack.rolePolicies.map((p) => (typeof p.policy === "string" ? JSON.parse(p.policy) : p.policy) as PolicyDocument);
    for (const modelId of [PRIMARY, JP_SONNET, APAC_NOVA]) {
      const model = resolveModel({ modelId, sourceRegion: "ap-northeast-1", account: stack.account });
      for (const region of destinationsOf(model).slice(0, 10)) {
        for (const request of requestsForLanding(model, region)) {
          assert.equal(await simulate(policies, request, stack.account), "Allowed", `${modelId} landing in ${region}: ${request.action} on ${request.resource}`);
        }
      }
    }
    // And nothing more: a model outside the chain is not allowed.
    const other = resolveModel({ modelId: "apac.amazon.nova-pro-v1:0", sourceRegion: "ap-northeast-1", account: stack.account });
    const [first] = requestsForLanding(other, "ap-northeast-1");
    assert.notEqual(await simulate(policies, first, stack.account), "Allowed");
  });

  it("the policy pack passes the chain's stack, and flags a role that lacks a fallback's grants", async () => {
    const result = await synthesize({ stack: "dev", overrides: CHAIN });
    const resources: InputResource[] = result.resources.map(({ outputs, ...r }) => ({ ...r, id: r.id, outputs }));
    const mandatory = (await evaluateResources(resources, { region: "ap-northeast-1" })).filter((v) => v.enforcementLevel === "mandatory");
    assert.deepEqual(mandatory, []);
    // The same definition with the primary-only stack's role policy.
    const primaryOnly = await synthesize({ stack: "dev", overrides: { "bedrock-sfn:modelId": PRIMARY } });
    const narrowPolicy = primaryOnly.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.endsWith("-invoke"))!.inputs.policy;
    const swapped = resources.map((r) =>
      r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.endsWith("-invoke") ? { ...r, inputs: { ...r.inputs, policy: narrowPolicy }, outputs: undefined } : r,
    );
    const flagged = (await evaluateResources(swapped, { region: "ap-northeast-1" })).filter((v) => v.enforcementLevel === "mandatory");
    assert.ok(
      flagged.some((v) => v.message.includes(JP_SONNET)),
      flagged.map((v) => `${v.policyName}: ${v.message}`).join("\n"),
    );
  });
});

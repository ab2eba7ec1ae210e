// How fast our IAM matcher decides the routed requests of the whole catalog, and how fast the pack judges the
// component's role policy (what `pulumi preview --policy-pack` adds per IAM resource).
import { routedRequests } from "../../src/bedrock/grants";
import { resolveModel } from "../../src/bedrock/resolve";
import { rolePolicyDocument } from "../../src/bedrock/role-policy";
import { catalogProfile, catalogProfileIds } from "../../src/bedrock/routing";
import { evaluateRequest, readPolicyDocument } from "../../src/iam";
import { evaluateResources } from "../shared/evaluate-pack";
import { report, time } from "./timing";

function models() {
  return catalogProfileIds().flatMap((id) =>
    Object.keys(catalogProfile(id)!.sourceToDestinations).map((sourceRegion) => resolveModel({ modelId: id, sourceRegion, account: "123456789012" })),
  );
}

export async function main(): Promise<void> {
  const all = models();
  const cases = all.map((model) => {
    const policy = rolePolicyDocument({
      model,
      payloadBucketArn: "arn:aws:s3:::payloads",
      inputPrefix: "input/",
      outputPrefix: "output/",
      logGroupArn: `arn:aws:logs:${model.sourceRegion}:123456789012:log-group:x`,
      tracing: true,
    });
    return { policy, requests: routedRequests(model) };
  });
  const requestCount = cases.reduce((n, c) => n + c.requests.length, 0);

  const parsed = cases.map((c) => ({ document: readPolicyDocument(c.policy, "bench").document!, requests: c.requests }));
  const decide = await time(cases.length * 10, (i) => {
    const { document, requests } = parsed[i % parsed.length];
    for (const request of requests) evaluateRequest(request, [document]);
  });
  report(`iam: decide routed requests (${requestCount} over ${cases.length} pairs)`, decide, "document");

  const parse = await time(cases.length * 10, (i) => readPolicyDocument(JSON.stringify(cases[i % cases.length].policy), "bench"));
  report("iam: read a role policy from JSON", parse, "document");

  const pack = await time(cases.length, (i) =>
    evaluateResources([{ type: "aws:iam/rolePolicy:RolePolicy", name: "p", inputs: { role: "r", policy: JSON.stringify(cases[i].policy) } }]),
  );
  report("policy pack: all policies on the component's policy", pack, "resource");

  const wildcard = {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "bedrock:InvokeModel", Resource: ["arn:aws:bedrock:*:*:inference-profile/*", "arn:aws:bedrock:*::foundation-model/*"] }],
  };
  const sam = await time(20, () => evaluateResources([{ type: "aws:iam/rolePolicy:RolePolicy", name: "p", inputs: { role: "r", policy: JSON.stringify(wildcard) } }]));
  report(`policy pack: a wildcard grant over all ${cases.length} catalog pairs`, sam, "resource");
}

if (require.main === module) main();

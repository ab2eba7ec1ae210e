// The role a seed write-up first wrote by hand for a cross-Region profile: the profile ARN and the foundation model
// in the source Region only (docs/iam-grants.md). Every call routed to another Region is refused.
// Its other statements (payload bucket, logs) are the stack's own, so that only the Bedrock grant differs.

import { foundationModelArn } from "../../../src/bedrock/arn";
import { INVOKE_MODEL, type PolicyDocument, type PolicyStatement } from "../../../src/bedrock/grants";
import type { CloudStack } from "./cloud-stack";
import type { RolePolicySource } from "./execution-role";

export function handWrittenSeedPolicy(stack: CloudStack): RolePolicySource {
  const { model } = stack;
  const bedrockResources = [model.invokedArn];
  if (model.foundationModelId) bedrockResources.push(foundationModelArn(model.partition, model.sourceRegion, model.foundationModelId));
  const others = stack.rolePolicies.flatMap(({ policy }) => statementsOf(policy)).filter((statement) => !grantsBedrock(statement));
  const document: PolicyDocument = {
    Version: "2012-10-17",
    Statement: [{ Sid: "InvokeModelHandWritten", Effect: "Allow", Action: INVOKE_MODEL, Resource: [...new Set(bedrockResources)] }, ...others],
  };
  return { source: "the seed write-up's hand-written role (profile + source-Region model)", policy: document };
}

function statementsOf(policy: unknown): PolicyStatement[] {
  const document = (typeof policy === "string" ? JSON.parse(policy) : policy) as { Statement?: PolicyStatement | PolicyStatement[] };
  const statements = document.Statement ?? [];
  return Array.isArray(statements) ? statements : [statements];
}

function grantsBedrock(statement: PolicyStatement): boolean {
  const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
  return actions.some((action) => action.toLowerCase().startsWith("bedrock:"));
}

// What the local cloud needs from a stack, on top of what a local run needs: the execution role (its ARN and
// policies, as synth or the offline engine recorded them), the model resolved as the program resolved it, and the
// workflow type (EXPRESS runs synchronously behind the Step Functions endpoint).

import { resolveModel, type ResolvedModel } from "../../../src/bedrock/resolve";
import { readSettings, type WorkflowType } from "../../../stack/settings";
import { localStackFrom, type LocalStack, type SynthesizedStack } from "../clients/local-stack";
import type { RolePolicySource } from "./execution-role";

const ROLE_POLICY_TYPE = "aws:iam/rolePolicy:RolePolicy";
const ROLE_TYPE = "aws:iam/role:Role";

export interface CloudStack extends LocalStack {
  region: string;
  account: string;
  workflowType: WorkflowType;
  stateMachineName: string;
  roleArn: string;
  /** The role's inline policies (RolePolicy resources and the Role's own inlinePolicies). */
  rolePolicies: RolePolicySource[];
  model: ResolvedModel;
}

export function cloudStackFrom(synth: SynthesizedStack): CloudStack {
  const local = localStackFrom(synth);
  const settings = readSettings((key) => synth.config[key]);
  const arn = /^arn:[^:]+:states:([^:]+):(\d{12}):stateMachine:(.+)$/.exec(local.stateMachineArn);
  if (!arn) throw new Error(`stack output 'stateMachineArn' '${local.stateMachineArn}' is not a state machine ARN`);
  const [, region, account, stateMachineName] = arn;
  const roleArn = synth.outputs.roleArn;
  if (typeof roleArn !== "string" || roleArn === "") throw new Error("stack output 'roleArn' is missing");
  // A definition of your own may call several models (the stack output lists them); the router resolves the
  // others as calls arrive, and the first one anchors --route and the partition.
  const modelId = local.ownDefinition
    ? String(synth.outputs.modelId ?? "")
        .split(", ")
        .find(Boolean)
    : settings.modelId;
  if (!modelId) throw new Error("the stack's definition calls no Bedrock model, so the local cloud has nothing to route");
  const model = resolveModel({
    modelId,
    sourceRegion: settings.region,
    account,
    ...(local.ownDefinition ? {} : { configuredRegions: settings.destinationRegions, underlyingModelId: settings.underlyingModelId }),
  });
  const workflowType = synth.outputs.workflowType === "EXPRESS" || synth.outputs.workflowType === "STANDARD" ? synth.outputs.workflowType : settings.workflowType;
  return { ...local, region, account, workflowType, stateMachineName, roleArn, rolePolicies: rolePoliciesOf(synth, roleArn.split("/").pop()), model };
}

/**
 * Every inline policy of the stack's role(s), named after the resource that holds it; with `roleName`, only
 * RolePolicies attached to that role (a stack can hold other roles, such as the API front door's).
 */
function rolePoliciesOf(synth: Pick<SynthesizedStack, "resources">, roleName?: string): RolePolicySource[] {
  const policies: RolePolicySource[] = [];
  for (const resource of synth.resources) {
    const otherRole = roleName !== undefined && typeof resource.inputs.role === "string" && resource.inputs.role !== roleName;
    if (resource.type === ROLE_POLICY_TYPE && resource.inputs.policy !== undefined && !otherRole) {
      policies.push({ source: `${ROLE_POLICY_TYPE} '${resource.name}'`, policy: resource.inputs.policy });
    }
    if (resource.type === ROLE_TYPE && Array.isArray(resource.inputs.inlinePolicies)) {
      for (const inline of resource.inputs.inlinePolicies as { name?: string; policy?: unknown }[]) {
        // The AWS provider records a role without inline policies as `[{name: "", policy: ""}]`.
        if (inline?.policy !== undefined && inline.policy !== "")
          policies.push({ source: `${ROLE_TYPE} '${resource.name}' inline policy '${inline.name ?? "?"}'`, policy: inline.policy });
      }
    }
  }
  return policies;
}

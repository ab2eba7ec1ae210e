// One shape for the resources the policies look at, whether they come from the Analyze call (one resource),
// the AnalyzeStack call (all of them) or a recorded resource list (the offline tools' evaluateResources).
import { plainProperties } from "./values";

export const TYPES = {
  policy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  role: "aws:iam/role:Role",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  awsProvider: "pulumi:providers:aws",
  // aws-native (Cloud Control) types: the same IAM objects under CloudFormation's property names.
  nativeRole: "aws-native:iam:Role",
  nativeRolePolicy: "aws-native:iam:RolePolicy",
  nativeUserPolicy: "aws-native:iam:UserPolicy",
  nativeGroupPolicy: "aws-native:iam:GroupPolicy",
  nativeManagedPolicy: "aws-native:iam:ManagedPolicy",
  nativeStateMachine: "aws-native:stepfunctions:StateMachine",
  awsNativeProvider: "pulumi:providers:aws-native",
} as const;

export const ROLE_TYPES: string[] = [TYPES.role, TYPES.nativeRole];
export const MANAGED_POLICY_TYPES: string[] = [TYPES.policy, TYPES.nativeManagedPolicy];
export const STATE_MACHINE_TYPES: string[] = [TYPES.stateMachine, TYPES.nativeStateMachine];

export interface PackResource {
  type: string;
  name: string;
  urn: string;
  /** Plain properties; values unknown during preview are `Unknown` markers. */
  props: Record<string, unknown>;
  /** The Region of the resource's AWS provider, when the engine tells it. */
  providerRegion?: string;
  /** Property name -> URNs of the resources its value came from (stack analysis only). */
  propertyDependencies: Record<string, string[]>;
}

/** `RolePolicy 'exec'`: short enough for messages, precise enough to find the resource. */
export function describeResource(resource: Pick<PackResource, "type" | "name">): string {
  const kind = resource.type.split(":").pop() || resource.type;
  return `${kind} '${resource.name}'`;
}

interface ProviderLike {
  props?: unknown;
}

export interface ResourceInput {
  type: string;
  name: string;
  urn?: string;
  props: unknown;
  provider?: ProviderLike;
  propertyDependencies?: Record<string, { urn: string }[]>;
}

export function toPackResource(input: ResourceInput): PackResource {
  const providerProps = input.provider?.props !== undefined ? plainProperties(input.provider.props) : {};
  const region = providerProps.region;
  const propertyDependencies: Record<string, string[]> = {};
  for (const [key, deps] of Object.entries(input.propertyDependencies ?? {})) {
    propertyDependencies[key] = deps.map((d) => d.urn);
  }
  return {
    type: input.type,
    name: input.name,
    urn: input.urn ?? `urn:pulumi:stack::project::${input.type}::${input.name}`,
    props: plainProperties(input.props),
    providerRegion: typeof region === "string" && region !== "" ? region : undefined,
    propertyDependencies,
  };
}

// Terraform plans (`terraform show -json plan.out`) -> the resources the pack judges. The AWS provider's resources map
// one to one onto Pulumi's classic aws types (Pulumi's aws provider is built from Terraform's), so only the names
// change case. Values come from planned_values; a value known only after apply (a state machine's role_arn, a policy's
// ARN) is an unknown, and its link comes from the configuration's references, as the engine's property dependencies.
// Format: https://developer.hashicorp.com/terraform/internals/json-format (read 2026-12-05).
import { UNKNOWN } from "./intrinsics";
import type { CheckInput, Source } from "./source";

/** Terraform type -> Pulumi type, and attribute -> property where the names differ by more than case. */
const TYPES: Record<string, { type: string; rename?: Record<string, string>; mirrored?: string[] }> = {
  // A role's inline_policy and managed_policy_arns, when the configuration does not set them, are computed from the
  // aws_iam_role_policy and attachment resources, which are read themselves: unknown then means "the others".
  aws_iam_role: { type: "aws:iam/role:Role", rename: { inline_policy: "inlinePolicies" }, mirrored: ["inline_policy", "managed_policy_arns"] },
  aws_iam_role_policy: { type: "aws:iam/rolePolicy:RolePolicy" },
  aws_iam_policy: { type: "aws:iam/policy:Policy" },
  aws_iam_role_policy_attachment: { type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment" },
  aws_iam_policy_attachment: { type: "aws:iam/policyAttachment:PolicyAttachment" },
  aws_sfn_state_machine: { type: "aws:sfn/stateMachine:StateMachine" },
};

interface PlannedResource {
  address: string;
  mode?: string;
  type: string;
  values?: Record<string, unknown>;
}

interface ConfigResource {
  address: string;
  type: string;
  provider_config_key?: string;
  expressions?: Record<string, { references?: string[]; constant_value?: unknown }>;
}

interface ConfigModule {
  resources?: ConfigResource[];
  module_calls?: Record<string, { module?: ConfigModule }>;
}

const urnOf = (type: string, name: string) => `urn:pulumi:stack::project::${type}::${name}`;

export function terraformResources(source: Source, fallbackRegion: string): CheckInput {
  const plan = source.value as {
    planned_values?: { root_module?: PlannedModule };
    resource_changes?: { address: string; change?: { after_unknown?: Record<string, unknown> } }[];
    configuration?: { provider_config?: Record<string, { expressions?: Record<string, { constant_value?: unknown; references?: string[] }> }>; root_module?: ConfigModule };
    variables?: Record<string, { value?: unknown }>;
  };
  const planned = plannedResources(plan.planned_values?.root_module);
  const unknowns = new Map((plan.resource_changes ?? []).map((c) => [c.address, c.change?.after_unknown ?? {}]));
  const config = new Map<string, ConfigResource>();
  configResources(plan.configuration?.root_module, "", config);

  const variable = (reference: string) => (reference.startsWith("var.") ? plan.variables?.[reference.slice(4)]?.value : undefined);
  const regionOf = (key: string | undefined) => {
    // A module's resources name their provider "<module>:aws" when the root passes it down.
    const providers = plan.configuration?.provider_config ?? {};
    const expression = (providers[key ?? "aws"] ?? providers[(key ?? "aws").slice((key ?? "aws").lastIndexOf(":") + 1)])?.expressions?.region;
    const value = expression?.constant_value ?? expression?.references?.map(variable).find((v) => typeof v === "string");
    return typeof value === "string" ? value : undefined;
  };
  const region = regionOf("aws") ?? fallbackRegion;
  const input: CheckInput = { resources: [], locations: new Map(), notes: [], region };
  const byBase = new Map<string, PlannedResource[]>();
  for (const r of planned) {
    const base = withoutIndex(r.address);
    byBase.set(base, [...(byBase.get(base) ?? []), r]);
  }

  for (const resource of planned) {
    const spec = TYPES[resource.type];
    if (!spec || resource.mode === "data") continue;
    const configured = config.get(withoutIndex(resource.address));
    const afterUnknown = unknowns.get(resource.address) ?? {};
    const props: Record<string, unknown> = {};
    const propertyDependencies: Record<string, string[]> = {};
    const attributes = new Set([...Object.keys(resource.values ?? {}), ...Object.keys(afterUnknown), ...Object.keys(configured?.expressions ?? {})]);
    for (const attribute of attributes) {
      if (attribute === "__proto__") continue; // No provider attribute is named so; it must not become the prototype.
      const property = spec.rename?.[attribute] ?? camel(attribute);
      const value = resource.values?.[attribute];
      if (spec.mirrored?.includes(attribute) && !configured?.expressions?.[attribute] && afterUnknown[attribute] === true) continue;
      if (afterUnknown[attribute] === true || (value === undefined && configured?.expressions?.[attribute]?.references)) props[property] = UNKNOWN;
      else if (value !== undefined && value !== null) props[property] = value;
      // Terraform names the resource and its attribute (aws_iam_role.x.arn); the engine would name the resource.
      const targets = (configured?.expressions?.[attribute]?.references ?? []).flatMap((ref) => referencedResources(ref, resource.address, byBase));
      if (targets.length > 0) propertyDependencies[property] = [...new Set(targets.map((t) => urnOf(TYPES[t.type].type, t.address)))];
    }
    const providerRegion = configured?.provider_config_key && configured.provider_config_key !== "aws" ? regionOf(configured.provider_config_key) : undefined;
    if (providerRegion && props.region === undefined) props.region = providerRegion;
    input.resources.push({ type: spec.type, name: resource.address, urn: urnOf(spec.type, resource.address), props, propertyDependencies });
    input.locations.set(resource.address, { label: resource.address });
  }
  if (!regionOf("aws")) input.notes.push({ message: `the plan's aws provider names no Region: judged as deployed in ${fallbackRegion}` });
  return input;
}

interface PlannedModule {
  resources?: PlannedResource[];
  child_modules?: PlannedModule[];
}

function plannedResources(module: PlannedModule | undefined): PlannedResource[] {
  if (!module) return [];
  return [...(module.resources ?? []), ...(module.child_modules ?? []).flatMap(plannedResources)];
}

/** Configuration resources by address; a module's addresses gain its `module.<name>.` prefix, as in planned_values. */
function configResources(module: ConfigModule | undefined, prefix: string, out: Map<string, ConfigResource>): void {
  if (!module) return;
  for (const r of module.resources ?? []) out.set(`${prefix}${r.address}`, r);
  for (const [name, call] of Object.entries(module.module_calls ?? {})) configResources(call.module, `${prefix}module.${name}.`, out);
}

/** The modelled resources a reference such as `aws_iam_role.sfn.arn` names, within the referring resource's module. */
function referencedResources(reference: string, from: string, byBase: Map<string, PlannedResource[]>): PlannedResource[] {
  const module = from.match(/^((?:module\.[^.]+(?:\[[^\]]*\])?\.)*)/)?.[1] ?? "";
  const parts = reference.split(".");
  for (let n = parts.length; n >= 2; n--) {
    const found = byBase.get(`${module}${withoutIndex(parts.slice(0, n).join("."))}`);
    if (found && TYPES[found[0].type]) return found;
  }
  return [];
}

function withoutIndex(address: string): string {
  return address.replace(/\[[^\]]*\]$/, "");
}

function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

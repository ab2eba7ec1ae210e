// The policies as a factory, so an organisation can assemble its own pack (its own name, enforcement levels and
// baked-in configuration) from the same rules, as awsguard exports AwsGuard. index.ts serves the defaults.
import type { EnforcementLevel, Policies, Policy, PolicyConfigSchema, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { BedrockSfnError } from "bedrock-sfn/domain";
import { policies as defaultPolicies } from "./index";

/** The names of the pack's policies, as the CLI lists them and as `--policy-pack-config` keys them. */
export const POLICY_NAMES = defaultPolicies.map((p) => p.name);

export interface BedrockPoliciesOptions {
  /** Every policy at this level, unless `enforcementLevels` names it. Default: each policy's own level. */
  enforcementLevel?: EnforcementLevel;
  /** Per policy name, its enforcement level ("advisory", "mandatory", "remediate" or "disabled"). */
  enforcementLevels?: Record<string, EnforcementLevel>;
  /**
   * Per policy name, configuration baked into the pack: it becomes the schema's default (what the CLI sends when
   * `--policy-pack-config` does not set it) and what a direct call of the policy sees. Only policies with a
   * configuration schema accept it (bedrock-data-residency, bedrock-least-privilege, bedrock-profile-routed-regions: beyondLimits), only with keys of their schema.
   */
  config?: Record<string, Record<string, unknown>>;
}

/**
 * A user error in the factory's options: names the option, the bad value and the valid choices. A BedrockSfnError
 * (kind "policy-pack-options", `argument` the option), like every user error of the project.
 */
export class BedrockPoliciesOptionsError extends BedrockSfnError {
  declare readonly kind: "policy-pack-options";
  constructor(message: string, option?: string) {
    super("policy-pack-options", message, option);
  }
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** The pack's policies with the given levels and configuration; the defaults give exactly the published pack. */
export function bedrockPolicies(options: BedrockPoliciesOptions = {}): Policies {
  checkLevel("enforcementLevel", options.enforcementLevel);
  for (const [name, level] of Object.entries(options.enforcementLevels ?? {})) {
    checkName("enforcementLevels", name);
    checkLevel(`enforcementLevels.${name}`, level);
  }
  for (const name of Object.keys(options.config ?? {})) checkName("config", name);
  return defaultPolicies.map((policy) => {
    const level = options.enforcementLevels?.[policy.name] ?? options.enforcementLevel ?? policy.enforcementLevel;
    const baked = options.config?.[policy.name];
    const configured = baked === undefined ? policy : withConfig(policy, baked);
    return { ...configured, enforcementLevel: level } as Policy;
  });
}

function checkName(option: string, name: string): void {
  if (!POLICY_NAMES.includes(name)) {
    throw new BedrockPoliciesOptionsError(`${option}: unknown policy '${name}'; the policies are ${POLICY_NAMES.join(", ")}`, `${option}.${name}`);
  }
}

function checkLevel(option: string, level: unknown): void {
  if (level !== undefined && !LEVELS.includes(level as EnforcementLevel)) {
    throw new BedrockPoliciesOptionsError(`${option}: ${JSON.stringify(level)} is not an enforcement level; use one of ${LEVELS.join(", ")}`, option);
  }
}

function withConfig(policy: Policy, baked: Record<string, unknown>): Policy {
  const schema = policy.configSchema;
  if (!schema) throw new BedrockPoliciesOptionsError(`config.${policy.name}: this policy takes no configuration`, `config.${policy.name}`);
  for (const key of Object.keys(baked)) {
    if (!(key in schema.properties)) {
      throw new BedrockPoliciesOptionsError(
        `config.${policy.name}.${key}: unknown key; valid keys are ${Object.keys(schema.properties).join(", ")}`,
        `config.${policy.name}.${key}`,
      );
    }
  }
  const properties: PolicyConfigSchema["properties"] = {};
  for (const [key, spec] of Object.entries(schema.properties)) properties[key] = key in baked ? ({ ...spec, default: baked[key] } as typeof spec) : spec;
  // The CLI sends schema defaults; a direct call (evaluate.ts, tests) sends nothing, so merge the baked values too.
  const configGetter = <A extends { getConfig: <T extends object>() => T }>(args: A): A => {
    const view = Object.create(args) as A;
    view.getConfig = (<T extends object>() => ({ ...baked, ...(args.getConfig<object>() ?? {}) }) as T) as A["getConfig"];
    return view;
  };
  const copy = { ...policy, configSchema: { ...schema, properties } };
  const resource = (copy as ResourceValidationPolicy).validateResource;
  if (resource) {
    const one =
      (f: ResourceValidation): ResourceValidation =>
      (args, report) =>
        f(configGetter(args), report);
    return { ...copy, validateResource: Array.isArray(resource) ? resource.map(one) : one(resource) } as ResourceValidationPolicy;
  }
  const stack = (copy as StackValidationPolicy).validateStack;
  return { ...copy, validateStack: (args, report) => stack(configGetter(args), report) } as StackValidationPolicy;
}

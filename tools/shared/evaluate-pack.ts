// Runs the pack's real policy objects (their validateResource / validateStack functions) over a resource list,
// without the Pulumi CLI: for `npm start` (policy results of the synthesized stack, offline) and for tests.
// The CLI's engine does more (serialisation, unknowns from real previews); the gRPC test covers that path.
import type {
  EnforcementLevel,
  Policy,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type RecordedResource, recordedState } from "./recorded-resources";
import { policies as allPolicies } from "../../policy-pack/policies";

/**
 * A resource as tools/cli/lib/synth.ts produces it (`inputs`), or with `props`. Give `id` and `outputs` (the
 * provider's state) when known: the engine's stack analysis sees outputs, and links such as a RolePolicy's
 * `role` (the role's id) or a state machine's `roleArn` can only be followed with them.
 */
export interface InputResource extends Omit<RecordedResource, "inputs"> {
  inputs?: Record<string, unknown>;
  props?: Record<string, unknown>;
  /** Property name -> URNs of the resources its value came from, as the engine reports them. */
  propertyDependencies?: Record<string, string[]>;
}

/** Per policy: an enforcement level, or an object with `enforcementLevel` and the policy's config properties. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface EvaluateOptions {
  config?: PackConfig;
  /** The stack's aws:region, given to every resource as its provider's Region. */
  region?: string;
  /** Restrict to these policies (by name); all by default. */
  policies?: Policy[];
}

export interface PackViolation {
  policyName: string;
  enforcementLevel: EnforcementLevel;
  message: string;
  /** The resource's name (resource policies) or the URN a stack policy named. */
  resource?: string;
}

const OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

class NotApplicable extends Error {}

export async function evaluateResources(resources: InputResource[], options: EvaluateOptions = {}): Promise<PackViolation[]> {
  const violations: PackViolation[] = [];
  const provider = options.region
    ? { type: "pulumi:providers:aws", name: "default", urn: "urn:pulumi:stack::project::pulumi:providers:aws::default", props: { region: options.region } }
    : undefined;
  const prepared = resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn ?? `urn:pulumi:stack::project::${r.type}::${r.name}`,
    props: r.props ?? recordedState(r),
    propertyDependencies: r.propertyDependencies ?? {},
  }));

  // Built once for every stack policy (the engine, too, gives its policies one view of the stack): per policy, a
  // copy of every resource was most of the pack's time on a large template.
  let stackResources: PolicyResource[] | undefined;
  for (const policy of (options.policies ?? allPolicies) as (ResourceValidationPolicy | StackValidationPolicy)[]) {
    const setting = options.config?.[policy.name];
    const level = (typeof setting === "string" ? setting : setting?.enforcementLevel) ?? policy.enforcementLevel ?? "advisory";
    if (level === "disabled") continue;
    const policyConfig = typeof setting === "object" ? withoutLevel(setting) : {};
    const report = (resource?: string): ReportViolation =>
      ((message: string | { message: string; urn?: string; enforcementLevel?: EnforcementLevel }, urn?: string) => {
        // Same shapes as @pulumi/policy's server: a string, or an object that may set its own level.
        if (typeof message === "string") violations.push({ policyName: policy.name, enforcementLevel: level, message, resource: urn ?? resource });
        else violations.push({ policyName: policy.name, enforcementLevel: message.enforcementLevel ?? level, message: message.message, resource: message.urn ?? resource });
      }) as ReportViolation;
    const common = {
      stackTags: new Map<string, string>(),
      getConfig: <T extends object>() => policyConfig as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };

    try {
      if ("validateStack" in policy) {
        stackResources ??= linked(prepared, provider);
        const args: StackValidationArgs = { resources: stackResources, ...common };
        await policy.validateStack(args, report());
        continue;
      }
      const validations = policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
      for (const r of prepared) {
        const { propertyDependencies: _deps, ...resource } = r;
        const args: ResourceValidationArgs = { ...resource, opts: OPTIONS, provider, ...common, isType: () => false, asType: () => undefined };
        for (const validate of validations) {
          try {
            await validate(args, report(r.name));
          } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    } catch (e) {
      if (!(e instanceof NotApplicable)) throw e;
    }
  }
  return violations;
}

/** The stack's resources as a stack policy sees them, linked after creation as the engine does: dependencies point at the resource objects themselves. */
function linked(
  prepared: (Omit<PolicyResource, "opts" | "provider" | "dependencies" | "propertyDependencies" | "isType" | "asType"> & { propertyDependencies: Record<string, string[]> })[],
  provider: PolicyResource["provider"],
): PolicyResource[] {
  const stackResources: PolicyResource[] = prepared.map((r) => ({
    ...r,
    opts: OPTIONS,
    provider,
    dependencies: [],
    propertyDependencies: {},
    isType: () => false,
    asType: () => undefined,
  }));
  const byUrn = new Map(stackResources.map((r) => [r.urn, r]));
  stackResources.forEach((r, i) => {
    for (const [key, urns] of Object.entries(prepared[i].propertyDependencies)) {
      r.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    }
  });
  return stackResources;
}

function withoutLevel(setting: Record<string, unknown>): Record<string, unknown> {
  const { enforcementLevel: _level, ...rest } = setting;
  return rest;
}

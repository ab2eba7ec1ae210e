// The CrossGuard side of every policy, written once: resources read into the pack's one shape (toPackResource),
// findings computed safely (a bug in the pack becomes an advisory note, never a crash of the analyzer) and reported,
// configuration read with the schema's defaults and refused in one line naming the policy.
import type { EnforcementLevel, PolicyConfigSchema, ResourceRemediation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { type ConfigResult, readBeyondLimits } from "./config";
import { Finding, reportFindings, safely } from "./findings";
import { metadataOf } from "./metadata";
import { PackResource, toPackResource } from "./resources";

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
}

/** A policy over the whole stack (AnalyzeStack): `findings` sees every resource. With the beyondLimits schema, its config sets the level of "not judged" findings. */
export function stackPolicy(
  info: PolicyInfo & { configSchema?: PolicyConfigSchema },
  findings: (resources: PackResource[]) => Finding[],
  remediate?: ResourceRemediation,
): StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> {
  return {
    ...metadataOf(info.name),
    ...info,
    ...(remediate ? { remediateResource: remediate } : {}),
    validateStack: (args, reportViolation) => {
      const level = info.configSchema ? readBeyondLimits(args.getConfig<object>()) : { config: "mandatory" as const };
      if ("error" in level) return reportViolation(`configuration of ${info.name}: ${level.error}`);
      reportFindings(
        safely("the stack", () => findings(args.resources.map((r) => toPackResource(r)))),
        reportViolation,
        level.config,
      );
    },
  };
}

/** A policy over one resource at a time (Analyze). */
export function resourcePolicy(info: PolicyInfo, findings: (resource: PackResource) => Finding[]): ResourceValidationPolicy {
  return {
    ...metadataOf(info.name),
    ...info,
    validateResource: (args, reportViolation) => {
      reportFindings(
        safely(`${args.type} '${args.name}'`, () => findings(toPackResource(args))),
        reportViolation,
      );
    },
  };
}

/** A per-resource policy with configuration: a bad configuration is one violation naming the policy, nothing judged. */
export function configuredResourcePolicy<C>(
  info: PolicyInfo & { configSchema: PolicyConfigSchema },
  readConfig: (raw: unknown) => ConfigResult<C>,
  findings: (resource: PackResource, config: C) => Finding[],
): ResourceValidationPolicy {
  return {
    ...metadataOf(info.name),
    ...info,
    validateResource: (args, reportViolation) => {
      const config = readConfig(args.getConfig<object>());
      if ("error" in config) return reportViolation(`configuration of ${info.name}: ${config.error}`);
      reportFindings(
        safely(`${args.type} '${args.name}'`, () => findings(toPackResource(args), config.config)),
        reportViolation,
      );
    },
  };
}

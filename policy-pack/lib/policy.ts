// The CrossGuard side of every policy, written once: resources read into the pack's one shape (toPackResource),
// findings computed safely (a bug in the pack becomes an advisory note, never a crash of the analyzer) and reported,
// configuration read with the schema's defaults and refused in one line naming the policy.
import type { EnforcementLevel, PolicyConfigSchema, ResourceRemediation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { type ConfigResult, readBeyondLimits, useConfiguredCatalog } from "./config";
import { Finding, reportFindings, safely } from "./findings";
import { metadataOf } from "./metadata";
import { PackResource, toPackResource } from "./resources";

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
}

/**
 * A policy over the whole stack (AnalyzeStack): `findings` sees every resource. With `beyondLimits` in its schema, its
 * config sets the level of "not judged" findings; with `catalogFile`, the catalog file it judges with (and remediates with).
 */
export function stackPolicy(
  info: PolicyInfo & { configSchema?: PolicyConfigSchema },
  findings: (resources: PackResource[]) => Finding[],
  remediate?: ResourceRemediation,
): StackValidationPolicy & Pick<ResourceValidationPolicy, "remediateResource"> {
  const has = (key: string) => info.configSchema?.properties?.[key] !== undefined;
  return {
    ...metadataOf(info.name),
    ...info,
    ...(remediate
      ? {
          remediateResource: (args) => {
            // A file that cannot be read is reported by validateStack; the remediation then uses the catalog as it is.
            // (A direct call, as in tests, may pass no getConfig: then the catalog as it is.)
            if (has("catalogFile") && typeof args.getConfig === "function") useConfiguredCatalog(args.getConfig<object>());
            return remediate(args);
          },
        }
      : {}),
    validateStack: (args, reportViolation) => {
      const raw = args.getConfig<object>();
      const level = has("beyondLimits") ? readBeyondLimits(raw) : { config: "mandatory" as const };
      if ("error" in level) return reportViolation(`configuration of ${info.name}: ${level.error}`);
      const catalog = has("catalogFile") ? useConfiguredCatalog(raw) : { config: "" };
      if ("error" in catalog) return reportViolation(`configuration of ${info.name}: ${catalog.error}`);
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

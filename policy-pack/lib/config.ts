// The pack's configuration: JSON schemas the CLI shows and validates, and readers that apply the same defaults
// in code (the CLI applies schema defaults; a direct call of a policy, as in tests or `npm start`, does not).
import type { PolicyConfigSchema } from "@pulumi/policy";
import { useCatalogFile } from "bedrock-sfn/domain";

export interface DataResidencyConfig {
  /** Regions (IAM wildcards allowed, e.g. "eu-*") that model calls may be routed to; empty = no restriction. */
  allowedRegions: string[];
  /** Whether `global.` profiles, which route to any commercial Region, are acceptable. */
  allowGlobalProfiles: boolean;
}

const DATA_RESIDENCY_DEFAULTS: DataResidencyConfig = { allowedRegions: [], allowGlobalProfiles: true };

/** A schema property holding a list of strings. */
const stringList = (defaultValue: string[], description: string) => ({ type: "array", items: { type: "string" }, default: defaultValue, description }) as const;

export const dataResidencySchema: PolicyConfigSchema = {
  properties: {
    allowedRegions: stringList(
      DATA_RESIDENCY_DEFAULTS.allowedRegions,
      'Regions Bedrock calls may be routed to, e.g. ["eu-central-1", "eu-west-*"]. Empty (the default) means no restriction.',
    ),
    allowGlobalProfiles: {
      type: "boolean",
      default: DATA_RESIDENCY_DEFAULTS.allowGlobalProfiles,
      description: "Accept 'global.' inference profiles, which may route to any commercial Region. Default true.",
    },
  },
};

export interface LeastPrivilegeConfig {
  /** Extra actions that may be granted on Resource "*" (beyond those AWS documents as having no resource-level permissions). */
  allowResourceWildcardFor: string[];
}

const LEAST_PRIVILEGE_DEFAULTS: LeastPrivilegeConfig = { allowResourceWildcardFor: [] };

export const leastPrivilegeSchema: PolicyConfigSchema = {
  properties: {
    allowResourceWildcardFor: stringList(
      LEAST_PRIVILEGE_DEFAULTS.allowResourceWildcardFor,
      'Actions you accept on Resource "*" in addition to the built-in list (log delivery, X-Ray, List* calls).',
    ),
  },
};

export type ConfigResult<T> = { config: T } | { error: string };

/** The configuration the CLI (or a direct call) sent, as an object; anything else counts as nothing set. */
function given(raw: unknown): Record<string, unknown> {
  return (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
}

export function readDataResidencyConfig(raw: unknown): ConfigResult<DataResidencyConfig> {
  const sent = given(raw);
  const allowedRegions = sent.allowedRegions ?? DATA_RESIDENCY_DEFAULTS.allowedRegions;
  const allowGlobalProfiles = sent.allowGlobalProfiles ?? DATA_RESIDENCY_DEFAULTS.allowGlobalProfiles;
  if (!isStringList(allowedRegions)) {
    return { error: `allowedRegions must be a list of Region names such as ["eu-central-1", "eu-west-*"], got ${JSON.stringify(allowedRegions)}` };
  }
  if (typeof allowGlobalProfiles !== "boolean") {
    return { error: `allowGlobalProfiles must be true or false, got ${JSON.stringify(allowGlobalProfiles)}` };
  }
  return { config: { allowedRegions, allowGlobalProfiles } };
}

export function readLeastPrivilegeConfig(raw: unknown): ConfigResult<LeastPrivilegeConfig> {
  const allowResourceWildcardFor = given(raw).allowResourceWildcardFor ?? LEAST_PRIVILEGE_DEFAULTS.allowResourceWildcardFor;
  if (!isStringList(allowResourceWildcardFor)) {
    return { error: `allowResourceWildcardFor must be a list of actions such as ["ec2:DescribeInstances"], got ${JSON.stringify(allowResourceWildcardFor)}` };
  }
  return { config: { allowResourceWildcardFor } };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * A `bedrock-sfn catalog` file layered over the bundled catalog (routing and lifecycle). The same property in each
 * policy that reads the catalog (routed Regions, profile ARN, model lifecycle): Pulumi hands a policy only its own
 * configuration, so each says which file it judges with; once loaded, a file serves the rest of the run.
 */
export const catalogFileProperty = {
  type: "string",
  default: "",
  description:
    "A model catalog file written by `npx bedrock-sfn catalog` from your account (path as the pack runs it): its inference " +
    "profiles and lifecycle extend and override the bundled catalog. Empty (the default): the bundled catalog.",
} as const;

export function readCatalogFileConfig(raw: unknown): ConfigResult<string> {
  const catalogFile = given(raw).catalogFile ?? "";
  if (typeof catalogFile !== "string") return { error: `catalogFile must be the path of a catalog file, got ${JSON.stringify(catalogFile)}` };
  return { config: catalogFile };
}

/** Layers the configured catalog file (if any) over the catalog; an error names the file and what is wrong with it. */
export function useConfiguredCatalog(raw: unknown): ConfigResult<string> {
  const file = readCatalogFileConfig(raw);
  if ("error" in file) return file;
  try {
    if (file.config) useCatalogFile(file.config);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return file;
}

/** What the routed-Regions policy reports when a role is past what it can judge within its work bound; the catalog it judges with. */
export const routedRegionsSchema: PolicyConfigSchema = {
  properties: {
    catalogFile: catalogFileProperty,
    beyondLimits: {
      type: "string",
      enum: ["mandatory", "advisory"],
      default: "mandatory",
      description: 'A grant the pack could not judge within its work bound blocks the update ("mandatory", the default) or is only reported ("advisory").',
    },
  },
};

/** The catalog a policy judges with, and nothing else. */
export const catalogFileSchema: PolicyConfigSchema = { properties: { catalogFile: catalogFileProperty } };

export function readBeyondLimits(raw: unknown): ConfigResult<"mandatory" | "advisory"> {
  const value = given(raw).beyondLimits ?? "mandatory";
  if (value !== "mandatory" && value !== "advisory") return { error: `beyondLimits must be "mandatory" or "advisory", got ${JSON.stringify(value)}` };
  return { config: value };
}

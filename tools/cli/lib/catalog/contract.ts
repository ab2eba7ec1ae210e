// The routing catalog file: what `bedrock-sfn catalog` writes and the component, the pack and `--check` read.
// The bundled catalog (bedrock/inference-profiles.json) has the same shape; a file read from an account adds
// `models` (lifecycle as ListFoundationModels reports it).
import bundledJson from "../../../../src/bedrock/inference-profiles.json";
import type { ProfilePrefix } from "../../../../src/bedrock/model-id";

export type LifecycleStatus = "ACTIVE" | "LEGACY" | "EOL";

export interface CatalogFileProfile {
  prefix: ProfilePrefix;
  foundationModelId: string;
  /** Source Region -> the Regions a call from there can land in; "*" for global profiles. */
  sourceToDestinations: Record<string, string[] | "*">;
  source?: string;
}

export interface CatalogFileModel {
  status: LifecycleStatus;
  /** YYYY-MM-DD */
  legacyDate?: string;
  eolDate?: string;
  successor?: string;
  source?: string;
}

export interface CatalogFile {
  _meta: { what: string; snapshotDate?: string; source: string; regions?: string[]; [key: string]: unknown };
  profiles: Record<string, CatalogFileProfile>;
  models?: Record<string, CatalogFileModel>;
}

/** The catalog this package ships, as `--check` compares an account's view with it. */
export function bundledCatalog(): CatalogFile {
  return bundledJson as unknown as CatalogFile;
}

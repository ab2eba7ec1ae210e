// Which Regions a system inference profile can route a call to, from a given source Region.
// Offline truth is the catalog transcribed from the AWS docs (see its _meta); at deploy time the program
// prefers aws.bedrock.getInferenceProfile for profiles the catalog does not know.
import catalogJson from "./inference-profiles.json";
import { ProfilePrefix } from "./model-id";

export interface CatalogProfile {
  prefix: ProfilePrefix;
  foundationModelId: string;
  /** Source Region -> destination Regions; "*" (global profiles) means every commercial Region. */
  sourceToDestinations: Record<string, string[] | "*">;
}

interface Catalog {
  _meta: { what: string; source: string; global: string; caveats: string[] };
  profiles: Record<string, CatalogProfile>;
}

const catalog = catalogJson as unknown as Catalog;

export function catalogProfileIds(): string[] {
  return Object.keys(catalog.profiles).sort();
}

export function catalogProfile(profileId: string): CatalogProfile | undefined {
  return Object.hasOwn(catalog.profiles, profileId) ? catalog.profiles[profileId] : undefined;
}

/** Where a profile may be called from and where it routes: "*" for global, or explicit Regions. */
export type Destinations = { kind: "global" } | { kind: "regions"; regions: string[] };

/** The catalog's destinations for a profile called from `sourceRegion`, or undefined when it does not list that pair. */
export function catalogDestinations(profileId: string, sourceRegion: string): Destinations | undefined {
  const profile = catalogProfile(profileId);
  const entry = profile?.sourceToDestinations[sourceRegion];
  if (entry === undefined) return undefined;
  return entry === "*" ? { kind: "global" } : { kind: "regions", regions: [...entry].sort() };
}

/** Source Regions from which the catalog lists at least one profile of this prefix (e.g. jp -> ap-northeast-1, ap-northeast-3). */
export function sourceRegionsForPrefix(prefix: ProfilePrefix): string[] {
  const regions = new Set<string>();
  for (const profile of Object.values(catalog.profiles)) {
    if (profile.prefix !== prefix) continue;
    for (const r of Object.keys(profile.sourceToDestinations)) regions.add(r);
  }
  return [...regions].sort();
}

/** Every Region the catalog names as a source or destination: the Regions this project knows of. */
export function knownRegions(): string[] {
  const regions = new Set<string>();
  for (const profile of Object.values(catalog.profiles)) {
    for (const [source, destinations] of Object.entries(profile.sourceToDestinations)) {
      regions.add(source);
      if (destinations !== "*") for (const r of destinations) regions.add(r);
    }
  }
  return [...regions].sort();
}

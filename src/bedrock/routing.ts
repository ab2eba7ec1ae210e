// Which Regions a system inference profile can route a call to, from a given source Region.
// Offline truth is the model catalog (./catalog.ts: the bundled snapshot, plus any catalog file in use); at deploy
// time the program asks aws.bedrock.getInferenceProfile for profiles the catalog does not know.
import { activeCatalog, type CatalogProfile } from "./catalog";
import { ProfilePrefix } from "./model-id";

export type { CatalogProfile } from "./catalog";

export function catalogProfileIds(): string[] {
  return Object.keys(activeCatalog().profiles).sort();
}

export function catalogProfile(profileId: string): CatalogProfile | undefined {
  const profiles = activeCatalog().profiles;
  return Object.hasOwn(profiles, profileId) ? profiles[profileId] : undefined;
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
  for (const profile of Object.values(activeCatalog().profiles)) {
    if (profile.prefix !== prefix) continue;
    for (const r of Object.keys(profile.sourceToDestinations)) regions.add(r);
  }
  return [...regions].sort();
}

/** Every Region the catalog names as a source or destination: the Regions this project knows of. */
export function knownRegions(): string[] {
  const regions = new Set<string>();
  for (const profile of Object.values(activeCatalog().profiles)) {
    for (const [source, destinations] of Object.entries(profile.sourceToDestinations)) {
      regions.add(source);
      if (destinations !== "*") for (const r of destinations) regions.add(r);
    }
  }
  return [...regions].sort();
}

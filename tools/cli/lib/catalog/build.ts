// An account's Region-by-Region view, turned into the catalog file: profiles with per-source destinations and
// foundation models with their lifecycle. Pure: no SDK, no clock (the snapshot date is passed in).
import { parseArn, splitResource } from "../../../../src/bedrock/arn";
import { parseModelId } from "../../../../src/bedrock/model-id";
import type { CatalogFile, CatalogFileModel, LifecycleStatus } from "./contract";
import type { ModelLifecycleView, RegionView } from "./read-account";

export interface BuildContext {
  /** YYYY-MM-DD: the day the account was read; an end-of-life date before it makes a model EOL. */
  snapshotDate: string;
  /** Where the facts came from (account and endpoint), for `_meta.source`. */
  source: string;
}

export interface BuiltCatalog {
  catalog: CatalogFile;
  /** Profile IDs that are not system profiles this project can parse: left out, with the reason. */
  skipped: string[];
}

const day = (date: Date | undefined) => (date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString().slice(0, 10) : undefined);

/** Contract status of one Region's answer: AWS says ACTIVE or LEGACY; a past end-of-life date means EOL. */
function lifecycleOf(view: ModelLifecycleView | undefined, snapshotDate: string): CatalogFileModel {
  const legacyDate = day(view?.legacyTime);
  const eolDate = day(view?.endOfLifeTime);
  let status: LifecycleStatus = view?.status === "LEGACY" ? "LEGACY" : "ACTIVE";
  if (eolDate && eolDate <= snapshotDate) status = "EOL";
  return { status, ...(legacyDate ? { legacyDate } : {}), ...(eolDate ? { eolDate } : {}) };
}

const SEVERITY: Record<LifecycleStatus, number> = { ACTIVE: 0, LEGACY: 1, EOL: 2 };

export function buildCatalog(views: readonly RegionView[], context: BuildContext): BuiltCatalog {
  const profiles: CatalogFile["profiles"] = {};
  const models: NonNullable<CatalogFile["models"]> = {};
  const skipped = new Set<string>();
  for (const view of [...views].sort((a, b) => a.region.localeCompare(b.region))) {
    for (const { id, modelArns } of view.profiles) {
      let reference: ReturnType<typeof parseModelId>;
      try {
        reference = parseModelId(id);
      } catch (error) {
        skipped.add(`${id}: ${(error as Error).message}`);
        continue;
      }
      if (reference.kind !== "system-profile") {
        skipped.add(`${id}: not a system inference-profile ID`);
        continue;
      }
      profiles[id] ??= { prefix: reference.prefix, foundationModelId: reference.foundationModelId, sourceToDestinations: {} };
      const profile = profiles[id];
      // A global profile routes anywhere in the partition: AWS's policy for it needs no list of Regions.
      profile.sourceToDestinations[view.region] = reference.prefix === "global" ? "*" : destinationRegions(modelArns);
    }
    for (const { modelId, lifecycle } of view.models) {
      const entry = lifecycleOf(lifecycle, context.snapshotDate);
      const known = models[modelId];
      // Regions may disagree while a model is being retired: keep the most advanced state, and any date AWS gave.
      if (!known || SEVERITY[entry.status] > SEVERITY[known.status]) models[modelId] = { ...known, ...entry };
      else models[modelId] = { ...entry, ...known };
    }
  }
  return {
    catalog: {
      _meta: {
        what: "Amazon Bedrock system inference profiles (per source Region, the Regions each routes to) and foundation-model lifecycle, as one AWS account sees them",
        snapshotDate: context.snapshotDate,
        source: context.source,
        regions: views.map((v) => v.region).sort(),
      },
      profiles: sortKeys(profiles),
      models: sortKeys(models),
    },
    skipped: [...skipped].sort(),
  };
}

/** The Regions named by a profile's foundation-model ARNs (a Region-less ARN names none). */
function destinationRegions(modelArns: readonly string[]): string[] {
  const regions = new Set<string>();
  for (const value of modelArns) {
    const arn = parseArn(value);
    if (arn?.region && splitResource(arn.resource)[0] === "foundation-model") regions.add(arn.region);
  }
  return [...regions].sort();
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const sorted: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key] as unknown;
    if (value && typeof value === "object" && "sourceToDestinations" in value) {
      const profile = value as { sourceToDestinations: Record<string, unknown> };
      profile.sourceToDestinations = Object.fromEntries(Object.entries(profile.sourceToDestinations).sort(([a], [b]) => a.localeCompare(b)));
    }
    sorted[key] = record[key];
  }
  return sorted;
}

// The fixture account the Bedrock control-plane stand-in answers for: derived from the bundled catalog (what AWS's
// pages say), so that an account "as documented" reads back as the bundled catalog, plus - unless `asDocumented` -
// what a real account shows that the bundled snapshot lacks: a profile the catalog does not know, a source Region
// whose destinations changed, and models in their Legacy period (one already past its end-of-life date).
// Every addition uses a fixture-only model ID: no invented facts about real models.
import catalogJson from "../../../src/bedrock/inference-profiles.json";
import type { FixtureAccount, FixtureModel } from "./bedrock-control-stand-in";

interface BundledCatalog {
  profiles: Record<string, { foundationModelId: string; sourceToDestinations: Record<string, string[] | "*"> }>;
  models?: Record<string, { status: string; legacyDate?: string; eolDate?: string }>;
}

const bundled = catalogJson as unknown as BundledCatalog;

export const FIXTURE_ACCOUNT_ID = "111122223333";

/** The additions an account shows beyond the bundled catalog (absent with `asDocumented`). */
export const FIXTURE_ADDITIONS = {
  /** A profile only the account knows, with different destinations per source Region. */
  profile: {
    id: "us.anthropic.claude-fixture-only-v1:0",
    sourceToDestinations: { "us-east-1": ["us-east-1", "us-east-2", "us-west-2"], "us-west-2": ["us-east-1", "us-west-2"] } as Record<string, string[]>,
  },
  /** A documented profile whose destinations from one source Region the account reports one Region shorter. */
  changed: { source: "us-east-1" },
  legacy: { id: "anthropic.claude-fixture-legacy-v1:0", model: { status: "LEGACY", legacyTime: "2026-06-01T00:00:00Z", endOfLifeTime: "2099-06-01T00:00:00Z" } as FixtureModel },
  pastEol: { id: "amazon.titan-fixture-retired-v1", model: { status: "LEGACY", legacyTime: "2025-01-01T00:00:00Z", endOfLifeTime: "2026-01-01T00:00:00Z" } as FixtureModel },
};

/** The bundled catalog's source Regions, sorted: the Regions the fixture account enables by default. */
export function bundledSourceRegions(): string[] {
  const regions = new Set<string>();
  for (const profile of Object.values(bundled.profiles)) for (const r of Object.keys(profile.sourceToDestinations)) regions.add(r);
  return [...regions].sort();
}

/** The documented profile whose destinations the fixture changes: the first `us.` profile with more than one destination from us-east-1. */
export function changedProfileId(): string {
  const { source } = FIXTURE_ADDITIONS.changed;
  const id = Object.keys(bundled.profiles)
    .sort()
    .find((p) => {
      const d = bundled.profiles[p].sourceToDestinations[source];
      return p.startsWith("us.") && Array.isArray(d) && d.length > 1;
    });
  if (!id) throw new Error(`the bundled catalog has no us. profile with several destinations from ${source}`);
  return id;
}

export function fixtureAccount(options: { regions?: string[]; asDocumented?: boolean } = {}): FixtureAccount {
  const enabled = options.regions ?? bundledSourceRegions();
  const additions = !options.asDocumented;
  // Regions the account has not opted into: ListRegions reports them, and catalog must skip them.
  const disabled = ["ap-east-1", "ap-southeast-6"].filter((r) => !enabled.includes(r));
  const account: FixtureAccount = {
    account: FIXTURE_ACCOUNT_ID,
    regions: [...enabled.map((name) => ({ name, status: "ENABLED_BY_DEFAULT" as const })), ...disabled.map((name) => ({ name, status: "DISABLED" as const }))],
    profiles: {},
    models: Object.fromEntries(enabled.map((r) => [r, {}])),
  };
  const addProfile = (id: string, foundationModelId: string, routes: Record<string, string[] | "*">) => {
    for (const [source, destinations] of Object.entries(routes)) {
      if (!enabled.includes(source)) continue;
      account.profiles[id] ??= {};
      account.profiles[id][source] = destinations === "*" ? "*" : [...destinations];
      account.models[source][foundationModelId] ??= { status: "ACTIVE" };
    }
  };
  for (const [id, profile] of Object.entries(bundled.profiles)) addProfile(id, profile.foundationModelId, profile.sourceToDestinations);
  // Lifecycle the bundled catalog records reads back the same (EOL models are no longer listed by AWS).
  for (const [modelId, lifecycle] of Object.entries(bundled.models ?? {})) {
    for (const region of enabled) {
      if (lifecycle.status === "EOL") {
        delete account.models[region][modelId];
        continue;
      }
      if (!account.models[region][modelId]) continue;
      account.models[region][modelId] = {
        status: lifecycle.status === "LEGACY" ? "LEGACY" : "ACTIVE",
        ...(lifecycle.legacyDate ? { legacyTime: `${lifecycle.legacyDate}T00:00:00Z` } : {}),
        ...(lifecycle.eolDate ? { endOfLifeTime: `${lifecycle.eolDate}T00:00:00Z` } : {}),
      };
    }
  }
  if (!additions) return account;

  const { profile, changed, legacy, pastEol } = FIXTURE_ADDITIONS;
  addProfile(profile.id, profile.id.slice(profile.id.indexOf(".") + 1), profile.sourceToDestinations);
  const changedId = changedProfileId();
  const routes = account.profiles[changedId]?.[changed.source];
  if (Array.isArray(routes)) account.profiles[changedId][changed.source] = routes.slice(0, -1);
  for (const region of enabled) {
    account.models[region][legacy.id] = { ...legacy.model };
    account.models[region][pastEol.id] = { ...pastEol.model };
  }
  return account;
}

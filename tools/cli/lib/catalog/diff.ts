// How an account's catalog differs from another (the bundled one): profiles added or removed, a source Region's
// destinations changed, a model's lifecycle changed. Only the Regions the account was read in are compared, since
// a Region the account has not enabled says nothing about AWS.
import type { CatalogFile, CatalogFileModel } from "./contract";

export interface DestinationChange {
  profileId: string;
  source: string;
  /** undefined: the profile had no entry for this source Region. */
  before?: string[] | "*";
  after?: string[] | "*";
}

export interface LifecycleChange {
  modelId: string;
  before: CatalogFileModel;
  after: CatalogFileModel;
}

export interface CatalogDiff {
  profilesAdded: string[];
  profilesRemoved: string[];
  destinationsChanged: DestinationChange[];
  lifecycleChanged: LifecycleChange[];
}

export function isEmptyDiff(diff: CatalogDiff): boolean {
  return Object.values(diff).every((list) => list.length === 0);
}

const ACTIVE: CatalogFileModel = { status: "ACTIVE" };

/** `account` must name the Regions it read (`_meta.regions`); `baseline` is compared in those Regions only. */
export function diffCatalogs(account: CatalogFile, baseline: CatalogFile): CatalogDiff {
  const regions = new Set(account._meta.regions ?? []);
  const diff: CatalogDiff = { profilesAdded: [], profilesRemoved: [], destinationsChanged: [], lifecycleChanged: [] };
  const ids = [...new Set([...Object.keys(account.profiles), ...Object.keys(baseline.profiles)])].sort();
  for (const id of ids) {
    const now = Object.hasOwn(account.profiles, id) ? account.profiles[id].sourceToDestinations : undefined;
    const then = Object.hasOwn(baseline.profiles, id) ? baseline.profiles[id].sourceToDestinations : undefined;
    const thenHere = Object.keys(then ?? {}).filter((r) => regions.has(r));
    if (now && !then) {
      diff.profilesAdded.push(id);
      continue;
    }
    if (!now) {
      if (thenHere.length > 0) diff.profilesRemoved.push(id);
      continue;
    }
    const sources = [...new Set([...Object.keys(now), ...thenHere])].sort();
    for (const source of sources) {
      const before = then?.[source];
      const after = now[source];
      if (!sameDestinations(before, after)) diff.destinationsChanged.push({ profileId: id, source, before, after });
    }
  }
  for (const modelId of Object.keys(account.models ?? {}).sort()) {
    const after = account.models?.[modelId] ?? ACTIVE;
    const before = baseline.models?.[modelId] ?? ACTIVE;
    if (!sameLifecycle(before, after)) diff.lifecycleChanged.push({ modelId, before, after });
  }
  return diff;
}

function sameDestinations(a: string[] | "*" | undefined, b: string[] | "*" | undefined): boolean {
  if (a === undefined || b === undefined || a === "*" || b === "*") return a === b;
  const left = [...a].sort();
  const right = [...b].sort();
  return left.length === right.length && left.every((r, i) => r === right[i]);
}

/** The status always; a date only where both sides state one (AWS does not return every date the docs give). */
function sameLifecycle(a: CatalogFileModel, b: CatalogFileModel): boolean {
  if (a.status !== b.status) return false;
  for (const key of ["legacyDate", "eolDate"] as const) {
    if (a[key] && b[key] && a[key] !== b[key]) return false;
  }
  return true;
}

const list = (d: string[] | "*" | undefined) => (d === undefined ? "(none)" : d === "*" ? "* (global)" : d.join(", ") || "(no Regions)");
const lifecycle = (m: CatalogFileModel) => [m.status, m.legacyDate && `legacy ${m.legacyDate}`, m.eolDate && `EOL ${m.eolDate}`].filter(Boolean).join(", ");

/** The diff for people: one line per change, grouped, with counts. */
export function formatDiff(diff: CatalogDiff, baselineName: string): string {
  if (isEmptyDiff(diff)) return `the account's view matches ${baselineName} in the Regions read`;
  const lines = [`the account's view differs from ${baselineName}:`];
  if (diff.profilesAdded.length) lines.push(`profiles only in the account (${diff.profilesAdded.length}):`, ...diff.profilesAdded.map((id) => `  + ${id}`));
  if (diff.profilesRemoved.length) lines.push(`profiles the account does not offer (${diff.profilesRemoved.length}):`, ...diff.profilesRemoved.map((id) => `  - ${id}`));
  if (diff.destinationsChanged.length) {
    lines.push(`destinations changed (${diff.destinationsChanged.length}):`);
    for (const c of diff.destinationsChanged) lines.push(`  ~ ${c.profileId} from ${c.source}: ${list(c.before)} -> ${list(c.after)}`);
  }
  if (diff.lifecycleChanged.length) {
    lines.push(`lifecycle changed (${diff.lifecycleChanged.length}):`);
    for (const c of diff.lifecycleChanged) lines.push(`  ~ ${c.modelId}: ${lifecycle(c.before)} -> ${lifecycle(c.after)}`);
  }
  return lines.join("\n");
}

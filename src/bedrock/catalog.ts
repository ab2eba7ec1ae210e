// The model catalog: which Regions each system inference profile routes to from each source Region, and each
// foundation model's lifecycle. One shape for the bundled snapshot (./inference-profiles.json) and for a file that
// `bedrock-sfn catalog` writes from an account; one loader and validator for both, read by routing, lifecycle,
// the component, the program and the policy pack. A catalog file extends and overrides the bundled data.
import * as fs from "node:fs";
import bundledJson from "./inference-profiles.json";
import { PROFILE_PREFIXES, type ProfilePrefix } from "./model-id";
import { BedrockSfnError } from "../core/errors";

export const LIFECYCLE_STATUSES = ["ACTIVE", "LEGACY", "EOL"] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];

export interface CatalogProfile {
  prefix: ProfilePrefix;
  foundationModelId: string;
  /** Source Region -> destination Regions; "*" (global profiles) means every commercial Region. */
  sourceToDestinations: Record<string, string[] | "*">;
  /** The page or API the entry came from. */
  source?: string;
}

export interface CatalogModel {
  status: LifecycleStatus;
  /** YYYY-MM-DD, when AWS has published it. */
  legacyDate?: string;
  eolDate?: string;
  /** The foundation model AWS (or, failing that, the provider) recommends instead. */
  successor?: string;
  /** Request parameters the model rejects (HTTP 400), e.g. temperature, top_p, top_k for Opus 4.7-class Claude. */
  rejectedParameters?: string[];
  /**
   * The AWS partitions the lifecycle is known for (default ["aws"]: the pages read are about the commercial
   * Regions; GovCloud and the sovereign partitions keep their own schedules).
   */
  partitions?: string[];
  source?: string;
  /** Where another source disagrees or AWS's page could not be read: what was taken from where. */
  note?: string;
}

export interface CatalogMeta {
  what?: string;
  /** YYYY-MM-DD: when the facts were read. */
  snapshotDate: string;
  source?: string;
  regions?: string[];
  [extra: string]: unknown;
}

export interface ModelCatalog {
  _meta: CatalogMeta;
  profiles: Record<string, CatalogProfile>;
  models: Record<string, CatalogModel>;
}

/** A catalog file that cannot be read or does not have the catalog's shape; the message names the file and field. */
export class CatalogError extends BedrockSfnError {
  constructor(message: string, argument = "catalogFile") {
    super("config", message, argument);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Checks a parsed catalog document and returns it typed; `where` names it in errors (a file path, "the bundled
 * catalog"). `models` may be absent (an older file): it reads as no lifecycle data.
 */
export function validateCatalog(doc: unknown, where: string): ModelCatalog {
  const fail = (field: string, problem: string): never => {
    throw new CatalogError(`catalog ${where}: ${field} ${problem}`);
  };
  if (!isObject(doc)) fail("(the document)", "must be a JSON object with _meta, profiles and models");
  const d = doc as Record<string, unknown>;
  if (!isObject(d._meta)) fail("_meta", "must be an object with snapshotDate (YYYY-MM-DD)");
  const meta = d._meta as Record<string, unknown>;
  if (typeof meta.snapshotDate !== "string" || !DATE.test(meta.snapshotDate)) fail("_meta.snapshotDate", `must be a date YYYY-MM-DD, got ${show(meta.snapshotDate)}`);
  if (meta.regions !== undefined && (!Array.isArray(meta.regions) || meta.regions.some((r) => typeof r !== "string" || !REGION.test(r)))) {
    fail("_meta.regions", "must be a list of Region names such as us-east-1");
  }
  if (!isObject(d.profiles)) fail("profiles", "must be an object of profile ID -> {prefix, foundationModelId, sourceToDestinations}");
  for (const [id, value] of Object.entries(d.profiles as Record<string, unknown>)) {
    const at = `profiles['${id}']`;
    if (!isObject(value)) fail(at, "must be an object");
    const p = value as Record<string, unknown>;
    if (!(PROFILE_PREFIXES as readonly string[]).includes(p.prefix as string)) fail(`${at}.prefix`, `must be one of ${PROFILE_PREFIXES.join(", ")}, got ${show(p.prefix)}`);
    if (!id.startsWith(`${p.prefix}.`)) fail(`${at}.prefix`, `'${p.prefix}' does not match the profile ID`);
    if (typeof p.foundationModelId !== "string" || p.foundationModelId === "") fail(`${at}.foundationModelId`, "must be a foundation-model ID");
    if (!isObject(p.sourceToDestinations)) fail(`${at}.sourceToDestinations`, 'must be an object of source Region -> destination Regions or "*"');
    for (const [source, destinations] of Object.entries(p.sourceToDestinations as Record<string, unknown>)) {
      if (!REGION.test(source)) fail(`${at}.sourceToDestinations`, `has '${source}', which is not a Region name`);
      const ok = destinations === "*" || (Array.isArray(destinations) && destinations.length > 0 && destinations.every((r) => typeof r === "string" && REGION.test(r)));
      if (!ok) fail(`${at}.sourceToDestinations['${source}']`, `must be "*" or a non-empty list of Region names, got ${show(destinations)}`);
    }
  }
  const models = d.models ?? {};
  if (!isObject(models)) fail("models", "must be an object of foundation-model ID -> {status, eolDate?, successor?}");
  for (const [id, value] of Object.entries(models as Record<string, unknown>)) {
    const at = `models['${id}']`;
    if (!isObject(value)) fail(at, "must be an object");
    const m = value as Record<string, unknown>;
    if (!(LIFECYCLE_STATUSES as readonly string[]).includes(m.status as string)) fail(`${at}.status`, `must be one of ${LIFECYCLE_STATUSES.join(", ")}, got ${show(m.status)}`);
    for (const key of ["legacyDate", "eolDate"] as const) {
      if (m[key] !== undefined && (typeof m[key] !== "string" || !DATE.test(m[key] as string))) fail(`${at}.${key}`, `must be a date YYYY-MM-DD, got ${show(m[key])}`);
    }
    if (m.successor !== undefined && typeof m.successor !== "string") fail(`${at}.successor`, "must be a foundation-model ID");
    if (m.partitions !== undefined && (!Array.isArray(m.partitions) || m.partitions.some((p) => typeof p !== "string" || !/^aws(-[a-z]+)*$/.test(p)))) {
      fail(`${at}.partitions`, "must be a list of AWS partitions such as aws, aws-us-gov");
    }
    if (m.rejectedParameters !== undefined && (!Array.isArray(m.rejectedParameters) || m.rejectedParameters.some((p) => typeof p !== "string"))) {
      fail(`${at}.rejectedParameters`, "must be a list of request parameter names");
    }
  }
  return { _meta: meta as CatalogMeta, profiles: d.profiles as Record<string, CatalogProfile>, models: models as Record<string, CatalogModel> };
}

/** Reads and validates a catalog file (as `bedrock-sfn catalog` writes it). */
export function readCatalogFile(file: string): ModelCatalog {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new CatalogError(`catalog ${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); write one with \`npx bedrock-sfn catalog\``);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new CatalogError(`catalog ${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateCatalog(doc, file);
}

const bundled = validateCatalog(bundledJson, "src/bedrock/inference-profiles.json (bundled)");

/** The catalog everything reads: the bundled one, extended and overridden by any catalog file in use. */
let active: ModelCatalog = bundled;
const filesInUse: string[] = [];

/**
 * Layers a catalog file over the bundled catalog for this process: its profiles and its models' lifecycle replace
 * the bundled entries of the same ID and add new ones. Using the same file again changes nothing.
 */
export function useCatalogFile(file: string): ModelCatalog {
  if (filesInUse.includes(file)) return active;
  const extra = readCatalogFile(file);
  active = {
    _meta: { ...active._meta, snapshotDate: laterDate(active._meta.snapshotDate, extra._meta.snapshotDate) },
    profiles: { ...active.profiles, ...extra.profiles },
    models: { ...active.models, ...extra.models },
  };
  filesInUse.push(file);
  return active;
}

/** Back to the bundled catalog alone (tests, and tools that read several stacks in one process). */
export function useBundledCatalog(): void {
  active = bundled;
  filesInUse.length = 0;
}

/** The catalog this package ships, without any catalog file layered over it. */
export function bundledCatalog(): ModelCatalog {
  return bundled;
}

export function activeCatalog(): ModelCatalog {
  return active;
}

/** The bundled snapshot's date: the staleness check is about what ships, not about a file the user refreshed. */
function bundledSnapshotDate(): string {
  return bundled._meta.snapshotDate;
}

/** True when a catalog file is in use (its date then speaks for the data, not the bundled one's). */
function catalogFileInUse(): boolean {
  return filesInUse.length > 0;
}

const STALE_AFTER_MONTHS = 6;

/**
 * One line when the bundled catalog is older than six months on `today` (and no catalog file is in use), saying
 * how to refresh it; undefined otherwise.
 */
export function stalenessNote(today: Date = new Date()): string | undefined {
  if (catalogFileInUse()) return undefined;
  const snapshot = new Date(`${bundledSnapshotDate()}T00:00:00Z`);
  const limit = new Date(snapshot);
  limit.setUTCMonth(limit.getUTCMonth() + STALE_AFTER_MONTHS);
  if (today <= limit) return undefined;
  return (
    `note: the bundled model catalog is from ${bundledSnapshotDate()}, over ${STALE_AFTER_MONTHS} months ago; refresh it from your account with ` +
    "`npx bedrock-sfn catalog --out catalog.json` and set bedrock-sfn:catalogFile: catalog.json"
  );
}

function laterDate(a: string, b: string): string {
  return a >= b ? a : b;
}

function isObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : `'${String(typeof value === "string" ? value : JSON.stringify(value)).slice(0, 60)}'`;
}

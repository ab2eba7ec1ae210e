// Turns a configured model identifier and a source Region into everything the grants need:
// the ARN the call is authorised against first, and the Regions the call can land in.
import { foundationModelArn, inferenceProfileArn, parseArn, partitionOf, splitResource } from "./arn";
import { ModelReference, ProfilePrefix, parseModelId } from "./model-id";
import { didYouMean } from "./model-facts";
import { activeCatalog } from "./catalog";
import { Destinations, catalogDestinations, catalogProfile, catalogProfileIds, sourceRegionsForPrefix } from "./routing";
import { summariseList } from "./text";
import { BedrockSfnError } from "../core/errors";

/**
 * Raised when a model cannot be called from the configured Region (kind "routing"), or its routing is unknown
 * offline (kind "routing-unknown": AWS or config can tell, so callers that can defer the question may).
 */
export class RoutingError extends BedrockSfnError {
  declare readonly kind: "routing" | "routing-unknown";
  /** The config setting the problem is about (e.g. "destinationRegions"), when it is not the model ID itself. */
  constructor(
    message: string,
    readonly setting?: string,
    kind: "routing" | "routing-unknown" = "routing",
  ) {
    super(kind, message, setting ?? "modelId");
  }
}

export type Routing =
  /** The call stays in the source Region (a foundation model). */
  | { kind: "in-region" }
  /** A geographic profile (or an application profile built on one): the model in each of these Regions. */
  | { kind: "regions"; regions: string[] }
  /** A global profile: AWS authorises the Region-less foundation-model ARN. */
  | { kind: "global" }
  /** Provisioned Throughput, imported models, custom-model deployments, prompt routers: only their own ARN is authorised. */
  | { kind: "provisioned" };

export interface ResolvedModel {
  /** The identifier as configured; it is also the Task's ModelId. */
  modelId: string;
  ref: ModelReference;
  sourceRegion: string;
  partition: string;
  account: string;
  /** The ARN that InvokeModel is first authorised against (profile, model, provisioned model). */
  invokedArn: string;
  /** The foundation model behind the call, when known. */
  foundationModelId?: string;
  routing: Routing;
  /**
   * Where the routing came from, for messages and the synth tree; "rule" is a `global.` profile the catalog does
   * not list from this source Region, whose grants follow from AWS's rule for global profiles alone.
   */
  routingSource: "in-region" | "catalog" | "live" | "config" | "provisioned" | "rule";
  /** One-line notes and warnings worth showing the user (routing by rule, AWS disagreeing with the catalog). */
  notes?: string[];
}

export interface ResolveInput {
  modelId: string;
  sourceRegion: string;
  account: string;
  /**
   * Destinations learnt outside the catalog: the foundation-model ARNs that aws.bedrock.getInferenceProfile
   * returns (`models[].modelArn`), or Regions given in config. Needed for application profiles and for
   * system profiles the catalog does not list.
   */
  liveModelArns?: string[];
  configuredRegions?: string[];
  /** For an application profile offline: the foundation model or system profile it was created from. */
  underlyingModelId?: string;
}

export function resolveModel(input: ResolveInput): ResolvedModel {
  const ref = parseModelId(input.modelId);
  const { sourceRegion, account } = input;
  const partition = partitionOf(sourceRegion);
  const base = { modelId: input.modelId, ref, sourceRegion, partition, account };
  if (ref.arn) checkArnPlacement(input.modelId.trim(), ref.arn.region, ref.arn.partition, sourceRegion, partition);
  const acct = ref.arn?.account || account;

  switch (ref.kind) {
    case "foundation-model":
      return {
        ...base,
        invokedArn: foundationModelArn(partition, sourceRegion, ref.foundationModelId),
        foundationModelId: ref.foundationModelId,
        routing: { kind: "in-region" },
        routingSource: "in-region",
      };
    case "provisioned-model":
    case "own-arn-model":
      return { ...base, account: acct, invokedArn: input.modelId, routing: { kind: "provisioned" }, routingSource: "provisioned" };
    case "application-profile": {
      const learnt = fromModelArns(input.liveModelArns) ?? fromUnderlying(input);
      if (!learnt) {
        throw new RoutingError(
          `application inference profile '${input.modelId}' wraps models only your account can name: deploy with AWS credentials ` +
            `(aws.bedrock.getInferenceProfile answers), or set underlyingModelId (and, for a foundation model, ` +
            `destinationRegions) for offline use`,
          undefined,
          "routing-unknown",
        );
      }
      return { ...base, account: acct, invokedArn: input.modelId, ...learnt, routing: withSource(learnt.routing, sourceRegion) };
    }
    case "system-profile": {
      const catalogued = catalogDestinations(ref.profileId, sourceRegion);
      const learnt = fromModelArns(input.liveModelArns) ?? fromRegions(input.configuredRegions);
      const invokedArn = inferenceProfileArn(partition, sourceRegion, acct, ref.profileId);
      const profileBase = { ...base, account: acct, invokedArn, foundationModelId: ref.foundationModelId };
      if (ref.prefix === "global") return resolveGlobal(profileBase, ref.profileId, catalogued, learnt, input.configuredRegions);
      if (!learnt && !catalogued) {
        assertCallable(ref.profileId, ref.prefix, sourceRegion);
        throw new RoutingError(
          `inference profile '${ref.profileId}' is not in the routing catalog${nearProfile(ref.profileId)}; offline, set ` +
            `destinationRegions or catalogFile (docs/models.md), or deploy with AWS credentials`,
          undefined,
          "routing-unknown",
        );
      }
      if (learnt?.routingSource === "config" && catalogued) checkConfiguredCoversCatalog(ref.profileId, sourceRegion, catalogued, input.configuredRegions!);
      const routed = learnt ?? { routing: { kind: "regions" as const, regions: (catalogued as { regions: string[] }).regions }, routingSource: "catalog" as const };
      const differs = learnt?.routingSource === "live" && catalogued ? liveDiffersFromCatalog(ref.profileId, sourceRegion, routed.routing, catalogued) : undefined;
      return {
        ...profileBase,
        ...routed,
        foundationModelId: ref.foundationModelId,
        routing: withSource(routed.routing, sourceRegion),
        ...(differs ? { notes: [differs] } : {}),
      };
    }
  }
}

/**
 * A `global.` profile needs no routing table: AWS's rule (the profile in the source Region, the model in the source
 * Region, the Region-less model ARN) follows from the prefix. The catalog only adds whether AWS listed this source
 * Region when it was read: a note when it did not, since the profile may be newer than the catalog (or not offered
 * there). Global profiles exist in the commercial partition only.
 */
function resolveGlobal(
  base: Omit<ResolvedModel, "routing" | "routingSource">,
  profileId: string,
  catalogued: Destinations | undefined,
  learnt: Pick<ResolvedModel, "routing" | "routingSource"> | undefined,
  configuredRegions: string[] | undefined,
): ResolvedModel {
  if (base.partition !== "aws") {
    throw new RoutingError(`'${profileId}' is a global profile, which routes among commercial AWS Regions; Region '${base.sourceRegion}' is in partition '${base.partition}'`);
  }
  if (learnt?.routingSource === "config" && configuredRegions?.length) {
    throw new RoutingError(`'${profileId}' is a global profile (it routes to every commercial Region), so destinationRegions does not apply; remove it`, "destinationRegions");
  }
  if (learnt?.routingSource === "live" && learnt.routing.kind !== "global") {
    throw new RoutingError(`GetInferenceProfile answered '${profileId}' with Regional model ARNs only; a global profile's answer includes the Region-less model ARN`);
  }
  const source = learnt?.routingSource === "live" ? "live" : catalogued ? "catalog" : "rule";
  const notes =
    source === "rule"
      ? [
          `note: '${profileId}' is not listed from ${base.sourceRegion} in the model catalog (snapshot ${activeCatalog()._meta.snapshotDate}); ` +
            "granting AWS's three-part policy for global profiles by rule (profile, model in the source Region, Region-less model ARN)",
        ]
      : undefined;
  return { ...base, routing: { kind: "global" }, routingSource: source, ...(notes ? { notes } : {}) };
}

/** One warning naming both answers when AWS routes a catalogued profile differently: AWS's answer is the one granted. */
function liveDiffersFromCatalog(profileId: string, sourceRegion: string, live: Routing, catalogued: Destinations): string | undefined {
  const liveRegions = live.kind === "regions" ? [...new Set([...live.regions, sourceRegion])].sort() : [];
  const catalogRegions = catalogued.kind === "regions" ? [...new Set([...catalogued.regions, sourceRegion])].sort() : [];
  if (live.kind === catalogued.kind && liveRegions.join(",") === catalogRegions.join(",")) return undefined;
  const show = (kind: string, regions: string[]) => (kind === "global" ? "every commercial Region" : regions.join(", "));
  return (
    `warning: AWS (GetInferenceProfile) routes '${profileId}' from ${sourceRegion} to ${show(live.kind, liveRegions)}, ` +
    `but the model catalog says ${show(catalogued.kind, catalogRegions)}; the role grants AWS's answer`
  );
}

/**
 * destinationRegions extends what the catalog knows (a Region AWS added since), never shrinks it: a list that
 * leaves out a catalogued destination would write a role that fails whenever routing lands there.
 */
function checkConfiguredCoversCatalog(profileId: string, sourceRegion: string, catalogued: Destinations, configured: string[]): void {
  if (catalogued.kind === "global") {
    throw new RoutingError(`'${profileId}' is a global profile (it routes to every commercial Region), so destinationRegions does not apply; remove it`, "destinationRegions");
  }
  const given = new Set([...configured, sourceRegion]);
  const missing = catalogued.regions.filter((r) => !given.has(r));
  if (missing.length === 0) return;
  throw new RoutingError(
    `lacks ${missing.length} of the ${catalogued.regions.length} catalog Regions of '${profileId}' from ${sourceRegion} ` +
      `(missing: ${summariseList(missing)}); it can only add Regions`,
    "destinationRegions",
  );
}

function nearProfile(profileId: string): string {
  const near = didYouMean(profileId, catalogProfileIds());
  return near ? ` (did you mean '${near}'?)` : "";
}

/** Throws when the catalog shows that profiles of this kind cannot be called from the source Region. */
function assertCallable(profileId: string, prefix: ProfilePrefix, sourceRegion: string): void {
  const known = catalogProfile(profileId);
  const from = known ? Object.keys(known.sourceToDestinations).sort() : sourceRegionsForPrefix(prefix);
  if (from.includes(sourceRegion)) return;
  throw new RoutingError(
    `inference profile '${profileId}' cannot be called from Region '${sourceRegion}' (aws:region); ` +
      `${known ? "it" : `'${prefix}.' profiles`} can be called from: ${from.join(", ")}`,
  );
}

export interface LookupInput {
  modelId: string;
  sourceRegion: string;
  routingSource: "auto" | "catalog" | "live";
  configuredRegions?: string[];
  underlyingModelId?: string;
}

/**
 * The identifier to pass to GetInferenceProfile when routing must come from AWS, or undefined when it can
 * be resolved offline. Throws early when a profile plainly cannot be called from the source Region.
 */
export function routingLookup(input: LookupInput): string | undefined {
  const ref = parseModelId(input.modelId);
  if (ref.kind === "foundation-model" || ref.kind === "provisioned-model" || ref.kind === "own-arn-model") return undefined;
  if (input.configuredRegions?.length || input.underlyingModelId || input.routingSource === "catalog") return undefined;
  if (input.routingSource === "live") return input.modelId;
  if (ref.kind === "application-profile") return input.modelId;
  // A global profile's grants follow from its prefix (resolveGlobal); only `live` asks AWS about it.
  if (ref.kind === "system-profile" && ref.prefix === "global") return undefined;
  if (catalogDestinations(ref.profileId, input.sourceRegion)) return undefined;
  assertCallable(ref.profileId, ref.prefix, input.sourceRegion);
  return input.modelId;
}

/**
 * In `auto`, a geographic profile the catalog knows is resolved from the catalog and, where AWS can be asked (a real
 * preview or update), checked against GetInferenceProfile: the identifier to ask about, or undefined when there is
 * nothing to check (global profiles follow AWS's rule; configured routing is the user's word).
 */
export function catalogCheckLookup(input: LookupInput): string | undefined {
  if (input.routingSource !== "auto" || input.configuredRegions?.length || input.underlyingModelId) return undefined;
  const ref = parseModelId(input.modelId);
  if (ref.kind !== "system-profile" || ref.prefix === "global") return undefined;
  return catalogDestinations(ref.profileId, input.sourceRegion) ? input.modelId : undefined;
}

/**
 * The routing of a catalogued profile once AWS has been asked: the catalog's resolution when AWS agrees; AWS's, with
 * one warning naming both answers, when it differs; the catalog's, with one note, when AWS gave no usable answer
 * (no credentials, a mock without one, an answer that is not a list of foundation-model ARNs).
 */
export function checkedAgainstLive(input: ResolveInput, answer: string[] | { error: string }): ResolvedModel {
  const catalogued = resolveModel({ ...input, liveModelArns: undefined });
  const unanswered = (why: string): ResolvedModel => ({
    ...catalogued,
    notes: [
      ...(catalogued.notes ?? []),
      `note: routing of '${input.modelId}' from the model catalog (snapshot ${activeCatalog()._meta.snapshotDate}); AWS was not asked to confirm it (GetInferenceProfile: ${firstLine(why)})`,
    ],
  });
  if (!Array.isArray(answer)) return unanswered(answer.error);
  if (answer.length === 0) return unanswered("no models in the answer");
  let live: ResolvedModel;
  try {
    live = resolveModel({ ...input, liveModelArns: answer });
  } catch (e) {
    return unanswered(e instanceof Error ? e.message : String(e));
  }
  return live.notes?.some((n) => n.startsWith("warning: ")) ? live : catalogued;
}

const firstLine = (text: string) => {
  const line = text.split("\n")[0].trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
};

/**
 * AWS requires the foundation model in the source Region for every cross-Region call ("the foundation model in
 * the source Region", geographic cross-Region inference guide), whatever the catalog, AWS or config list.
 */
function withSource(routing: Routing, source: string): Routing {
  if (routing.kind !== "regions") return routing;
  return { kind: "regions", regions: [...new Set([...routing.regions, source])].sort() };
}

function fromModelArns(arns: string[] | undefined): Pick<ResolvedModel, "routing" | "routingSource" | "foundationModelId"> | undefined {
  if (!arns || arns.length === 0) return undefined;
  const regions = new Set<string>();
  let foundationModelId: string | undefined;
  let regionless = false;
  for (const value of arns) {
    const arn = parseArn(value);
    const [type, id] = arn ? splitResource(arn.resource) : ["", ""];
    if (!arn || type !== "foundation-model") throw new RoutingError(`GetInferenceProfile returned '${value}', which is not a foundation-model ARN`);
    foundationModelId ??= id;
    if (arn.region) regions.add(arn.region);
    else regionless = true;
  }
  const routing: Routing = regionless ? { kind: "global" } : { kind: "regions", regions: [...regions].sort() };
  return { routing, routingSource: "live", foundationModelId };
}

// An application profile copies either one foundation model or a system profile; offline, config names which.
function fromUnderlying(input: ResolveInput): Pick<ResolvedModel, "routing" | "routingSource" | "foundationModelId"> | undefined {
  if (!input.underlyingModelId) return undefined;
  const underlying = parseModelId(input.underlyingModelId);
  if (underlying.kind === "foundation-model") {
    const regions = input.configuredRegions?.length ? input.configuredRegions : [input.sourceRegion];
    return { routing: { kind: "regions", regions: [...new Set(regions)].sort() }, routingSource: "config", foundationModelId: underlying.foundationModelId };
  }
  if (underlying.kind !== "system-profile" || underlying.arn) {
    throw new RoutingError(`underlyingModelId '${input.underlyingModelId}' must be a foundation-model ID or a system inference-profile ID`);
  }
  const profile = resolveModel({ ...input, modelId: underlying.profileId, liveModelArns: undefined, underlyingModelId: undefined });
  return { routing: profile.routing, routingSource: profile.routingSource, foundationModelId: profile.foundationModelId };
}

function fromRegions(regions: string[] | undefined): Pick<ResolvedModel, "routing" | "routingSource"> | undefined {
  if (!regions || regions.length === 0) return undefined;
  return { routing: { kind: "regions", regions: [...new Set(regions)].sort() }, routingSource: "config" };
}

// Step Functions calls Bedrock in its own Region only, so an ARN from another Region or partition cannot work.
function checkArnPlacement(value: string, arnRegion: string, arnPartition: string, region: string, partition: string): void {
  if (arnRegion !== region) {
    throw new RoutingError(
      `model ARN '${value}' is in Region '${arnRegion}' but the stack's aws:region is '${region}'; Step Functions invokes Bedrock in its own Region, so use the ARN from '${region}'`,
    );
  }
  if (arnPartition !== partition) {
    throw new RoutingError(`model ARN '${value}' is in partition '${arnPartition}' but Region '${region}' is in partition '${partition}'`);
  }
}

/** The Regions a resolved model's calls can land in; "*" for global profiles. */
export function routedRegionsOf(model: ResolvedModel): string[] | "*" {
  switch (model.routing.kind) {
    case "in-region":
    case "provisioned":
      return [model.sourceRegion];
    case "regions":
      return model.routing.regions;
    case "global":
      return "*";
  }
}

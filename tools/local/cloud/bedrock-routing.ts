// Where Bedrock sends each InvokeModel call, and which authorisations AWS makes for that landing. The Regions and
// the requests come from the project's routing (src/bedrock/resolve, src/bedrock/grants' routedRequests); this module only
// picks one destination per call (seeded, or pinned) and keeps the requests that apply to it.

import { partitionOf } from "../../../src/bedrock/arn";
import { routedRequests, type AuthorizationRequest } from "../../../src/bedrock/grants";
import { resolveModel, routedRegionsOf, type ResolvedModel } from "../../../src/bedrock/resolve";
import { knownRegions } from "../../../src/bedrock/routing";
import { BedrockSfnError } from "../../../src/core/errors";
import { repeatKeyedDraws } from "../stand-ins/seeded-draw";

/** A model identifier the local cloud cannot route, or a `--route` the model cannot land in: the user's input. */
export class RouteError extends BedrockSfnError {
  constructor(message: string) {
    super("routing", message);
  }
}

export interface RoutedCall {
  /** The Region the call was answered in. */
  region: string;
  /** Every authorisation AWS makes for a call landing there; all must be allowed. */
  requests: AuthorizationRequest[];
}

export interface BedrockRouter {
  /** The model calls for this stack are routed for (the stack's own, resolved as the program resolved it). */
  readonly model: ResolvedModel;
  /** Regions a call to this model identifier can land in. */
  destinations(modelId: string): string[];
  /** Routes one call; throws `RouteError` for an identifier that cannot be resolved from the source Region. */
  route(modelId: string, body: Buffer): RoutedCall;
}

export interface BedrockRouterOptions {
  model: ResolvedModel;
  /** Fixes the sequence of destinations (default 1). */
  seed?: number;
  /** Sends every call to this Region; it must be one of the destinations. */
  pin?: string;
}

export function createBedrockRouter(options: BedrockRouterOptions): BedrockRouter {
  const { model } = options;
  const draw = repeatKeyedDraws(options.seed ?? 1, "route");
  const others = new Map<string, ResolvedModel>();
  const resolve = (modelId: string): ResolvedModel => {
    if (modelId === model.modelId) return model;
    let resolved = others.get(modelId);
    if (!resolved) {
      // Another identifier in a user's definition: resolved from the catalog, as the policy pack would.
      try {
        resolved = resolveModel({ modelId, sourceRegion: model.sourceRegion, account: model.account });
      } catch (error) {
        throw new RouteError(`The provided model identifier is invalid: ${(error as Error).message}`);
      }
      others.set(modelId, resolved);
    }
    return resolved;
  };
  if (options.pin !== undefined) {
    const regions = destinationsOf(model);
    if (!regions.includes(options.pin)) {
      throw new RouteError(`--route '${options.pin}': ${model.modelId} called from ${model.sourceRegion} cannot land there; it lands in: ${regions.join(", ")}`);
    }
  }
  return {
    model,
    destinations: (modelId) => destinationsOf(resolve(modelId)),
    route(modelId, body) {
      const resolved = resolve(modelId);
      const regions = destinationsOf(resolved);
      const pinned = options.pin !== undefined && regions.includes(options.pin) ? options.pin : undefined;
      const region = pinned ?? regions[Math.floor(draw(Buffer.concat([Buffer.from(`${modelId}\n`), body])) * regions.length)];
      return { region, requests: requestsForLanding(resolved, region) };
    },
  };
}

/** The Regions a call can land in (src/bedrock/resolve's routed Regions); for `global.`, every commercial Region of the partition. */
export function destinationsOf(model: ResolvedModel): string[] {
  const routed = routedRegionsOf(model);
  return routed === "*" ? knownRegions().filter((region) => partitionOf(region) === model.partition) : routed;
}

/**
 * The authorisations for one call that landed in `region`: always the first (the invoked ARN in the source Region);
 * for a geographic or application profile, the model in the landing Region; for `global.`, AWS's three checks
 * whatever the landing Region (it authorises the Region-less model ARN, not the destination's).
 */
export function requestsForLanding(model: ResolvedModel, region: string): AuthorizationRequest[] {
  const all = routedRequests(model);
  if (model.routing.kind !== "regions") return all;
  return all.filter((request, index) => index === 0 || request.region === region);
}

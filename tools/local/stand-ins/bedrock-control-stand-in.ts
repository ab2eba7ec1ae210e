// Local Amazon Bedrock control plane for one fixture account, on 127.0.0.1: what `bedrock-sfn catalog` reads.
// It speaks the real REST-JSON wire format, so the real SDK clients talk to it unchanged:
//   GET  /inference-profiles?maxResults&nextToken&type      ListInferenceProfiles (Bedrock)
//   GET  /inference-profiles/{inferenceProfileIdentifier}   GetInferenceProfile   (Bedrock)
//   GET  /foundation-models                                 ListFoundationModels  (Bedrock)
//   POST /listRegions                                       ListRegions           (AWS Account Management)
// Each answer is the view from one Region: the stand-in reads the Region from the request's SigV4 credential
// scope, as the Region is what a client signs for. Faults (throttling, a Region that always fails) and a fixed
// latency are injectable.

import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { listenLocally } from "./listen";

export type LifecycleStatus = "ACTIVE" | "LEGACY";

export interface FixtureModel {
  status: LifecycleStatus;
  /** ISO dates, as AWS returns them in `modelLifecycle` (startOfLifeTime, legacyTime, endOfLifeTime...). */
  legacyTime?: string;
  endOfLifeTime?: string;
  publicExtendedAccessTime?: string;
  startOfLifeTime?: string;
}

export interface FixtureAccount {
  account: string;
  /** Every Region ListRegions reports, with its opt-in status. */
  regions: { name: string; status: "ENABLED" | "ENABLED_BY_DEFAULT" | "DISABLED" | "ENABLING" | "DISABLING" }[];
  /** Per source Region: system profile ID -> the Regions its models[] name from there ("*": global, every enabled Region). */
  profiles: Record<string, Record<string, string[] | "*">>;
  /** Per Region: foundation model ID -> lifecycle. */
  models: Record<string, Record<string, FixtureModel>>;
}

export interface ControlFaultPlan {
  /** The first N requests (any operation, any Region) are answered with ThrottlingException. */
  throttleFirst?: number;
  /** Every request signed for these Regions fails with InternalServerException (a Region that keeps failing). */
  failingRegions?: string[];
  /** Milliseconds added before every answer. */
  latencyMs?: number;
}

export interface ControlCall {
  operation: "ListInferenceProfiles" | "GetInferenceProfile" | "ListFoundationModels" | "ListRegions" | "Unknown";
  region: string;
  status: number;
  query: Record<string, string>;
}

export interface BedrockControlStandIn {
  endpoint: string;
  readonly calls: ControlCall[];
  setFaults(plan: ControlFaultPlan): void;
  close(): Promise<void>;
}

export interface BedrockControlStandInOptions {
  fixture: FixtureAccount;
  faults?: ControlFaultPlan;
  /** Largest page ListInferenceProfiles returns, whatever maxResults asks (default 10, to make paging visible). */
  pageSize?: number;
  port?: number;
}

// The real API's bound for maxResults (Bedrock API reference, ListInferenceProfiles).
const MAX_RESULTS = 1000;
const CREATED = "2025-01-01T00:00:00Z";

export async function startBedrockControlStandIn(options: BedrockControlStandInOptions): Promise<BedrockControlStandIn> {
  const { fixture } = options;
  const pageSize = options.pageSize ?? 10;
  const calls: ControlCall[] = [];
  let plan: ControlFaultPlan = options.faults ?? {};
  let throttlesLeft = plan.throttleFirst ?? 0;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answer = handle(request, Buffer.concat(chunks).toString("utf8"));
      const send = () => {
        response.writeHead(answer.status, { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID(), ...answer.headers });
        response.end(JSON.stringify(answer.body));
      };
      if ((plan.latencyMs ?? 0) > 0) setTimeout(send, plan.latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;

  function handle(request: http.IncomingMessage, body: string): Answer {
    const url = new URL(request.url ?? "/", "http://localhost");
    const region = signedRegion(request.headers.authorization) ?? "us-east-1";
    const query = Object.fromEntries(url.searchParams);
    const call: ControlCall = { operation: "Unknown", region, status: 200, query };
    calls.push(call);
    const route = routeOf(request.method ?? "", url.pathname);
    call.operation = route.operation;
    const answer = answerFor(route, region, url.searchParams, body);
    call.status = answer.status;
    return answer;
  }

  function answerFor(route: Route, region: string, params: URLSearchParams, body: string): Answer {
    if (route.operation === "Unknown") return fault(404, "UnknownOperationException", "No such operation");
    if (throttlesLeft > 0) {
      throttlesLeft--;
      return fault(429, "ThrottlingException", "Too many requests, please wait before trying again.");
    }
    if (plan.failingRegions?.includes(region)) return fault(500, "InternalServerException", `Internal error in ${region}`);
    switch (route.operation) {
      case "ListRegions":
        return listRegions(body);
      case "ListInferenceProfiles":
        return listProfiles(region, params);
      case "GetInferenceProfile":
        return getProfile(region, route.identifier);
      case "ListFoundationModels":
        return ok({ modelSummaries: Object.entries(fixture.models[region] ?? {}).map(([id, model]) => modelSummary(region, id, model)) });
    }
  }

  function enabled(region: string): boolean {
    return fixture.regions.some((r) => r.name === region && (r.status === "ENABLED" || r.status === "ENABLED_BY_DEFAULT"));
  }

  function profilesIn(region: string): string[] {
    return Object.keys(fixture.profiles)
      .filter((id) => Object.hasOwn(fixture.profiles[id], region))
      .sort();
  }

  function profileDocument(region: string, id: string) {
    const destinations = fixture.profiles[id][region];
    const foundationModelId = id.slice(id.indexOf(".") + 1);
    const regions = destinations === "*" ? fixture.regions.filter((r) => enabled(r.name)).map((r) => r.name) : destinations;
    return {
      inferenceProfileName: `${id} (fixture)`,
      description: `Routes ${foundationModelId} from ${region}`,
      createdAt: CREATED,
      updatedAt: CREATED,
      inferenceProfileArn: `arn:aws:bedrock:${region}:${fixture.account}:inference-profile/${id}`,
      models: regions.map((r) => ({ modelArn: `arn:aws:bedrock:${r}::foundation-model/${foundationModelId}` })),
      inferenceProfileId: id,
      status: "ACTIVE",
      type: "SYSTEM_DEFINED",
    };
  }

  function listProfiles(region: string, params: URLSearchParams): Answer {
    if (!enabled(region)) return fault(403, "UnrecognizedClientException", `The security token included in the request is invalid for ${region}`);
    const type = params.get("type");
    // The fixture account has no application profiles.
    const ids = type === "APPLICATION" ? [] : profilesIn(region);
    const maxResults = params.has("maxResults") ? Number(params.get("maxResults")) : MAX_RESULTS;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
      return fault(400, "ValidationException", `maxResults must be between 1 and ${MAX_RESULTS}`);
    }
    let start = 0;
    const token = params.get("nextToken");
    if (token !== null) {
      const decoded = decodeToken(token);
      if (!decoded || decoded.region !== region || decoded.type !== (type ?? "")) return fault(400, "ValidationException", "The nextToken is invalid");
      start = decoded.offset;
    }
    const size = Math.min(maxResults, pageSize);
    const page = ids.slice(start, start + size);
    const next = start + size < ids.length ? encodeToken({ region, type: type ?? "", offset: start + size }) : undefined;
    return ok({ inferenceProfileSummaries: page.map((id) => profileDocument(region, id)), ...(next ? { nextToken: next } : {}) });
  }

  function getProfile(region: string, identifier: string): Answer {
    if (!enabled(region)) return fault(403, "UnrecognizedClientException", `The security token included in the request is invalid for ${region}`);
    const id = identifier.startsWith("arn:") ? (identifier.split("/").pop() ?? "") : identifier;
    if (!Object.hasOwn(fixture.profiles, id) || !Object.hasOwn(fixture.profiles[id], region)) {
      return fault(404, "ResourceNotFoundException", `Inference profile ${identifier} not found in ${region}`);
    }
    return ok(profileDocument(region, id));
  }

  function modelSummary(region: string, id: string, model: FixtureModel) {
    const { status, ...dates } = model;
    return {
      modelArn: `arn:aws:bedrock:${region}::foundation-model/${id}`,
      modelId: id,
      modelName: id,
      providerName: id.split(".")[0],
      inputModalities: ["TEXT"],
      outputModalities: ["TEXT"],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ["ON_DEMAND", "INFERENCE_PROFILE"],
      modelLifecycle: { status, ...dates },
    };
  }

  function listRegions(body: string): Answer {
    let request: { RegionOptStatusContains?: string[]; MaxResults?: number; NextToken?: string };
    try {
      request = body ? JSON.parse(body) : {};
    } catch {
      return fault(400, "ValidationException", "The request body is not JSON");
    }
    const wanted = request.RegionOptStatusContains;
    const regions = fixture.regions.filter((r) => !wanted || wanted.includes(r.status));
    const start = request.NextToken ? Number(request.NextToken) : 0;
    const size = request.MaxResults ?? 50;
    const next = start + size < regions.length ? String(start + size) : undefined;
    return ok({ Regions: regions.slice(start, start + size).map((r) => ({ RegionName: r.name, RegionOptStatus: r.status })), ...(next ? { NextToken: next } : {}) });
  }

  await listenLocally(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    calls,
    setFaults(next) {
      plan = next;
      throttlesLeft = next.throttleFirst ?? 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

type Route = { operation: "ListInferenceProfiles" | "ListFoundationModels" | "ListRegions" | "Unknown" } | { operation: "GetInferenceProfile"; identifier: string };

function routeOf(method: string, pathname: string): Route {
  if (method === "GET" && pathname === "/inference-profiles") return { operation: "ListInferenceProfiles" };
  if (method === "GET" && pathname.startsWith("/inference-profiles/")) {
    return { operation: "GetInferenceProfile", identifier: decodeURIComponent(pathname.slice("/inference-profiles/".length)) };
  }
  if (method === "GET" && pathname === "/foundation-models") return { operation: "ListFoundationModels" };
  if (method === "POST" && pathname === "/listRegions") return { operation: "ListRegions" };
  return { operation: "Unknown" };
}

/** The Region of a SigV4 `Authorization` header: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? "")?.[1];
}

function encodeToken(token: { region: string; type: string; offset: number }): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

function decodeToken(token: string): { region: string; type: string; offset: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    return Number.isInteger(value.offset) && value.offset >= 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

const ok = (body: unknown): Answer => ({ status: 200, body });

function fault(status: number, type: string, message: string): Answer {
  return { status, headers: { "x-amzn-errortype": type }, body: { message } };
}

// Local Amazon Bedrock runtime: answers `POST /model/{modelId}/invoke` on 127.0.0.1 in the called model's
// response format (and `/converse` in the Converse format), records the exact bytes it received, and injects the faults Step Functions must cope with.

import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { converseRequestProblem, converseResponse, familyOfInvokedModel, sampleResponse, type ModelFamily } from "../../../src/bedrock/families";
import { listenLocally } from "./listen";
import { repeatKeyedDraws } from "./seeded-draw";

export type BedrockFault =
  | "ThrottlingException"
  | "ModelTimeoutException"
  | "AccessDeniedException"
  | "ValidationException"
  | "ModelNotReadyException"
  | "ServiceUnavailableException";

const FAULTS: Record<BedrockFault, { status: number; message: string }> = {
  ThrottlingException: { status: 429, message: "Too many requests, please wait before trying again." },
  ModelTimeoutException: { status: 408, message: "Model has timed out in processing the request. Try your request again." },
  AccessDeniedException: { status: 403, message: "You don't have access to the model with the specified model ID." },
  ValidationException: { status: 400, message: "Malformed input request, please reformat your input and try again." },
  // Status codes as InvokeModel's API reference lists them (ModelNotReadyException 429, ServiceUnavailableException 503).
  ModelNotReadyException: { status: 429, message: "The model is not ready to serve inference requests." },
  ServiceUnavailableException: { status: 503, message: "The service is unavailable. Try your request again." },
};
const BEDROCK_FAULTS = Object.keys(FAULTS) as BedrockFault[];

export interface FaultPlan {
  /** A fault for every call to these model IDs (as the URL names them), whatever else the plan says: a model that stays throttled. */
  byModel?: Readonly<Record<string, BedrockFault>>;
  /** Faults for the next calls, one per call, in order; consulted first. */
  next?: BedrockFault[];
  /** Fault for every call once `next` is used up. */
  always?: BedrockFault;
  /** Share of the remaining calls (0..1) answered with ThrottlingException. */
  throttleRate?: number;
  /**
   * Seed for `throttleRate` (default 1). Each draw is derived from the seed, the request bytes and how many times
   * those bytes were sent before, so the same requests are throttled on every run however concurrent calls interleave.
   */
  seed?: number;
  /** Milliseconds added before every answer. */
  latencyMs?: number;
}

export interface RecordedCall {
  modelId: string;
  /** The request body exactly as received. */
  body: Buffer;
  contentType?: string;
  accept?: string;
  status: number;
  fault?: BedrockFault;
  /** The Region the call was routed to, when the stand-in routes calls (a gate is set). */
  routedRegion?: string;
}

export interface ReplyContext {
  modelId: string;
  body: Buffer;
}

export interface BedrockStandInOptions {
  /** Family for identifiers that do not tell it (application inference profiles, provisioned models). */
  family?: ModelFamily;
  /**
   * The family a workflow was configured with, per model ID it calls: it wins over the family the ID tells, as the
   * workflow builds that family's body and reads that family's answer (a legacy format such as Text Completions is
   * configured for a model that also speaks Messages, never derived).
   */
  familyByModel?: Readonly<Record<string, ModelFamily>>;
  faults?: FaultPlan;
  /** The generated text; by default it names the model and the size and digest of the request. */
  replyText?: (call: ReplyContext) => string;
  region?: string;
  /** Fixed port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** false: keep no record of calls (`calls` stays empty), so a batch of 100,000 items holds none in memory. Default true. */
  recordCalls?: boolean;
  /**
   * Routes and authorises each call before it is answered (tools/local/cloud/bedrock-gate); a refusal is returned in
   * AWS's shape. Checked before injected faults, as AWS authorises a call before it throttles it.
   */
  gate?: (modelId: string, body: Buffer) => { region?: string; refusal?: { type: "AccessDeniedException" | "ValidationException"; message: string } };
}

export interface BedrockStandIn {
  endpoint: string;
  /** Every call received, in arrival order. */
  readonly calls: RecordedCall[];
  /** Replaces the fault plan from the next call on (the throttle generator restarts from the plan's seed). */
  setFaults(plan: FaultPlan): void;
  /** A Bedrock runtime client for this server, making one attempt per call as Step Functions does (its Retry retries). */
  createClient(): BedrockRuntimeClient;
  close(): Promise<void>;
}

const FAKE_CREDENTIALS = { accessKeyId: "LOCALSTANDIN", secretAccessKey: "local-stand-in-secret" };
const INVOKE_PATH = /^\/model\/([^/]+)\/(invoke|converse)$/;

function defaultReplyText(call: ReplyContext): string {
  const digest = crypto.createHash("sha256").update(call.body).digest("hex").slice(0, 12);
  return `Local stand-in reply from ${call.modelId} to a ${call.body.length}-byte request (sha256 ${digest}).`;
}

export async function startBedrockStandIn(options: BedrockStandInOptions = {}): Promise<BedrockStandIn> {
  const calls: RecordedCall[] = [];
  let faults = startFaults(options.faults ?? {});
  const replyText = options.replyText ?? defaultReplyText;

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      // Recorded and decided on arrival, so a call whose caller gave up (timeout) still counts where it was made.
      const answer = handle(request, Buffer.concat(chunks));
      const send = () => {
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      };
      const latency = faults.plan.latencyMs ?? 0;
      if (latency > 0) setTimeout(send, latency);
      else send();
    });
  });
  // Idle keep-alive sockets must outlive a busy test's pauses: a server closing one just as the client reuses it
  // makes the client see ECONNRESET.
  server.keepAliveTimeout = 60_000;

  function familyOfCall(modelId: string): ModelFamily {
    const configured = options.familyByModel;
    return configured && Object.hasOwn(configured, modelId) ? configured[modelId] : familyOfInvokedModel(modelId, options.family);
  }

  function handle(request: http.IncomingMessage, body: Buffer): Answer {
    const match = request.method === "POST" ? INVOKE_PATH.exec((request.url ?? "").split("?")[0]) : null;
    if (!match) return errorAnswer(404, "UnknownOperationException", `No operation at ${request.method} ${request.url}`);
    const modelId = decodeURIComponent(match[1]);
    const call: RecordedCall = {
      modelId,
      body,
      contentType: request.headers["content-type"],
      accept: request.headers.accept,
      status: 200,
    };
    if (options.recordCalls !== false) calls.push(call);

    const gated = options.gate?.(modelId, body);
    if (gated?.region) call.routedRegion = gated.region;
    if (gated?.refusal) {
      const { type, message } = gated.refusal;
      call.status = FAULTS[type].status;
      call.fault = type;
      return errorAnswer(call.status, type, message);
    }
    const fault = faults.draw(body, modelId);
    const converse = match[2] === "converse";
    const rejection = fault ? undefined : validateRequest(modelId, body, options.family, converse);
    if (fault || rejection) {
      const type = fault ?? "ValidationException";
      call.status = FAULTS[type].status;
      call.fault = type;
      return errorAnswer(FAULTS[type].status, type, rejection ?? FAULTS[type].message);
    }
    const family = familyOfCall(modelId);
    const text = replyText({ modelId, body });
    const inputTokens = Math.max(1, Math.ceil(body.length / 4));
    const outputTokens = Math.max(1, text.split(/\s+/).filter(Boolean).length);
    const payload = converse ? converseResponse({ text, inputTokens, outputTokens }) : sampleResponse(family, { text, inputTokens, outputTokens, modelId });
    return {
      status: 200,
      headers: {
        "content-type": "application/json",
        "x-amzn-requestid": crypto.randomUUID(),
        "x-amzn-bedrock-input-token-count": String(inputTokens),
        "x-amzn-bedrock-output-token-count": String(outputTokens),
      },
      body: JSON.stringify(payload),
    };
  }

  await listenLocally(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    calls,
    setFaults(plan) {
      faults = startFaults(plan);
    },
    createClient() {
      return new BedrockRuntimeClient({
        region: options.region ?? "us-east-1",
        endpoint,
        credentials: FAKE_CREDENTIALS,
        // A Distributed Map runs up to 10,000 calls at once: the default agent's 50 sockets would queue them.
        requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: 10_000 }) }),
        maxAttempts: 1,
      });
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/** Why Bedrock would refuse this request before running the model, or undefined when it would run it. */
function validateRequest(modelId: string, body: Buffer, family: ModelFamily | undefined, converse = false): string | undefined {
  try {
    familyOfInvokedModel(modelId, family);
  } catch {
    return `The provided model identifier is invalid: ${modelId}`;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return "Malformed input request: the body is not valid JSON";
  }
  return converse ? converseRequestProblem(parsed) : undefined;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function errorAnswer(status: number, type: string, message: string): Answer {
  return {
    status,
    headers: { "content-type": "application/json", "x-amzn-errortype": type, "x-amzn-requestid": crypto.randomUUID() },
    body: JSON.stringify({ message }),
  };
}

interface FaultState {
  plan: FaultPlan;
  draw(body: Buffer, modelId: string): BedrockFault | undefined;
}

function startFaults(plan: FaultPlan): FaultState {
  const rate = plan.throttleRate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`throttleRate must be between 0 and 1, got ${plan.throttleRate}`);
  for (const fault of [...(plan.next ?? []), ...(plan.always ? [plan.always] : []), ...Object.values(plan.byModel ?? {})]) {
    if (!(fault in FAULTS)) throw new Error(`unknown fault '${fault}'; valid faults: ${BEDROCK_FAULTS.join(", ")}`);
  }
  const queue = [...(plan.next ?? [])];
  const draw = repeatKeyedDraws(plan.seed ?? 1);
  return {
    plan,
    draw(body, modelId) {
      if (plan.byModel && Object.hasOwn(plan.byModel, modelId)) return plan.byModel[modelId];
      if (queue.length > 0) return queue.shift();
      if (plan.always) return plan.always;
      if (rate === 0) return undefined;
      return draw(body) < rate ? "ThrottlingException" : undefined;
    },
  };
}

// The API front door on 127.0.0.1, as API Gateway serves the stack's REST API: throttling (rate and burst),
// authentication (a SigV4 Authorization header, or the API key), the request validator (the request model),
// the mapping templates (rendered by local/api-gateway), and the call to Step Functions over its JSON protocol,
// sent to the local Step Functions endpoint. Signatures are not verified here (docs/limits.md).
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import Ajv from "ajv";
import { EXECUTIONS_PATH, GENERATE_PATH, GENERATE_REQUEST_SCHEMA, STAGE_NAME } from "../../../src/api/contract";
import type { ApiAuth } from "../../../src/core/defaults";
import { BAD_REQUEST_BODY_TEMPLATE, REQUEST_CONTENT_TYPES, describeRequestTemplate, integrationResponses, startRequestTemplate } from "../../../src/api/mapping-templates";
import { executionArnPrefix } from "../../../src/api/role-policy";
import { BodyNotJsonError, renderGatewayResponse, renderMappingTemplate } from "../api-gateway/mapping-template";
import { listenLocally } from "../stand-ins/listen";
import type { WorkflowType } from "../../../src/core/defaults";

/** API Gateway's payload limit for REST APIs. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export interface ApiFrontDoorOptions {
  stateMachineArn: string;
  workflowType: WorkflowType;
  auth: ApiAuth;
  /** The key callers send in x-api-key with `apiKey` auth; generated when absent. */
  apiKey?: string;
  rateLimit: number;
  burstLimit: number;
  /** The Step Functions endpoint the integration calls. */
  stepFunctionsEndpoint: string;
  port?: number;
  account?: string;
  /** Told about every request, as an access-log line. */
  onAccess?: (entry: Record<string, unknown>) => void;
}

export interface LocalApiFrontDoor {
  endpoint: string;
  apiKey?: string;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: string;
}

export async function startApiFrontDoor(options: ApiFrontDoorOptions): Promise<LocalApiFrontDoor> {
  const express = options.workflowType === "EXPRESS";
  const apiKey = options.auth === "apiKey" ? (options.apiKey ?? crypto.randomBytes(20).toString("base64url")) : undefined;
  const bucket = tokenBucket(options.rateLimit, options.burstLimit);
  const { $schema: _draft, ...schema } = GENERATE_REQUEST_SCHEMA; // ajv speaks later drafts; these keywords mean the same
  const validate = new Ajv({ allErrors: true }).compile(schema);

  async function answer(request: http.IncomingMessage, raw: Buffer | undefined, requestId: string): Promise<Answer> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname.replace(new RegExp(`^/${STAGE_NAME}(?=/)`), "");
    const context = {
      requestId,
      stage: STAGE_NAME,
      httpMethod: request.method,
      resourcePath: path,
      identity: { sourceIp: request.socket.remoteAddress, userAgent: request.headers["user-agent"] ?? "", apiKey: apiKey ?? "" },
      error: {} as Record<string, string>,
    };
    const json = (status: number, body: Record<string, unknown>): Answer => ({ status, body: JSON.stringify(body) });

    const describeMatch = new RegExp(`^${EXECUTIONS_PATH}/([^/]+)$`).exec(path);
    const route = request.method === "POST" && path === GENERATE_PATH ? "generate" : request.method === "GET" && describeMatch && !express ? "describe" : undefined;
    if (!route) {
      const served = [`POST /${STAGE_NAME}${GENERATE_PATH}`, ...(express ? [] : [`GET /${STAGE_NAME}${EXECUTIONS_PATH}/{id}`])];
      return json(404, { message: `no route ${request.method} ${url.pathname}; this API serves ${served.join(", ")}` });
    }
    if (!bucket.take()) return json(429, { message: "Too Many Requests" });
    if (options.auth === "iam" && !/^AWS4-HMAC-SHA256 /.test(String(request.headers.authorization ?? ""))) {
      return json(403, { message: "Missing Authentication Token (sign the request with SigV4, e.g. curl --aws-sigv4)" });
    }
    if (options.auth === "apiKey" && request.headers["x-api-key"] !== apiKey) return json(403, { message: "Forbidden (send the API key in x-api-key)" });
    if (!raw) return json(413, { message: `Request Too Long (over ${MAX_PAYLOAD_BYTES} bytes)` });

    // API Gateway assumes JSON when no Content-Type is sent.
    const contentType = String(request.headers["content-type"] ?? "application/json")
      .split(";")[0]
      .trim()
      .toLowerCase();
    if (!(REQUEST_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      return json(415, { message: `Unsupported Media Type '${contentType}': send Content-Type: application/json` });
    }
    const body = raw.toString("utf8");
    const stateMachineArn = options.stateMachineArn;
    let action: string;
    let template: string;
    if (route === "generate") {
      const problem = requestBodyProblem(body, validate);
      if (problem) {
        context.error = { validationErrorString: problem };
        return { status: 400, body: renderGatewayResponse(BAD_REQUEST_BODY_TEMPLATE, context) };
      }
      action = express ? "StartSyncExecution" : "StartExecution";
      template = startRequestTemplate(stateMachineArn);
    } else {
      action = "DescribeExecution";
      template = describeRequestTemplate(executionArnPrefix(stateMachineArn));
    }
    let integrationRequest: string;
    try {
      integrationRequest = renderMappingTemplate(template, { body, params: { path: describeMatch ? { id: decodeURIComponent(describeMatch[1]) } : {} }, context }).output;
    } catch (error) {
      if (error instanceof BodyNotJsonError) return json(400, { message: error.message });
      if (error instanceof URIError) return json(400, { message: `malformed execution id in the path '${url.pathname}'` });
      throw error;
    }
    const upstream = await fetch(`${options.stepFunctionsEndpoint}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AWSStepFunctions.${action}` },
      body: integrationRequest,
    });
    const upstreamBody = await upstream.text();
    const kind = route === "describe" ? "describe" : express ? "sync" : "start";
    const responses = integrationResponses(kind);
    const chosen =
      responses.find((r) => r.selectionPattern && new RegExp(`^(?:${r.selectionPattern})$`).test(String(upstream.status))) ?? responses.find((r) => !r.selectionPattern)!;
    const rendered = renderMappingTemplate(chosen.template, { body: upstreamBody, context });
    return { status: rendered.statusOverride ?? Number(chosen.statusCode), body: rendered.output };
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const requestId = crypto.randomUUID();
    const started = Date.now();
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on("end", () => {
      answer(request, size > MAX_PAYLOAD_BYTES ? undefined : Buffer.concat(chunks), requestId)
        .catch((error: unknown) => ({ status: 500, body: JSON.stringify({ message: `Internal server error (${(error as Error).message})`, request_id: requestId }) }))
        .then(({ status, body }) => {
          response.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": requestId });
          response.end(body);
          options.onAccess?.({ requestId, httpMethod: request.method, path: request.url, status, latencyMs: Date.now() - started });
        });
    });
  });
  await listenLocally(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** What API Gateway's request validator would say about the body, or undefined when it passes the model. */
function requestBodyProblem(body: string, validate: ReturnType<Ajv["compile"]>): string | undefined {
  let parsed: unknown;
  try {
    parsed = body.trim() === "" ? undefined : JSON.parse(body);
  } catch (error) {
    return `[the body is not JSON: ${(error as Error).message}]`;
  }
  if (parsed === undefined) return '[the body is empty: send {"prompt": "..."}]';
  if (validate(parsed)) return undefined;
  return `[${(validate.errors ?? []).map((e) => `${e.instancePath || "body"} ${e.message}${e.params && "additionalProperty" in e.params ? ` ('${String(e.params.additionalProperty)}')` : ""}`).join("; ")}]`;
}

/** Stage throttling as API Gateway applies it: a token bucket of `burst` tokens refilled at `rate` per second. */
function tokenBucket(rate: number, burst: number): { take(): boolean } {
  let tokens = burst;
  let last = Date.now();
  return {
    take() {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * rate);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

// The local S3 endpoint that callers see: a proxy in front of s3rver that authorises the execution role's calls.
// Requests signed with the role's local access key are decided against the role's policies (s3:GetObject,
// s3:PutObject, ...) and refused with S3's 403 AccessDenied when IAM would refuse them; every other caller (the
// user running `invoke`, tests) is let through, as a user with full access to their own bucket would be.
// s3rver checks signatures only for its own fixed key, so the proxy forwards requests unsigned.

import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import type { IamRequest } from "../../../src/iam";
import { listenLocally } from "../stand-ins/listen";
import { accessDeniedMessage, type ExecutionRole } from "./execution-role";

/** The access key the workflow's S3 client signs with; requests carrying it are the execution role's. */
const ROLE_ACCESS_KEY_ID = "ASIALOCALEXECUTIONROLE";
const ROLE_CREDENTIALS = { accessKeyId: ROLE_ACCESS_KEY_ID, secretAccessKey: "local-execution-role-secret" };

export interface S3FrontDoorOptions {
  /** The s3rver endpoint requests are forwarded to. */
  upstream: string;
  role: ExecutionRole;
  partition: string;
  region: string;
  /** false: the role's calls are forwarded without a decision (the "authorisation off" figure). */
  authorise?: boolean;
  /** Fixed port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

export interface S3Decision {
  request: IamRequest;
  allowed: boolean;
}

export interface S3FrontDoor {
  endpoint: string;
  /** The role's decided requests, in arrival order. */
  readonly decisions: S3Decision[];
  /** An S3 client that acts as the execution role (the workflow's client). */
  createRoleClient(): S3Client;
  close(): Promise<void>;
}

export async function startS3FrontDoor(options: S3FrontDoorOptions): Promise<S3FrontDoor> {
  const upstream = new URL(options.upstream);
  const decisions: S3Decision[] = [];
  const authorise = options.authorise ?? true;
  const agent = new http.Agent({ keepAlive: true });

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://local");
    if (authorise && accessKeyOf(request, url) === ROLE_ACCESS_KEY_ID) {
      const iamRequest = s3Request(request.method ?? "GET", url, options);
      const decision = options.role.decide(iamRequest);
      decisions.push({ request: iamRequest, allowed: decision.allowed });
      if (!decision.allowed) {
        request.resume();
        return accessDenied(response, accessDeniedMessage(options.role, iamRequest, decision));
      }
    }
    stripSignature(url);
    const headers = { ...request.headers, host: upstream.host };
    delete headers.authorization;
    const forwarded = http.request({ host: upstream.hostname, port: upstream.port, method: request.method, path: `${url.pathname}${url.search}`, headers, agent }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forwarded.on("error", (error) => {
      if (!response.headersSent) response.writeHead(502, { "content-type": "text/plain" });
      response.end(`local S3 is unreachable: ${error.message}`);
    });
    request.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await listenLocally(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    decisions,
    // Plain bodies for streamed uploads (see s3-stand-in.ts).
    createRoleClient: () => new S3Client({ region: options.region, endpoint, forcePathStyle: true, credentials: ROLE_CREDENTIALS, requestChecksumCalculation: "WHEN_REQUIRED" }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function accessKeyOf(request: http.IncomingMessage, url: URL): string | undefined {
  const header = request.headers.authorization ?? "";
  const fromHeader = /Credential=([^/,\s]+)\//.exec(header)?.[1] ?? /^AWS ([^:]+):/.exec(header)?.[1];
  return fromHeader ?? url.searchParams.get("X-Amz-Credential")?.split("/")[0] ?? url.searchParams.get("AWSAccessKeyId") ?? undefined;
}

const SIGNATURE_PARAMS = [
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Signature",
  "X-Amz-Security-Token",
  "AWSAccessKeyId",
  "Signature",
  "Expires",
];

function stripSignature(url: URL): void {
  for (const name of SIGNATURE_PARAMS) url.searchParams.delete(name);
}

/** The IAM action and resource of a path-style S3 request, as S3 authorises it. */
export function s3Request(method: string, url: URL, options: Pick<S3FrontDoorOptions, "partition" | "region">): IamRequest {
  const [bucket = "", ...rest] = url.pathname.replace(/^\//, "").split("/");
  const key = decodeURIComponent(rest.join("/"));
  const context = { "aws:RequestedRegion": options.region };
  const arn = (resource: string) => `arn:${options.partition}:s3:::${resource}`;
  if (!bucket) return { action: "s3:ListAllMyBuckets", resource: "*", context };
  if (!key) {
    const bucketActions: Record<string, string> = { GET: "s3:ListBucket", HEAD: "s3:ListBucket", PUT: "s3:CreateBucket", DELETE: "s3:DeleteBucket", POST: "s3:DeleteObject" };
    return { action: bucketActions[method] ?? "s3:ListBucket", resource: arn(bucket), context };
  }
  const multipart = url.searchParams.has("uploadId");
  const objectActions: Record<string, string> = {
    GET: "s3:GetObject",
    HEAD: "s3:GetObject",
    PUT: "s3:PutObject",
    POST: "s3:PutObject",
    DELETE: multipart ? "s3:AbortMultipartUpload" : "s3:DeleteObject",
  };
  return { action: objectActions[method] ?? "s3:GetObject", resource: arn(`${bucket}/${key}`), context };
}

function accessDenied(response: http.ServerResponse, message: string): void {
  const requestId = crypto.randomBytes(8).toString("hex").toUpperCase();
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>${requestId}</RequestId><HostId>local</HostId></Error>`;
  response.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": requestId });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// A local Step Functions endpoint speaking the AWS JSON 1.0 protocol (POST /, X-Amz-Target: AWSStepFunctions.<Op>)
// for one state machine, so the real @aws-sdk/client-sfn (and so `npm run invoke`) can use it unchanged:
// StartExecution (asynchronous), StartSyncExecution (EXPRESS only, answers when the run ends), DescribeExecution,
// GetExecutionHistory, ListExecutions, StopExecution, DescribeStateMachine. Errors carry AWS's exception names.

import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ExecutionStore, StepFunctionsError, type Execution, type ExecutionStatus, type LocalStateMachine } from "./executions";
import { listenLocally } from "../stand-ins/listen";

const TARGET_PREFIX = "AWSStepFunctions.";
const ERROR_NAMESPACE = "com.amazonaws.swf.service.v2.model#";
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const STATUSES: readonly ExecutionStatus[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"];

export interface StepFunctionsEndpointOptions {
  machine: LocalStateMachine;
  /** Fixed port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Told when an execution ends (serve prints it). */
  onFinished?: (execution: Execution) => void;
}

export interface StepFunctionsEndpoint {
  endpoint: string;
  executions: ExecutionStore;
  close(): Promise<void>;
}

type Operation = (body: Record<string, unknown>) => Promise<unknown> | unknown;

export async function startStepFunctionsEndpoint(options: StepFunctionsEndpointOptions): Promise<StepFunctionsEndpoint> {
  const store = new ExecutionStore(options.machine);
  const machine = options.machine;
  const started = (execution: Execution) => {
    void execution.finished.then(() => options.onFinished?.(execution));
    return execution;
  };

  const operations: Record<string, Operation> = {
    StartExecution: (body) => {
      const execution = started(store.start(text(body, "stateMachineArn", true)!, text(body, "name"), text(body, "input")));
      return { executionArn: execution.executionArn, startDate: seconds(execution.startDate) };
    },
    StartSyncExecution: async (body) => {
      store.checkMachine(text(body, "stateMachineArn", true));
      if (machine.type !== "EXPRESS") {
        throw new StepFunctionsError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine (STANDARD): use StartExecution");
      }
      const execution = started(store.start(machine.arn, text(body, "name"), text(body, "input")));
      await execution.finished;
      return { ...describe(execution), billingDetails: { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 } };
    },
    DescribeExecution: (body) => describe(store.get(text(body, "executionArn", true)!)),
    StopExecution: (body) => {
      const execution = store.stop(text(body, "executionArn", true)!, text(body, "error"), text(body, "cause"));
      return { stopDate: seconds(execution.stopDate ?? new Date()) };
    },
    GetExecutionHistory: (body) => {
      const execution = store.get(text(body, "executionArn", true)!);
      const events = body.reverseOrder === true ? [...execution.events].reverse() : execution.events;
      const page = paginate(events, body);
      const includeData = body.includeExecutionData !== false;
      return {
        events: page.items.map((event) => ({ ...(includeData ? event : withoutData(event)), timestamp: seconds(event.timestamp) })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
    ListExecutions: (body) => {
      store.checkMachine(text(body, "stateMachineArn", true));
      const filter = text(body, "statusFilter");
      if (filter !== undefined && !(STATUSES as readonly string[]).includes(filter)) {
        throw new StepFunctionsError("ValidationException", `statusFilter '${filter}' is not one of ${STATUSES.join(", ")}`);
      }
      const page = paginate(
        store.list().filter((e) => !filter || e.status === filter),
        body,
      );
      return {
        executions: page.items.map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: seconds(e.startDate),
          ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
        })),
        ...(page.nextToken ? { nextToken: page.nextToken } : {}),
      };
    },
    DescribeStateMachine: (body) => {
      store.checkMachine(text(body, "stateMachineArn", true));
      return {
        stateMachineArn: machine.arn,
        name: machine.name,
        status: "ACTIVE",
        definition: machine.definition,
        roleArn: machine.roleArn,
        type: machine.type,
        creationDate: seconds(new Date(0)),
      };
    },
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => {
      void answer(request, size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)).then(({ status, body, type }) => {
        response.writeHead(status, {
          "content-type": "application/x-amz-json-1.0",
          "x-amzn-requestid": crypto.randomUUID(),
          ...(type ? { "x-amzn-errortype": type } : {}),
        });
        response.end(JSON.stringify(body));
      });
    });
  });
  server.keepAliveTimeout = 60_000;

  async function answer(request: http.IncomingMessage, raw: Buffer | undefined): Promise<{ status: number; body: unknown; type?: string }> {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? operations[target.slice(TARGET_PREFIX.length)] : undefined;
    try {
      if (request.method !== "POST" || !operation) {
        throw new StepFunctionsError(
          "UnknownOperationException",
          `unknown operation '${target || `${request.method} ${request.url}`}'; this endpoint serves ${Object.keys(operations).join(", ")}`,
        );
      }
      if (!raw) throw new StepFunctionsError("ValidationException", `request body over ${MAX_BODY_BYTES} bytes`);
      let body: unknown;
      try {
        body = raw.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
      } catch {
        throw new StepFunctionsError("SerializationException", "the request body is not JSON");
      }
      if (body === null || typeof body !== "object" || Array.isArray(body)) throw new StepFunctionsError("SerializationException", "the request body must be a JSON object");
      return { status: 200, body: await operation(body as Record<string, unknown>) };
    } catch (error) {
      if (!(error instanceof StepFunctionsError)) {
        return { status: 500, body: { __type: `${ERROR_NAMESPACE}InternalFailure`, message: (error as Error).message }, type: "InternalFailure" };
      }
      return { status: 400, body: { __type: `${ERROR_NAMESPACE}${error.type}`, message: error.message }, type: error.type };
    }
  }

  await listenLocally(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    executions: store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function describe(execution: Execution): Record<string, unknown> {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...(execution.stopDate ? { stopDate: seconds(execution.stopDate) } : {}),
    input: execution.input,
    inputDetails: { included: true },
    ...(execution.output !== undefined ? { output: execution.output, outputDetails: { included: true } } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

function text(body: Record<string, unknown>, field: string, required = false): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required)
      throw new StepFunctionsError("ValidationException", `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
    return undefined;
  }
  if (typeof value !== "string") throw new StepFunctionsError("ValidationException", `'${field}' must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/** maxResults (1..1000, default 100) and an opaque nextToken, as AWS pages its lists. */
function paginate<T>(items: T[], body: Record<string, unknown>): { items: T[]; nextToken?: string } {
  const max = body.maxResults === undefined || body.maxResults === 0 ? 100 : Number(body.maxResults);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new StepFunctionsError("ValidationException", `maxResults ${JSON.stringify(body.maxResults)} must be from 1 to 1000`);
  let start = 0;
  if (body.nextToken !== undefined) {
    const decoded = /^offset:(\d+)$/.exec(Buffer.from(String(body.nextToken), "base64url").toString("utf8"));
    if (!decoded) throw new StepFunctionsError("InvalidToken", `Invalid Token: '${String(body.nextToken).slice(0, 60)}'`);
    start = Number(decoded[1]);
  }
  const end = start + max;
  return { items: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString("base64url") } : {}) };
}

function withoutData(event: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(event, (key, value) => (key === "input" || key === "output" ? undefined : value)));
}

/** The JSON protocol's timestamps: epoch seconds. */
function seconds(date: Date): number {
  return date.getTime() / 1000;
}

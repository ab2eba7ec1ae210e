// What a Distributed Map in any definition asks of its role at run time (AWS, "IAM policies for using Distributed
// Map states" and "ResultWriter (Map)"; docs/batch.md): starting child executions of its own state machine, describing
// and stopping them, reading a literal ItemReader object, and writing results under a literal ResultWriter prefix.
// The policy pack's stack view asks the role about each, as it does for the Bedrock calls the analysis finds.
import type { AuthorizationRequest } from "../bedrock/grants";
import { executionArnPrefix } from "../bedrock/arn";
import { parseJson } from "../json";
import { walkStates } from "./walk";

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => !!value && typeof value === "object" && !Array.isArray(value);

/** A literal field of an ItemReader/ResultWriter's Arguments (JSONata) or Parameters (JSONPath); undefined when computed. */
function literal(spec: unknown, field: string): string | undefined {
  if (!isObject(spec)) return undefined;
  const args = isObject(spec.Arguments) ? spec.Arguments : isObject(spec.Parameters) ? spec.Parameters : {};
  const value = args[field];
  return typeof value === "string" && !value.startsWith("{%") ? value : undefined;
}

export function distributedMapRequests(definition: unknown, context: { stateMachineArn: string; region: string }): AuthorizationRequest[] {
  const { stateMachineArn, region } = context;
  const partition = stateMachineArn.split(":")[1] ?? "aws";
  const requests: AuthorizationRequest[] = [];
  const ask = (action: string, resource: string, why: string) => requests.push({ action, resource, context: { "aws:RequestedRegion": region }, region, why });
  const doc = typeof definition === "string" ? parseJson(definition, () => undefined) : definition;
  for (const { path, state } of walkStates(doc)) {
    const processor = isObject(state.ItemProcessor) ? state.ItemProcessor : undefined;
    const distributed = isObject(processor?.ProcessorConfig) && processor.ProcessorConfig.Mode === "DISTRIBUTED";
    if (state.Type !== "Map" || !(distributed || state.ItemReader !== undefined)) continue;
    ask("states:StartExecution", stateMachineArn, `Distributed Map '${path}' starts its child executions`);
    const child = `${executionArnPrefix(stateMachineArn)}sample-child`;
    for (const action of ["states:DescribeExecution", "states:StopExecution"]) ask(action, child, `Distributed Map '${path}' tracks its child executions`);
    const [readBucket, readKey] = [literal(state.ItemReader, "Bucket"), literal(state.ItemReader, "Key")];
    if (readBucket && readKey) ask("s3:GetObject", `arn:${partition}:s3:::${readBucket}/${readKey}`, `Distributed Map '${path}' reads its items`);
    const writeBucket = literal(state.ResultWriter, "Bucket");
    if (writeBucket) {
      const prefix = (literal(state.ResultWriter, "Prefix") ?? "").replace(/\/$/, "");
      const key = `${prefix ? `${prefix}/` : ""}sample-map-run/manifest.json`;
      for (const action of ["s3:PutObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload"]) {
        ask(action, `arn:${partition}:s3:::${writeBucket}/${key}`, `Distributed Map '${path}' writes its results (ResultWriter)`);
      }
    }
  }
  return requests;
}

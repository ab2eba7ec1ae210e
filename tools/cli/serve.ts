// npm run serve: the local cloud on 127.0.0.1 until interrupted. A Step Functions endpoint for the stack's state
// machine, the S3 stand-in (payload bucket) and the Bedrock runtime stand-in, all acting for the execution role:
// every Bedrock call routed and authorised, the workflow's S3 calls authorised. Point the AWS SDKs at it with the
// AWS_ENDPOINT_URL_* values it prints; `npm run invoke` then works against it unchanged.
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT, readSettings } from "../../stack/settings";
import { startApiFrontDoor, type LocalApiFrontDoor } from "../local/cloud/api-front-door";
import type { FaultPlan } from "../local/stand-ins/bedrock-stand-in";
import { cloudStackFrom } from "../local/cloud/cloud-stack";
import { isDistributedMapDefinition, mapCloudOf, runMapAsWorkflow } from "../local/cloud/distributed-map";
import { checkpointPath, readDeployedStack } from "../local/cloud/deployed-stack";
import type { Execution } from "../local/cloud/executions";
import { startLocalCloud, type LocalCloud } from "../local/cloud/local-cloud";
import { readRolePolicyFile } from "../local/cloud/role-policy-file";
import { makeTempDir, removeTempDir } from "../local/stand-ins/temp-dir";
import { startStepFunctionsEndpoint, type StepFunctionsEndpoint } from "../local/cloud/step-functions-endpoint";
import { parseCommonArgs, runCli, whenInterrupted } from "./lib/args";
import { PROJECT_DIR, stackConfig, synthesize } from "./lib/synth";
import { wholeNumberFlag } from "./lib/whole-number";

const USAGE =
  "bedrock-sfn serve --stack <name> [--config <key>=<value>]... [--port <p>] [--role-policy-file <policy.json>] [--seed <s>] [--route <region>]\n" +
  "                  [--api-key <key>]   (also: npm run serve -- ...)\n" +
  "  The local cloud on 127.0.0.1 until interrupted: a Step Functions endpoint (AWS JSON protocol) for the stack's state\n" +
  "  machine, and the S3 and Bedrock stand-ins, authorising every call as the execution role. Serves what the offline\n" +
  "  engine deployed (npm run pulumi -- up) when it has, else what synth produces. Prints the AWS_ENDPOINT_URL_* values.\n" +
  "  --stack, -s <name>       the stack (Pulumi.<name>.yaml); --config, -c <key>=<value> overrides one key (repeatable)\n" +
  "  --port <p>               Step Functions on p, S3 on p+1, Bedrock runtime on p+2, the API front door\n" +
  "                           (bedrock-sfn:api=rest) on p+3 (default 8083; 0 picks free ports)\n" +
  "  --role-policy-file <p>   act as a role holding this IAM policy instead of the stack's own\n" +
  "  --seed <s>               fixes the routing of Bedrock calls; --route <region> lands them all in one Region\n" +
  "  --api-key <key>          the key the local front door accepts with bedrock-sfn:apiAuth=apiKey (default: random, printed)\n" +
  "  --help, -h               this help";

export const DEFAULT_PORT = 8083;

export interface ServeOptions {
  stack: string;
  overrides?: Record<string, string>;
  /** Step Functions port; S3, Bedrock and the API front door take the next three. 0: any free ports. */
  port?: number;
  rolePolicyFile?: string;
  seed?: number;
  route?: string;
  /** Folder holding Pulumi.<stack>.yaml (the project root by default); its engine state is found from it (engine/paths.ts). */
  projectDir?: string;
  timeScale?: number;
  /** Faults the Bedrock stand-in injects (tests: latency, throttling). */
  faults?: FaultPlan;
  onFinished?: (execution: Execution) => void;
  /** The key the API front door accepts (apiAuth = apiKey); random when absent. */
  apiKey?: string;
  /** Told about every request to the API front door (its access log). */
  onApiAccess?: (entry: Record<string, unknown>) => void;
}

export interface Serving {
  cloud: LocalCloud;
  sfn: StepFunctionsEndpoint;
  /** The API front door, when the stack has one (bedrock-sfn:api = rest). */
  api?: LocalApiFrontDoor;
  /** Where the stack came from: the offline engine's checkpoint, or synth. */
  source: string;
  /** The stack outputs as `pulumi stack output --json` prints them, for `invoke --outputs-file`. */
  outputsFile: string;
  /** The environment the AWS SDKs read (endpoints, Region, any credentials). */
  environment: Record<string, string>;
  close(): Promise<void>;
}

export async function startServing(options: ServeOptions): Promise<Serving> {
  const projectDir = options.projectDir ?? PROJECT_DIR;
  const config = stackConfig(options.stack, options.overrides, projectDir);
  const checkpoint = checkpointPath(projectDir, PROJECT, options.stack);
  const deployed = readDeployedStack(checkpoint, config);
  const synth = deployed ?? (await synthesize({ stack: options.stack, overrides: options.overrides, projectDir }));
  const source = deployed ? `deployed (offline engine checkpoint ${checkpoint})` : "synth (nothing deployed by the offline engine)";
  const stack = cloudStackFrom(synth);
  const base = options.port ?? DEFAULT_PORT;
  const cloud = await startLocalCloud({
    stack,
    rolePolicies: options.rolePolicyFile ? [readRolePolicyFile(options.rolePolicyFile)] : undefined,
    seed: options.seed,
    route: options.route,
    faults: options.faults,
    ports: base === 0 ? {} : { s3: base + 1, bedrock: base + 2 },
  });
  const batch = isDistributedMapDefinition(stack.definition);
  let sfn: StepFunctionsEndpoint;
  try {
    sfn = await startStepFunctionsEndpoint({
      port: base,
      onFinished: options.onFinished,
      machine: {
        arn: stack.stateMachineArn,
        name: stack.stateMachineName,
        type: stack.workflowType,
        definition: stack.definition,
        roleArn: stack.roleArn,
        // A batch stack (batch = map): each execution runs the Distributed Map over the JSONL its input names.
        execute: (input, executionName) =>
          batch
            ? runMapAsWorkflow(mapCloudOf(cloud), { definition: stack.definition, input, stateMachineArn: stack.stateMachineArn, executionName, timeScale: options.timeScale })
            : cloud.run({ definition: stack.definition, input, executionName, timeScale: options.timeScale }),
      },
    });
  } catch (error) {
    await cloud.close();
    throw error;
  }
  const settings = readSettings((key) => synth.config[key]);
  let api: LocalApiFrontDoor | undefined;
  if (settings.api === "rest") {
    try {
      api = await startApiFrontDoor({
        stateMachineArn: stack.stateMachineArn,
        workflowType: stack.workflowType,
        auth: settings.apiAuth,
        apiKey: options.apiKey,
        rateLimit: settings.apiRateLimit,
        burstLimit: settings.apiBurstLimit,
        stepFunctionsEndpoint: sfn.endpoint,
        port: base === 0 ? 0 : base + 3,
        onAccess: options.onApiAccess,
      });
    } catch (error) {
      await Promise.allSettled([sfn.close(), cloud.close()]);
      throw error;
    }
  }
  const directory = makeTempDir(`bedrock-sfn-serve-${options.stack}-`);
  const outputsFile = path.join(directory, "outputs.json");
  fs.writeFileSync(outputsFile, `${JSON.stringify(synth.outputs, null, 2)}\n`);
  return {
    cloud,
    sfn,
    api,
    source,
    outputsFile,
    environment: {
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      AWS_ENDPOINT_URL_S3: cloud.endpoints.s3,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: cloud.endpoints.bedrock,
      AWS_REGION: stack.region,
      // The local cloud checks no signatures; the SDKs only need some credentials to sign with.
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    },
    async close() {
      await Promise.allSettled([sfn.close(), cloud.close(), ...(api ? [api.close()] : [])]);
      removeTempDir(directory);
    },
  };
}

export interface ServeDependencies {
  stdout?: (text: string) => void;
  /** Resolves when serving should stop; by default on SIGINT, SIGTERM or SIGHUP (scripts/lib/args.ts whenInterrupted). */
  stopped?: Promise<unknown>;
}

export async function main(argv: string[] = process.argv.slice(2), deps: ServeDependencies = {}): Promise<number> {
  const stdout = deps.stdout ?? ((text: string) => void process.stdout.write(text));
  const args = parseCommonArgs(
    argv,
    { port: { type: "string" }, "role-policy-file": { type: "string" }, seed: { type: "string" }, route: { type: "string" }, "api-key": { type: "string" } },
    USAGE,
  );
  const port = wholeNumberFlag(args.values.port, "port", 0, 65_532);
  // Unreadable role policies, unroutable --route values and bad checkpoints are BedrockSfnErrors: exit 2, one line.
  const serving: Serving = await startServing({
    stack: args.stack,
    overrides: args.overrides,
    port,
    rolePolicyFile: args.values["role-policy-file"] as string | undefined,
    seed: wholeNumberFlag(args.values.seed, "seed", 0, 2 ** 31 - 1),
    route: args.values.route as string | undefined,
    apiKey: args.values["api-key"] as string | undefined,
    onFinished: (execution) => stdout(`execution ${execution.name}: ${execution.status}${execution.error ? ` (${execution.error})` : ""}\n`),
    onApiAccess: (entry) => stdout(`api ${entry.httpMethod} ${entry.path}: ${entry.status} in ${entry.latencyMs} ms (request ${entry.requestId})\n`),
  });
  const { cloud, sfn, environment } = serving;
  const stack = cloud.stack;
  const lines = [
    `local cloud for stack '${args.stack}', from ${serving.source}`,
    `  Step Functions   ${sfn.endpoint}   ${stack.stateMachineArn} (${stack.workflowType}, ${stack.queryLanguage})`,
    `  S3               ${cloud.endpoints.s3}   payload bucket ${stack.payloadBucket}`,
    `  Bedrock runtime  ${cloud.endpoints.bedrock}   ${stack.modelId} from ${stack.region}, routed to ${cloud.router.destinations(stack.modelId).join(", ")}`,
    `  role             ${stack.roleArn}: every Bedrock call and the workflow's S3 calls are authorised against ${args.values["role-policy-file"] ?? "its policies"}`,
    ...(serving.api ? apiLines(serving.api, stack.workflowType, stack.region) : []),
    "",
    "In another shell:",
    ...Object.entries(environment).map(([name, value]) => `  export ${name}=${value}`),
    `  npm run invoke -- --stack ${args.stack} --outputs-file ${serving.outputsFile} --prompt "What is the highest mountain in Japan?"`,
    "",
    "Serving until Ctrl-C.",
  ];
  stdout(`${lines.join("\n")}\n`);
  await (deps.stopped ?? whenInterrupted());
  await serving.close();
  stdout("stopped\n");
  return 0;
}

/** How to call the local API front door (the same requests the deployed API takes). */
function apiLines(api: LocalApiFrontDoor, workflowType: string, region: string): string[] {
  const auth = api.apiKey ? `-H 'x-api-key: ${api.apiKey}'` : `--user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" --aws-sigv4 "aws:amz:${region}:execute-api"`;
  return [
    `  API front door   ${api.endpoint}/v1/generate   (${workflowType === "EXPRESS" ? "answers when the run ends" : "202, then GET /v1/executions/{id}"}; ${api.apiKey ? "API key" : "SigV4 (signature not verified locally)"})`,
    `    curl -s ${auth} -H 'content-type: application/json' -d '{"prompt":"What is the highest mountain in Japan?"}' ${api.endpoint}/v1/generate`,
  ];
}

if (require.main === module) runCli(() => main());

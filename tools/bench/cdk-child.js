// One measured run for tools/bench/cdk.ts, in a fresh process: `node cdk-child.js <count>` synthesizes, with aws-cdk-lib
// from the scratch folder (cdk-folder.ts), one stack holding <count> copies of the shape one BedrockStateMachine
// registers: payload bucket (S3-managed encryption with a bucket key, public access blocked, owner-enforced,
// TLS-only policy, input/ and output/ expiring), execution log group, role with the confused-deputy conditions
// and its inline policy (the inference profile and its routed foundation models, payload read/write, log
// delivery), and the four-state JSONata workflow calling bedrock:invokeModel. Written for this comparison with the
// CDK's own constructs, the way a CDK user would. Prints {loadCpuMs, synthCpuMs, totalCpuMs, resources} as JSON.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createRequire } = require("node:module");
const [what, folder] = process.argv.slice(2);
const root = path.resolve(__dirname, "..", "..");
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
// The same conditions as library-child.js: ts-node registered on the project's tsconfig.json (a CDK app in
// TypeScript runs through ts-node too).
require("ts-node").register({ project: path.join(root, "tsconfig.json") });

const cdkRequire = createRequire(path.join(folder, "package.json"));
const cdk = cdkRequire("aws-cdk-lib");
const { Construct } = cdkRequire("constructs");
const { aws_s3: s3, aws_logs: logs, aws_iam: iam, aws_stepfunctions: sfn, aws_stepfunctions_tasks: tasks, aws_bedrock: bedrock } = cdk;

const ACCOUNT = "123456789012";
const REGION = "ap-northeast-1";
const PROFILE = "apac.anthropic.claude-sonnet-4-20250514-v1:0";
const FOUNDATION = "anthropic.claude-sonnet-4-20250514-v1:0";
// The Regions the apac profile routes to from ap-northeast-1 (what the component grants).
// CloudFormation takes at most 500 resources per stack: 80 copies of 6 each per stack, more stacks beyond.
const COPIES_PER_STACK = 80;
const ROUTED = ["ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-4"];

class BedrockWorkflow extends Construct {
  constructor(scope, id) {
    super(scope, id);
    const stack = cdk.Stack.of(this);
    const physical = `bench-${id}-dev`;
    const bucket = new s3.Bucket(this, "Payloads", {
      bucketName: `${physical}-${ACCOUNT}-${REGION}`,
      encryption: s3.BucketEncryption.S3_MANAGED,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
      lifecycleRules: ["input/", "output/"].map((prefix) => ({
        id: `expire-${prefix.slice(0, -1)}`,
        prefix,
        expiration: cdk.Duration.days(7),
        abortIncompleteMultipartUploadAfter: cdk.Duration.days(1),
      })),
    });
    const logGroup = new logs.LogGroup(this, "Logs", {
      logGroupName: `/aws/vendedlogs/states/${physical}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, "Role", {
      description: `Execution role of the ${id} Bedrock workflow`,
      assumedBy: new iam.ServicePrincipal("states.amazonaws.com").withConditions({
        StringEquals: { "aws:SourceAccount": stack.account },
        ArnLike: { "aws:SourceArn": `arn:${stack.partition}:states:${stack.region}:${stack.account}:stateMachine:*` },
      }),
    });
    const profileArn = `arn:${stack.partition}:bedrock:${stack.region}:${stack.account}:inference-profile/${PROFILE}`;
    role.addToPolicy(new iam.PolicyStatement({ sid: "InvokeInferenceProfile", actions: ["bedrock:InvokeModel"], resources: [profileArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "InvokeFoundationModelThroughProfile",
        actions: ["bedrock:InvokeModel"],
        resources: ROUTED.map((r) => `arn:${stack.partition}:bedrock:${r}::foundation-model/${FOUNDATION}`),
        conditions: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
      }),
    );
    role.addToPolicy(new iam.PolicyStatement({ sid: "ReadPayloadInputs", actions: ["s3:GetObject"], resources: [bucket.arnForObjects("input/*")] }));
    role.addToPolicy(new iam.PolicyStatement({ sid: "WritePayloadOutputs", actions: ["s3:PutObject"], resources: [bucket.arnForObjects("output/*")] }));

    const invalid = sfn.Fail.jsonata(this, "ValidationFailed", { error: "InvalidInput", cause: "{% $states.input.problems %}" });
    const failed = sfn.Fail.jsonata(this, "InvocationFailed", { error: "{% $states.errorOutput.Error %}", cause: "{% $states.errorOutput.Cause %}" });
    const invoke = tasks.BedrockInvokeModel.jsonata(this, "InvokeModel", {
      model: bedrock.FoundationModel.fromFoundationModelId(this, "Model", new bedrock.FoundationModelIdentifier(FOUNDATION)),
      body: sfn.TaskInput.fromObject({
        anthropic_version: "bedrock-2023-05-31",
        max_tokens: 1024,
        temperature: 0.5,
        messages: [{ role: "user", content: [{ type: "text", text: "{% $states.input.prompt %}" }] }],
      }),
      outputs: "{% $states.result.Body %}",
      taskTimeout: sfn.Timeout.duration(cdk.Duration.seconds(300)),
    });
    invoke.addRetry({ errors: ["Bedrock.ThrottlingException", "Bedrock.ServiceUnavailableException"], interval: cdk.Duration.seconds(2), maxAttempts: 4, backoffRate: 2 });
    invoke.addCatch(failed, { errors: ["States.ALL"] });
    const validate = sfn.Choice.jsonata(this, "ValidateInput", { comment: "Rejects malformed input before calling Bedrock" })
      .when(sfn.Condition.jsonata(`{% $not($type($states.input.prompt) = "string") %}`), invalid)
      .otherwise(invoke);
    new sfn.StateMachine(this, "Workflow", {
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(validate),
      role,
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: false,
    });
    cdk.Tags.of(this).add("bedrock-sfn:model", PROFILE);
  }
}

const loaded = cpuMs();
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-cdk-"));
try {
  const app = new cdk.App({ outdir });
  const stacks = [];
  for (let i = 0; i < Number(what); i++) {
    if (i % COPIES_PER_STACK === 0) stacks.push(new cdk.Stack(app, `bench-dev-${stacks.length + 1}`, { env: { account: ACCOUNT, region: REGION } }));
    new BedrockWorkflow(stacks[stacks.length - 1], `m${i}`);
  }
  const assembly = app.synth();
  const done = cpuMs();
  const resources = stacks
    .map((stack) => Object.values(assembly.getStackByName(stack.stackName).template.Resources).filter((r) => r.Type !== "AWS::CDK::Metadata").length)
    .reduce((a, b) => a + b, 0);
  process.stdout.write(JSON.stringify({ loadCpuMs: loaded, synthCpuMs: done - loaded, totalCpuMs: done, resources, stacks: stacks.length }));
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}

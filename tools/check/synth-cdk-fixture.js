// Regenerates test/fixtures/check/cdk-invoke-model-profile.template.json: a stack synthesized by aws-cdk-lib (from the
// bench's scratch install, `npm run bench:cdk-setup`; never a project dependency) whose BedrockInvokeModel task calls a
// cross-Region inference profile the way CDK users write it (aws-cdk#31570): the profile ARN as the task's model.
// The CDK then grants bedrock:InvokeModel on the profile ARN only, which `bedrock-sfn check` must report.
// A second stack adds the statement the CDK leaves out (the model in every Region the us. profile routes to from
// us-east-1, tied to the profile), as a user's fix would: it must pass.
// Usage: node tools/check/synth-cdk-fixture.js   (BEDROCK_SFN_CDK_BENCH_DIR picks another scratch folder)
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { createRequire } = require("node:module");

const folder = path.resolve(process.env.BEDROCK_SFN_CDK_BENCH_DIR || path.join(os.homedir(), ".cache", "bedrock-sfn", "cdk-bench"));
const cdkRequire = createRequire(path.join(folder, "package.json"));
const cdk = cdkRequire("aws-cdk-lib");
const { aws_iam: iam, aws_stepfunctions: sfn, aws_stepfunctions_tasks: tasks } = cdk;

const PROFILE_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const app = new cdk.App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-cdk-")) });
const FOUNDATION_MODEL = PROFILE_ID.slice(PROFILE_ID.indexOf(".") + 1);
const ROUTED = ["us-east-1", "us-east-2", "us-west-2"];

function workflow(name, withRoutedGrants) {
  // Environment-agnostic, as `cdk init` writes it: the Region and account stay AWS::Region / AWS::AccountId.
  const stack = new cdk.Stack(app, name);
  const profileArn = stack.formatArn({ service: "bedrock", resource: "inference-profile", resourceName: PROFILE_ID });
  const invoke = new tasks.BedrockInvokeModel(stack, "InvokeModel", {
    model: { modelArn: profileArn },
    body: sfn.TaskInput.fromObject({
      anthropic_version: "bedrock-2023-05-31",
      max_tokens: 500,
      messages: [{ role: "user", content: [{ type: "text", text: sfn.JsonPath.stringAt("$.prompt") }] }],
    }),
  });
  const machine = new sfn.StateMachine(stack, "StateMachine", { definitionBody: sfn.DefinitionBody.fromChainable(invoke) });
  if (withRoutedGrants) {
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["bedrock:InvokeModel"],
        resources: ROUTED.map((region) => stack.formatArn({ service: "bedrock", region, account: "", resource: "foundation-model", resourceName: FOUNDATION_MODEL })),
        conditions: { StringEquals: { "bedrock:InferenceProfileArn": profileArn } },
      }),
    );
  }
  return name;
}

const stacks = { "cdk-invoke-model-profile": workflow("InvokeModelProfile", false), "cdk-invoke-model-routed-grants": workflow("InvokeModelRoutedGrants", true) };
const assembly = app.synth();
const version = cdkRequire("aws-cdk-lib/package.json").version;
for (const [file, name] of Object.entries(stacks)) {
  const out = path.resolve(__dirname, "..", "..", "test", "fixtures", "check", `${file}.template.json`);
  fs.writeFileSync(out, `${JSON.stringify(assembly.getStackByName(name).template, null, 1)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), out)} (aws-cdk-lib ${version})`);
}

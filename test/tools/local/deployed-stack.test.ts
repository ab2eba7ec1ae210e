// Reading what the offline real engine deployed (Pulumi's checkpoint), and `serve` serving it instead of synth.
// The fixture is hand-made in the checkpoint's shape: its role, definition and account differ from synth's on purpose.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SFNClient, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import { cloudStackFrom } from "../../../tools/local/cloud/cloud-stack";
import { CheckpointError, checkpointPath, readDeployedStack } from "../../../tools/local/cloud/deployed-stack";
import { PROJECT_DIR } from "../../../tools/cli/lib/synth";
import { startServing } from "../../../tools/cli/serve";
import { localBackendDir } from "../../../tools/engine/paths";

const FIXTURE = path.join(__dirname, "fixtures", "checkpoint-dev.json");
const CONFIG = { "aws:region": "ap-northeast-1", "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock-sfn:workflowType": "EXPRESS" };
const BODY = { anthropic_version: "bedrock-2023-05-31", max_tokens: 20, messages: [{ role: "user", content: "hi" }] };

describe("the offline engine's deployed stack", () => {
  let project: string;
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-"));
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.dev.yaml"), path.join(project, "Pulumi.dev.yaml"));
  });
  afterEach(() => {
    fs.rmSync(localBackendDir(project), { recursive: true, force: true });
    fs.rmSync(project, { recursive: true, force: true });
  });
  const install = (text: string) => {
    const file = checkpointPath(project, "bedrock-sfn", "dev");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };

  it("lives in the checkout's state folder outside it: <state>/.pulumi/stacks/<project>/<stack>.json", () => {
    assert.equal(checkpointPath("/p", "bedrock-sfn", "dev"), path.join(localBackendDir("/p"), ".pulumi", "stacks", "bedrock-sfn", "dev.json"));
    assert.ok(!checkpointPath("/p", "bedrock-sfn", "dev").startsWith("/p/"));
  });

  it("reads resources (outputs over inputs) and the stack outputs, leaving secrets out", () => {
    const stack = readDeployedStack(FIXTURE, CONFIG)!;
    assert.deepEqual(
      stack.resources.map((r) => [r.type, r.name]),
      [
        ["pulumi:providers:aws", "default_7_48_0"],
        ["aws:iam/role:Role", "bedrock-sfn-role"],
        ["aws:iam/rolePolicy:RolePolicy", "bedrock-sfn-invoke"],
        ["aws:sfn/stateMachine:StateMachine", "bedrock-sfn-workflow"],
      ],
    );
    assert.equal(stack.outputs.stateMachineArn, "arn:aws:states:ap-northeast-1:111122223333:stateMachine:deployed-workflow");
    assert.equal("apiKey" in stack.outputs, false);
    const cloud = cloudStackFrom(stack);
    assert.equal(cloud.account, "111122223333");
    assert.equal(cloud.roleArn, "arn:aws:iam::111122223333:role/deployed-role");
    assert.match(cloud.definition, /"DeployedInvoke"/);
    assert.equal(cloud.rolePolicies.length, 1);
    assert.match(String(cloud.rolePolicies[0].policy), /DeployedWithOneRegionOnly/);
    assert.equal(cloud.model.invokedArn, "arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.anthropic.claude-sonnet-4-20250514-v1:0");
  });

  it("is absent without a file or without resources (never deployed, or destroyed), and refuses a corrupt file", () => {
    assert.equal(readDeployedStack(path.join(project, "nope.json"), CONFIG), undefined);
    const empty = path.join(project, "empty.json");
    fs.writeFileSync(empty, JSON.stringify({ version: 3, checkpoint: { stack: "dev", latest: null } }));
    assert.equal(readDeployedStack(empty, CONFIG), undefined);
    fs.writeFileSync(empty, "{ truncated");
    assert.throws(
      () => readDeployedStack(empty, CONFIG),
      (e: Error) => e instanceof CheckpointError && /empty\.json is not JSON/.test(e.message),
    );
  });

  it("serve serves the deployed definition and role policy, enforced as recorded", async () => {
    install(fs.readFileSync(FIXTURE, "utf8"));
    for (const [route, expected] of [
      ["ap-northeast-1", "SUCCEEDED"],
      ["ap-southeast-2", "FAILED"],
    ]) {
      const serving = await startServing({ stack: "dev", projectDir: project, port: 0, route, timeScale: 0.001 });
      const sfn = new SFNClient({ region: "ap-northeast-1", endpoint: serving.sfn.endpoint, credentials: { accessKeyId: "a", secretAccessKey: "b" }, disableHostPrefix: true });
      try {
        assert.equal(serving.source, `deployed (offline engine checkpoint ${checkpointPath(project, "bedrock-sfn", "dev")})`);
        const result = await sfn.send(
          new StartSyncExecutionCommand({ stateMachineArn: "arn:aws:states:ap-northeast-1:111122223333:stateMachine:deployed-workflow", input: JSON.stringify({ body: BODY }) }),
        );
        assert.equal(result.status, expected, result.cause);
        if (expected === "SUCCEEDED") {
          // The deployed definition returns the raw model response, which synth's definition never does.
          assert.equal(JSON.parse(result.output!).type, "message");
        } else {
          assert.equal(result.error, "Bedrock.AccessDeniedException");
          assert.match(result.cause!, /assumed-role\/deployed-role\/.* on resource: arn:aws:bedrock:ap-southeast-2::foundation-model\//);
        }
      } finally {
        sfn.destroy();
        await serving.close();
      }
    }
  });
});

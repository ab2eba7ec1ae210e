// `npm run invoke` against `npm run serve`, through the real SDK clients and the AWS_ENDPOINT_URL_* values serve
// prints: EXPRESS and STANDARD (progress while polling), inline and through the payload bucket, and a denied role.
// These runs check the apac. Sonnet 4 profile's routing (8 Regions from Tokyo): they pin it, since the dev default is now global.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { invokeDeployed } from "../../../tools/cli/invoke/execute";
import { readOutputsFile } from "../../../tools/cli/invoke/stack-outputs";
import { endpointOverridden, main as invoke } from "../../../tools/cli/invoke";
import { main as serve, startServing, type Serving } from "../../../tools/cli/serve";

/** Runs `fn` with the environment serve printed, as a user's shell would have it. */
async function withEnvironment<T>(environment: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(environment).map((name) => [name, process.env[name]]));
  Object.assign(process.env, environment);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function invokeCli(serving: Serving, argv: string[]) {
  let printed = "";
  const code = await withEnvironment(serving.environment, () =>
    invoke(["--stack", "dev", "--outputs-file", serving.outputsFile, "--json", ...argv], {
      stdout: (t) => {
        printed += t;
      },
    }),
  );
  return { code, document: JSON.parse(printed) };
}

describe("npm run invoke against npm run serve", function () {
  this.timeout(120_000);
  let dir: string;
  let bigPrompt: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "serve-invoke-"));
    bigPrompt = path.join(dir, "prompt.txt");
    fs.writeFileSync(bigPrompt, "Summarise this line of the log, please.\n".repeat(8_000)); // 320 KB: over the 256 KB input limit
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  describe("EXPRESS (the dev stack)", () => {
    let serving: Serving;
    before(
      async () => (serving = await startServing({ stack: "dev", overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0" }, port: 0, timeScale: 0.001 })),
    );
    after(() => serving.close());

    it("round-trips an execution inline through StartSyncExecution", async () => {
      const { code, document } = await invokeCli(serving, ["--prompt", "What is the highest mountain in Japan?"]);
      assert.equal(code, 0, JSON.stringify(document));
      assert.equal(document.status, "SUCCEEDED");
      assert.match(document.output.text, /^Local stand-in reply from apac\.anthropic\.claude-sonnet-4/);
      assert.match(document.executionArn, /:express:bedrock-sfn-workflow-[^:]+:invoke-/);
      assert.equal(serving.cloud.bedrock.calls.length, 1);
      assert.ok(serving.cloud.router.destinations("apac.anthropic.claude-sonnet-4-20250514-v1:0").includes(serving.cloud.bedrock.calls[0].routedRegion!));
    });

    it("round-trips a large prompt through the payload bucket, and an S3 output back", async () => {
      const { code, document } = await invokeCli(serving, ["--input-file", bigPrompt, "--output-to-s3"]);
      assert.equal(code, 0, JSON.stringify(document));
      assert.match(document.output.outputS3Uri, /^s3:\/\/bedrock-sfn-bedrock-sfn-dev-123456789012-ap-northeast-1\/output\/invoke-.+\.json$/);
      assert.match(document.response.text, /to a \d{6}-byte request/);
      // The workflow read the input and wrote the output as the execution role, and was allowed to.
      assert.deepEqual(
        serving.cloud.s3FrontDoor.decisions.map((d) => [d.request.action, d.allowed]),
        [
          ["s3:GetObject", true],
          ["s3:PutObject", true],
        ],
      );
    });

    it("reports a response read back from S3 exactly as the inline output of the same prompt", async () => {
      // Both are normalised by the family's one JSONata expression: in the workflow inline, by invoke for S3.
      const prompt = ["--prompt", "Name the longest river in Japan."];
      const inline = await invokeCli(serving, prompt);
      const throughS3 = await invokeCli(serving, [...prompt, "--output-to-s3"]);
      assert.deepEqual([inline.code, throughS3.code], [0, 0], JSON.stringify([inline.document, throughS3.document]));
      assert.equal(throughS3.document.output.outputS3Uri.startsWith("s3://"), true);
      assert.deepEqual(throughS3.document.response, inline.document.output);
    });

    it("writes the stack outputs invoke reads, and drops the sync- host prefix only for custom endpoints", () => {
      const outputs = readOutputsFile(serving.outputsFile);
      assert.equal(outputs.stateMachineArn, serving.cloud.stack.stateMachineArn);
      assert.equal(outputs.workflowType, "EXPRESS");
      assert.equal(endpointOverridden("SFN", serving.environment), true);
      assert.equal(endpointOverridden("SFN", {}), false);
      assert.equal(endpointOverridden("SFN", { ...serving.environment, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }), false);
    });
  });

  describe("STANDARD", () => {
    let serving: Serving;
    before(async () => {
      serving = await startServing({
        stack: "dev",
        overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock-sfn:workflowType": "STANDARD" },
        port: 0,
        timeScale: 0.001,
        faults: { latencyMs: 300 },
      });
    });
    after(() => serving.close());

    it("starts, polls with a progress indicator while RUNNING, and returns the output, inline and through S3", async () => {
      const stack = readOutputsFile(serving.outputsFile);
      assert.equal(stack.workflowType, "STANDARD");
      const credentials = { accessKeyId: "local", secretAccessKey: "local" };
      const sfn = new SFNClient({ region: stack.region, endpoint: serving.environment.AWS_ENDPOINT_URL_SFN, credentials });
      const s3 = new S3Client({ region: stack.region, endpoint: serving.environment.AWS_ENDPOINT_URL_S3, credentials });
      try {
        for (const input of [{ prompt: "Hello" }, { prompt: fs.readFileSync(bigPrompt, "utf8"), outputToS3: true }]) {
          const updates: string[] = [];
          let done = 0;
          const report = await invokeDeployed({
            sfn,
            s3,
            stack,
            input,
            executionName: `standard-${updates.length}-${input.prompt.length}`,
            generation: { ...serving.cloud.stack.generation },
            progress: { update: (status) => void updates.push(status), done: () => void done++ },
            pollIntervalMs: 20,
            maxPollIntervalMs: 40,
          });
          assert.equal(report.status, "SUCCEEDED", report.cause);
          assert.ok(updates.length >= 1 && updates.every((s) => s === "RUNNING"), `progress updates: ${updates.join(",")}`);
          assert.equal(done, 1);
          const text = report.response?.text ?? (report.output as { text: string }).text;
          assert.match(text, /^Local stand-in reply/);
        }
      } finally {
        sfn.destroy();
        s3.destroy();
      }
    });

    it("shows a role's AccessDenied through invoke: exit 1 with the Bedrock error and AWS's message", async () => {
      const { code, document } = await invokeCli(serving, ["--prompt", "Hi"]);
      assert.equal(code, 0, JSON.stringify(document)); // the stack's own role first
      const stack = serving.cloud.stack;
      const policyFile = path.join(dir, "source-only.json");
      const document0 = JSON.parse(stack.rolePolicies[0].policy as string) as { Statement: { Sid?: string; Resource: string[] }[] };
      document0.Statement.find((s) => s.Sid === "InvokeFoundationModelThroughProfile")!.Resource = [
        `arn:aws:bedrock:ap-northeast-1::foundation-model/${stack.model.foundationModelId}`,
      ];
      fs.writeFileSync(policyFile, JSON.stringify(document0));
      const denied = await startServing({
        stack: "dev",
        overrides: { "bedrock-sfn:modelId": "apac.anthropic.claude-sonnet-4-20250514-v1:0", "bedrock-sfn:workflowType": "STANDARD" },
        port: 0,
        timeScale: 0.001,
        rolePolicyFile: policyFile,
        route: "ap-south-1",
      });
      try {
        const result = await invokeCli(denied, ["--prompt", "Hi"]);
        assert.equal(result.code, 1);
        assert.equal(result.document.error, "Bedrock.AccessDeniedException");
        assert.match(
          result.document.cause,
          /assumed-role\/bedrock-sfn-role-[^/]+\/local-step-functions is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-south-1::foundation-model\//,
        );
      } finally {
        await denied.close();
      }
    });
  });

  it("npm run serve prints the endpoints and AWS_ENDPOINT_URL_* values, and stops when told", async () => {
    let printed = "";
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const serving = serve(["--stack", "dev", "--port", "0"], {
      stdout: (t) => {
        printed += t;
      },
      stopped,
    });
    while (!printed.includes("Serving until Ctrl-C")) await new Promise((r) => setTimeout(r, 20));
    stop();
    assert.equal(await serving, 0);
    for (const name of ["AWS_ENDPOINT_URL_SFN", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"]) {
      assert.match(printed, new RegExp(`export ${name}=http://127\\.0\\.0\\.1:\\d+\\n`));
    }
    assert.match(printed, /from synth \(nothing deployed by the offline engine\)/);
    assert.match(printed, /npm run invoke -- --stack dev --outputs-file \S+outputs\.json/);
    assert.match(printed, /stopped\n$/);
    const outputsFile = /--outputs-file (\S+)/.exec(printed)![1];
    assert.equal(fs.existsSync(outputsFile), false, "the outputs file is removed when serve stops");
  });
});

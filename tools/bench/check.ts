// How long `bedrock-sfn check` takes over a ~5 MB template (the target: under 2 s), in JSON and in YAML, with
// JSON.parse of the same text as the baseline of this run. The template is generated: state machines calling a us.
// profile, each with its own role (half of them missing the routed Regions), among unrelated resources.
// Two figures per template: the check in this process (checkFile, after a warm-up: what the check itself costs), and
// the CLI as a user runs it (`node tools/cli/bedrock-sfn.js check`: the re-run under the source condition and ts-node's
// transpiling of the sources included), next to the CLI over a one-resource template (its fixed start-up cost).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { checkFile } from "../check/check";

const TARGET_MS = 2000;
const TARGET_BYTES = 5 * 1024 * 1024;
const PROFILE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0";

function workflow(i: number, complete: boolean): Record<string, unknown> {
  const profile = { "Fn::Sub": `arn:\${AWS::Partition}:bedrock:\${AWS::Region}:\${AWS::AccountId}:inference-profile/${PROFILE}` };
  const regions = complete ? ["us-east-1", "us-east-2", "us-west-2"] : ["us-east-1"];
  return {
    [`Machine${i}`]: {
      Type: "AWS::StepFunctions::StateMachine",
      Properties: {
        StateMachineName: `machine-${i}`,
        RoleArn: { "Fn::GetAtt": [`Role${i}`, "Arn"] },
        Definition: {
          StartAt: "Invoke",
          States: {
            Invoke: {
              Type: "Task",
              Resource: "arn:aws:states:::bedrock:invokeModel",
              Parameters: { ModelId: profile, Body: { anthropic_version: "bedrock-2023-05-31", max_tokens: 500, "messages.$": "$.messages" } },
              Retry: [{ ErrorEquals: ["Bedrock.ThrottlingException"], IntervalSeconds: 2, MaxAttempts: 4, BackoffRate: 2 }],
              End: true,
            },
          },
        },
      },
    },
    [`Role${i}`]: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" }] },
        Policies: [
          {
            PolicyName: "bedrock",
            PolicyDocument: {
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Action: "bedrock:InvokeModel", Resource: profile },
                {
                  Effect: "Allow",
                  Action: "bedrock:InvokeModel",
                  Resource: regions.map((r) => `arn:aws:bedrock:${r}::foundation-model/${MODEL}`),
                  Condition: { StringEquals: { "bedrock:InferenceProfileArn": profile } },
                },
              ],
            },
          },
        ],
      },
    },
    // Unrelated resources, as a real template has: the check reads past them.
    [`Bucket${i}`]: {
      Type: "AWS::S3::Bucket",
      Properties: { BucketName: `payloads-${i}`, Tags: Array.from({ length: 20 }, (_, t) => ({ Key: `tag${t}`, Value: `value-${i}-${t}` })) },
    },
  };
}

function template(): { json: string; yaml: string; machines: number } {
  const resources: Record<string, unknown> = {};
  let machines = 0;
  // Grow until the JSON text reaches the target size.
  while (JSON.stringify({ Resources: resources }, null, 1).length < TARGET_BYTES) {
    for (let k = 0; k < 100; k++, machines++) Object.assign(resources, workflow(machines, machines % 2 === 0));
  }
  const doc = { AWSTemplateFormatVersion: "2010-09-09", Resources: resources };
  // No anchors/aliases in the YAML (the yaml package would write one per shared object): CloudFormation, SAM and CDK
  // tooling write none, and resolving many aliases is quadratic in the yaml package's toJS.
  return { json: JSON.stringify(doc, null, 1), yaml: stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }), machines };
}

/** Wall time, and CPU time (user + system): the bench machine may be shared, and CPU time says what the check costs. */
async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(cpu);
  lastCpuMs = (used.user + used.system) / 1000;
  return performance.now() - start;
}
let lastCpuMs = 0;

const CLI = path.join(__dirname, "..", "cli", "bedrock-sfn.js");

/** Wall time of the CLI over one file; its exit code is 1 when the file has findings. */
function cli(file: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, [CLI, "check", "--region", "us-east-1", "--format", "json", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (run.status !== 0 && run.status !== 1) throw new Error(`bedrock-sfn check ${file} exited ${run.status}: ${run.stderr.split("\n")[0]}`);
  return ms;
}

const figure = (ms: number) => `${ms.toFixed(0).padStart(6)} ms  ${(ms / TARGET_MS).toFixed(2)}x the 2 s target`;

export async function main(): Promise<void> {
  const { json, yaml, machines } = template();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bedrock-sfn-check-bench-"));
  try {
    const files = { json: path.join(dir, "template.json"), yaml: path.join(dir, "template.yaml") };
    fs.writeFileSync(files.json, json);
    fs.writeFileSync(files.yaml, yaml);
    const tiny = path.join(dir, "tiny.json");
    fs.writeFileSync(tiny, JSON.stringify({ Resources: workflow(0, true) }));
    // Warm-up: the pack's modules and the catalog load once per process, as in the CLI before the first file.
    await checkFile(files.json, { region: "us-east-1" });
    const baseline = await timed(() => JSON.parse(fs.readFileSync(files.json, "utf8")));
    for (const [format, file] of Object.entries(files)) {
      let findings = 0;
      const ms = await timed(async () => {
        findings = (await checkFile(file, { region: "us-east-1" })).findings.length;
      });
      const mb = (fs.statSync(file).size / 1024 / 1024).toFixed(1);
      console.log(
        `check in-process: ${format} ${mb} MB (${machines} state machines, ${findings} findings)`.padEnd(76) +
          ` ${figure(ms)}  cpu ${lastCpuMs.toFixed(0)} ms  ${(ms / baseline).toFixed(0)}x JSON.parse (${baseline.toFixed(0)} ms)`,
      );
    }
    const startup = cli(tiny);
    const label = "check CLI start-up: one-resource template (re-run + ts-node + loading the pack)";
    console.log(`${label.padEnd(76)} ${figure(startup)}`);
    for (const [format, file] of Object.entries(files)) {
      const ms = cli(file);
      console.log(
        `check CLI: ${format} ${(fs.statSync(file).size / 1024 / 1024).toFixed(1)} MB (start-up included)`.padEnd(76) +
          ` ${figure(ms)}  (${(ms - startup).toFixed(0)} ms past start-up)`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();

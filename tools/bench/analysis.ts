// How long the definition analysis takes: the examples, and a wide generated definition (a Parallel of many
// branches, each a Map around a Bedrock task), against the plain walk over the same definition (invokeModelTasks) as
// the baseline in the same run.
import * as path from "node:path";
import { analyzeDefinition } from "../../src/workflow/analysis";
import { loadDefinitionFile, substituteDefinition } from "../../src/workflow/definition-source";
import { invokeModelTasks } from "../../src/workflow/analysis";
import { report, time } from "./timing";

const CONTEXT = { region: "us-east-1", account: "123456789012", payloadBucket: "bench-payloads" };
const SUBSTITUTIONS = { PayloadBucket: "bench-payloads", "AWS::Region": "us-east-1", "AWS::AccountId": "123456789012", "AWS::Partition": "aws" };
const MODELS = ["us.amazon.nova-lite-v1:0", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-3-haiku-20240307-v1:0"];

function wide(branches: number): unknown {
  const branch = (i: number) => ({
    StartAt: `Each${i}`,
    States: {
      [`Each${i}`]: {
        Type: "Map",
        Items: "{% $states.input.items %}",
        ItemProcessor: {
          StartAt: `Call${i}`,
          States: {
            [`Call${i}`]: {
              Type: "Task",
              Resource: "arn:aws:states:::bedrock:invokeModel",
              Arguments: `{% {'ModelId': '${MODELS[i % MODELS.length]}', 'Body': $states.input, 'Output': {'S3Uri': 's3://bench-payloads/output/' & $states.context.Execution.Name}} %}`,
              End: true,
            },
          },
        },
        End: true,
      },
    },
  });
  return { QueryLanguage: "JSONata", StartAt: "Fan", States: { Fan: { Type: "Parallel", Branches: Array.from({ length: branches }, (_, i) => branch(i)), End: true } } };
}

export async function main(): Promise<void> {
  const root = path.resolve(__dirname, "..", "..");
  for (const file of ["examples/prompt-chain.asl.json", "examples/parallel-fan-out.asl.yaml", "examples/map-over-items.asl.json"]) {
    const definition = substituteDefinition(loadDefinitionFile(file, root), SUBSTITUTIONS);
    report(`analysis: ${path.basename(file)}`, await time(200, () => analyzeDefinition(definition, CONTEXT)), "run");
  }
  const big = wide(300);
  const walk = await time(20, () => invokeModelTasks(big));
  const analysis = await time(20, () => analyzeDefinition(big, CONTEXT));
  report("walk only (invokeModelTasks): 300 branches x Map x Task", walk, "run");
  report("analysis: 300 branches x Map x Task", analysis, "run");
  console.log(`analysis / walk (p50): ${(analysis.p50Ms / walk.p50Ms).toFixed(2)}x`);
}

if (require.main === module) main();

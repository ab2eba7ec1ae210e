// One file checked: read, turned into the pack's resources by the reader for its kind, judged by the pack.
import { PLACEHOLDER_ACCOUNT } from "../../src/bedrock/arn";
import { BedrockSfnError, isBedrockSfnError } from "../../src/core/errors";
import { barePolicyResources } from "./bare-policy";
import { cloudFormationResources } from "./cloudformation";
import { type CheckFinding, type CheckNote, judge } from "./judge";
import { type CheckInput, type Source, readSource } from "./source";
import { terraformResources } from "./terraform";

export interface CheckOptions {
  /** --region; undefined: the file's own Region, else us-east-1 (noted). */
  region?: string;
  account?: string;
  parameters?: Record<string, string>;
}

export interface FileResult {
  source: Source;
  input: CheckInput;
  findings: CheckFinding[];
  notes: CheckNote[];
}

const DEFAULT_REGION = "us-east-1";

export async function checkFile(file: string, options: CheckOptions = {}): Promise<FileResult> {
  const source = readSource(file);
  let input: CheckInput;
  try {
    input = readerOf(source, options);
  } catch (e) {
    // A template the readers cannot walk (nested past their bound) is unreadable input, named with its file.
    if (isBedrockSfnError(e)) throw e;
    throw new BedrockSfnError("input", `${file}: cannot be read (${(e as Error).message})`);
  }
  const notes: CheckNote[] = input.notes.map((n) => ({ file, ...(n.line !== undefined ? { line: n.line } : {}), message: n.message }));
  if (!options.region && source.kind === "cloudformation") {
    notes.unshift({ file, message: `no --region given and the file names none: judged as deployed in ${DEFAULT_REGION}` });
  }
  return { source, input, findings: await judge(input, file), notes };
}

function readerOf(source: Source, options: CheckOptions): CheckInput {
  const env = { region: options.region ?? DEFAULT_REGION, account: options.account ?? PLACEHOLDER_ACCOUNT, parameters: options.parameters ?? {} };
  switch (source.kind) {
    case "cloudformation":
      return cloudFormationResources(source, env);
    case "terraform":
      return terraformResources(source, env.region);
    case "policy":
      return barePolicyResources(source);
  }
}

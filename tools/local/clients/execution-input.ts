// Execution inputs as the CLIs build them: from --prompt or --input-file, and moved to the payload bucket when they
// exceed the 256 KB Step Functions allows for an execution input (the workflow then reads them via Input.S3Uri).

import * as fs from "node:fs";
import { buildRequestBody, type ModelFamily } from "../../../src/bedrock/families";
import { DEFAULT_INPUT_PREFIX, INPUT_FIELDS, type ExecutionInput } from "../../../src/workflow/contract";
import { clip } from "../../../src/bedrock/text";
import { formatS3Uri } from "../runners/s3-uri";
import { BedrockSfnError } from "../../../src/core/errors";
import { AWS_LIMITS } from "../runners/aws-limits";

/** Step Functions' limit on an execution input (UTF-8 bytes of its JSON). */
const EXECUTION_INPUT_LIMIT_BYTES = AWS_LIMITS.payloadBytes;

/** InvokeModel's limit on a request body (the Bedrock API reference: body, at most 25,000,000 bytes). */
export const INVOKE_MODEL_BODY_LIMIT_BYTES = 25_000_000;

/** Uploads larger than this show a progress line on stderr when it is a terminal. */
const UPLOAD_PROGRESS_THRESHOLD_BYTES = 10 * 1024 * 1024;

/** Bad --prompt / --input-file use; the CLIs report it as a usage error. */
export class InputError extends BedrockSfnError {
  constructor(message: string) {
    super("input", message);
  }
}

export interface InputSource {
  prompt?: string;
  inputFile?: string;
  outputToS3?: boolean;
  /** A definition of the user's own: a .json file is taken as it is, whatever its fields. */
  anyJson?: boolean;
}

/**
 * The execution input for a CLI run. `--input-file` is read by extension: a `.json` file is a whole execution input
 * (`{"prompt"|"body"|"inputS3Uri", "system"?, "outputToS3"?}`), any other file is the prompt text itself.
 */
export function readExecutionInput(source: InputSource): ExecutionInput {
  if ((source.prompt === undefined) === (source.inputFile === undefined)) {
    throw new InputError("give exactly one of --prompt <text> or --input-file <path>");
  }
  let input: ExecutionInput;
  if (source.prompt !== undefined) {
    input = { prompt: source.prompt };
  } else {
    const file = source.inputFile!;
    let text: string;
    try {
      // Sized before it is read: a file over InvokeModel's body limit could never be sent, so it is never loaded.
      const stat = fs.statSync(file);
      if (!stat.isFile()) throw new InputError(`--input-file '${clip(file)}' is not a regular file`);
      if (stat.size > INVOKE_MODEL_BODY_LIMIT_BYTES) {
        throw new InputError(`--input-file '${clip(file)}' is ${stat.size} bytes, over InvokeModel's request body limit of ${INVOKE_MODEL_BODY_LIMIT_BYTES} bytes`);
      }
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`cannot read --input-file '${clip(file)}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    input = file.toLowerCase().endsWith(".json") ? (source.anyJson ? parseJsonFile(file, text, "--input-file") : parseInputDocument(file, text)) : { prompt: text };
  }
  return source.outputToS3 ? { ...input, outputToS3: true } : input;
}

/** Any JSON document, with an error naming the flag and the file when it is not JSON. */
export function parseJsonFile(file: string, text: string, flag: string): ExecutionInput {
  try {
    return JSON.parse(text) as ExecutionInput;
  } catch (error) {
    throw new InputError(`${flag} '${file}' is not valid JSON (${(error as Error).message})`);
  }
}

function parseInputDocument(file: string, text: string): ExecutionInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(`--input-file '${clip(file)}' is not valid JSON (${clip((error as Error).message)}); use a non-.json file for plain prompt text`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new InputError(`--input-file '${clip(file)}' must hold a JSON object with fields ${INPUT_FIELDS.join(", ")}`);
  }
  const unknown = Object.keys(value).filter((key) => !(INPUT_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new InputError(`--input-file '${clip(file)}' has unknown field(s) ${clip(unknown.join(", "))}; valid fields: ${INPUT_FIELDS.join(", ")}`);
  }
  // Other mistakes (two request fields, wrong types) are the workflow's to report, as it would in AWS.
  return value as ExecutionInput;
}

function inputSizeBytes(input: unknown): number {
  return Buffer.byteLength(JSON.stringify(input), "utf8");
}

export interface OffloadOptions {
  input: ExecutionInput;
  payloadBucket: string;
  /** Names the S3 object: `<inputPrefix><executionName>.json`. */
  executionName: string;
  inputPrefix?: string;
  /** What a prompt becomes as a native request body (the family, maxTokens, temperature, system prompt of the stack). */
  generation: { family: ModelFamily; maxTokens: number; temperature?: number; systemPrompt?: string };
  /** Writes the object (the local S3 stand-in, or the real bucket). */
  put: (key: string, bytes: Buffer) => Promise<void>;
  limitBytes?: number;
  /** Where the progress line of a large upload goes (a terminal only); stderr by default. */
  progressStream?: NodeJS.WriteStream;
}

export interface OffloadResult {
  input: ExecutionInput;
  /** Set when the request body went to S3. */
  inputS3Uri?: string;
  uploadedBytes?: number;
}

/**
 * Returns the input unchanged when it fits; otherwise writes the request body (the given `body`, or the body the
 * workflow would build from `prompt`) to the payload bucket and returns `{inputS3Uri, outputToS3?}` instead.
 */
export async function offloadLargeInput(options: OffloadOptions): Promise<OffloadResult> {
  const { input } = options;
  if (inputSizeBytes(input) <= (options.limitBytes ?? EXECUTION_INPUT_LIMIT_BYTES) || input.inputS3Uri !== undefined) {
    return { input };
  }
  const body = input.body ?? (await requestBodyFor(input, options.generation));
  const bytes = Buffer.from(JSON.stringify(body), "utf8");
  if (bytes.length > INVOKE_MODEL_BODY_LIMIT_BYTES) {
    throw new InputError(`the request body is ${bytes.length} bytes, over InvokeModel's limit of ${INVOKE_MODEL_BODY_LIMIT_BYTES} bytes; nothing was uploaded`);
  }
  const key = `${options.inputPrefix ?? DEFAULT_INPUT_PREFIX}${options.executionName}.json`;
  const inputS3Uri = formatS3Uri({ bucket: options.payloadBucket, key });
  const progress = uploadProgress(bytes.length, inputS3Uri, options.progressStream ?? process.stderr);
  try {
    await options.put(key, bytes);
  } finally {
    progress.done();
  }
  return { input: { inputS3Uri, ...(input.outputToS3 !== undefined ? { outputToS3: input.outputToS3 } : {}) }, inputS3Uri, uploadedBytes: bytes.length };
}

// A single PutObject reports no progress, so the line says what is under way and clears when it is done.
function uploadProgress(bytes: number, uri: string, stream: NodeJS.WriteStream): { done(): void } {
  if (bytes <= UPLOAD_PROGRESS_THRESHOLD_BYTES || !stream.isTTY) return { done() {} };
  const started = Date.now();
  stream.write(`uploading ${(bytes / 1e6).toFixed(1)} MB to ${uri} ...`);
  return { done: () => void stream.write(`\r\x1b[Kuploaded ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`) };
}

/** The body the workflow would build from the prompt: the same JSONata, evaluated here. */
async function requestBodyFor(input: ExecutionInput, generation: OffloadOptions["generation"]): Promise<Record<string, unknown>> {
  if (typeof input.prompt !== "string") {
    throw new InputError(`the execution input is over ${EXECUTION_INPUT_LIMIT_BYTES} bytes and has no prompt or body to move to S3`);
  }
  // As in the workflow: an execution's `system` (even "") overrides the configured system prompt.
  const system = input.system !== undefined ? input.system : generation.systemPrompt;
  return buildRequestBody(generation.family, {
    prompt: input.prompt,
    system,
    maxTokens: generation.maxTokens,
    temperature: generation.temperature,
  });
}

/** A name Step Functions accepts (1-80 characters of letters, digits, '-' and '_') and that sorts by time. */
export function newExecutionName(prefix: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14);
  return `${prefix}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}

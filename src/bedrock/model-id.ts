// Parses every form of model identifier that Bedrock's InvokeModel accepts into one typed value.
// The program uses it to write the role, the policy pack to read one, the workflow builder to pick a body format.
import { Arn, parseArn, splitResource } from "./arn";
import { BedrockSfnError } from "../core/errors";

/** Prefixes of system-defined inference profiles. `global.` routes to all commercial Regions. */
export const PROFILE_PREFIXES = ["us", "eu", "apac", "jp", "au", "ca", "us-gov", "global"] as const;
export type ProfilePrefix = (typeof PROFILE_PREFIXES)[number];

export type ModelReference =
  /** A foundation model, invoked in the source Region only. */
  | { kind: "foundation-model"; foundationModelId: string; arn?: Arn }
  /** A system-defined (cross-Region) inference profile such as `apac.anthropic...` or `global.anthropic...`. */
  | { kind: "system-profile"; profileId: string; prefix: ProfilePrefix; foundationModelId: string; arn?: Arn }
  /** A profile the account created; which models it wraps is only known to the account (GetInferenceProfile). */
  | { kind: "application-profile"; profileId: string; arn: Arn }
  /** Provisioned Throughput: invoked through its own ARN. */
  | { kind: "provisioned-model"; provisionedId: string; arn: Arn }
  /**
   * Other resources InvokeModel takes by ARN (Bedrock API reference, InvokeModel modelId): an imported model, a
   * custom-model deployment, a default or a custom prompt router. Each is authorised against its own ARN, the
   * IAM resource type of the same name (Service Authorization Reference, Amazon Bedrock).
   */
  | { kind: "own-arn-model"; resourceType: OwnArnType; resourceId: string; arn: Arn };

/** Resource types InvokeModel calls through their own ARN, besides provisioned models. */
export const OWN_ARN_TYPES = ["imported-model", "custom-model-deployment", "default-prompt-router", "prompt-router"] as const;
export type OwnArnType = (typeof OWN_ARN_TYPES)[number];

/** Raised for an identifier that is not a Bedrock model; the message names the value and the valid forms. */
export class ModelIdError extends BedrockSfnError {
  constructor(message: string, argument = "modelId") {
    super("model-id", message, argument);
  }
}

// provider.model[-version][:n], e.g. anthropic.claude-3-haiku-20240307-v1:0, amazon.titan-text-express-v1
const FOUNDATION_MODEL_ID = /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9._-]*(:[a-z0-9._-]+)*$/;
const RESOURCE_ID = /^[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;

const VALID_FORMS = [
  "a foundation-model ID (anthropic.claude-3-haiku-20240307-v1:0)",
  `a system inference-profile ID with prefix ${PROFILE_PREFIXES.map((p) => `'${p}.'`).join(", ")} (apac.anthropic.claude-sonnet-4-20250514-v1:0)`,
  "or the ARN of a foundation model, inference profile, application inference profile, provisioned model, imported model, custom-model deployment or prompt router",
].join(", ");

export function parseModelId(value: string): ModelReference {
  const id = value.trim();
  if (id === "") throw new ModelIdError(`model ID is empty; expected ${VALID_FORMS}`);
  if (id.startsWith("arn:")) return parseModelArn(id);
  return parsePlainId(id);
}

function parsePlainId(id: string): ModelReference {
  const firstDot = id.indexOf(".");
  const head = firstDot > 0 ? id.slice(0, firstDot) : "";
  if ((PROFILE_PREFIXES as readonly string[]).includes(head)) {
    const foundationModelId = id.slice(firstDot + 1);
    if (!FOUNDATION_MODEL_ID.test(foundationModelId)) {
      throw new ModelIdError(`'${id}' has profile prefix '${head}.' but '${foundationModelId}' is not a foundation-model ID; expected ${VALID_FORMS}`);
    }
    return { kind: "system-profile", profileId: id, prefix: head as ProfilePrefix, foundationModelId };
  }
  if (!FOUNDATION_MODEL_ID.test(id)) throw new ModelIdError(`'${id}' is not a model identifier; expected ${VALID_FORMS}`);
  // "xx.anthropic.claude..." looks like a profile with an unknown prefix rather than a model of provider "xx".
  const rest = id.slice(firstDot + 1);
  if (/^[a-z0-9-]+\.[a-z0-9]/.test(rest) && KNOWN_PROVIDERS.has(rest.split(".")[0])) {
    throw new ModelIdError(`'${id}' looks like an inference profile with unknown prefix '${head}.'; valid prefixes: ${PROFILE_PREFIXES.join(", ")}`);
  }
  return { kind: "foundation-model", foundationModelId: id };
}

// Only used to tell an unknown profile prefix from a model ID; an unlisted provider still parses as a foundation model.
const KNOWN_PROVIDERS = new Set([
  "amazon",
  "anthropic",
  "ai21",
  "cohere",
  "meta",
  "mistral",
  "stability",
  "deepseek",
  "writer",
  "twelvelabs",
  "openai",
  "qwen",
  "luma",
  "google",
  "minimax",
  "moonshot",
  "nvidia",
]);

function parseModelArn(value: string): ModelReference {
  const arn = parseArn(value);
  if (arn?.service !== "bedrock") {
    throw new ModelIdError(`'${value}' is not a Bedrock ARN; expected ${VALID_FORMS}`);
  }
  const [type, id] = splitResource(arn.resource);
  const needsRegion = (what: string) => {
    if (!arn.region) throw new ModelIdError(`${what} ARN '${value}' has no Region; InvokeModel needs the source Region's ARN`);
  };
  const needsAccount = (what: string) => {
    if (!/^\d{12}$/.test(arn.account)) throw new ModelIdError(`${what} ARN '${value}' needs a 12-digit account ID, got '${arn.account}'`);
  };
  switch (type) {
    case "foundation-model": {
      needsRegion("foundation-model");
      const parsed = parsePlainId(id);
      if (parsed.kind !== "foundation-model") {
        throw new ModelIdError(`'${value}' puts inference profile '${id}' inside a foundation-model ARN; use the profile ID '${id}' or its inference-profile ARN instead`);
      }
      return { ...parsed, arn };
    }
    case "inference-profile": {
      needsRegion("inference-profile");
      needsAccount("inference-profile");
      const parsed = parsePlainId(id);
      if (parsed.kind !== "system-profile") {
        throw new ModelIdError(`'${value}': '${id}' is not a system inference-profile ID (valid prefixes: ${PROFILE_PREFIXES.join(", ")})`);
      }
      return { ...parsed, arn };
    }
    case "application-inference-profile":
      needsRegion("application-inference-profile");
      needsAccount("application-inference-profile");
      if (!RESOURCE_ID.test(id)) throw new ModelIdError(`'${value}' has no application inference profile ID`);
      return { kind: "application-profile", profileId: id, arn };
    case "provisioned-model":
      needsRegion("provisioned-model");
      needsAccount("provisioned-model");
      if (!RESOURCE_ID.test(id)) throw new ModelIdError(`'${value}' has no provisioned model ID`);
      return { kind: "provisioned-model", provisionedId: id, arn };
    case "imported-model":
    case "custom-model-deployment":
    case "default-prompt-router":
    case "prompt-router":
      needsRegion(type);
      needsAccount(type);
      // A default router's ID is a family and version (anthropic.claude:1), so colons are allowed.
      if (!RESOURCE_ID.test(id)) throw new ModelIdError(`'${value}' has no ${type} ID`);
      return { kind: "own-arn-model", resourceType: type, resourceId: id, arn };
    default:
      throw new ModelIdError(
        `'${value}' is a Bedrock '${type}' ARN, which InvokeModel cannot call; InvokeModel takes ARNs of types ` +
          `foundation-model, inference-profile, application-inference-profile, provisioned-model, ${OWN_ARN_TYPES.join(", ")}`,
      );
  }
}

/** The foundation model behind a reference, where the identifier alone tells it. */
export function foundationModelOf(ref: ModelReference): string | undefined {
  return ref.kind === "foundation-model" || ref.kind === "system-profile" ? ref.foundationModelId : undefined;
}

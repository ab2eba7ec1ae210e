// A model's Bedrock lifecycle: Active, Legacy (with its EOL date) or EOL, for a foundation model and so for every
// profile built on one. Read from the model catalog (bundled, or a `bedrock-sfn catalog` file that overrides it).
// The program, the component and the pack judge with the same function, so their messages agree.
import { activeCatalog, type CatalogModel, type LifecycleStatus } from "./catalog";
import { ModelReference, foundationModelOf, parseModelId } from "./model-id";
import { BedrockSfnError } from "../src/errors";

export interface Lifecycle {
  status: LifecycleStatus;
  foundationModelId: string;
  eolDate?: string;
  successor?: string;
  source?: string;
}

/** The lifecycle of a foundation model; a model the catalog does not list counts as Active (AWS adds models monthly). */
export function lifecycleOf(foundationModelId: string): Lifecycle {
  const models = activeCatalog().models;
  const entry: CatalogModel | undefined = Object.hasOwn(models, foundationModelId) ? models[foundationModelId] : undefined;
  if (!entry) return { status: "ACTIVE", foundationModelId };
  return { status: entry.status, foundationModelId, eolDate: entry.eolDate, successor: entry.successor, source: entry.source };
}

/** Raised for a model past its end of life: every call to it fails. */
export class ModelLifecycleError extends BedrockSfnError {
  constructor(message: string, argument = "modelId") {
    super("model-lifecycle", message, argument);
  }
}

export interface LifecycleFinding {
  level: "warning" | "error";
  message: string;
  lifecycle: Lifecycle;
}

/**
 * What to tell the user about the model behind an identifier: nothing for an Active model (or one whose foundation
 * model the identifier hides), a warning for a Legacy one, an error for an EOL one. Each names the date and a
 * successor written in the same form as the identifier (a `us.` profile suggests the `us.` profile of the successor).
 */
export function lifecycleFinding(modelId: string, foundationModelId?: string): LifecycleFinding | undefined {
  let ref: ModelReference | undefined;
  try {
    ref = parseModelId(modelId);
  } catch {
    return undefined;
  }
  const fm = foundationModelId ?? foundationModelOf(ref);
  if (!fm) return undefined;
  const lifecycle = lifecycleOf(fm);
  if (lifecycle.status === "ACTIVE") return undefined;
  const successor = lifecycle.successor ? `; use ${suggested(ref, lifecycle.successor)} instead` : "";
  const source = lifecycle.source ? ` (${lifecycle.source})` : "";
  if (lifecycle.status === "EOL") {
    const when = lifecycle.eolDate ? ` on ${lifecycle.eolDate}` : "";
    return {
      level: "error",
      lifecycle,
      message: `'${modelId.trim()}' calls ${fm}, which reached end of life on Amazon Bedrock${when}: every call to it fails${successor}${source}`,
    };
  }
  const until = lifecycle.eolDate ? `reaches end of life on ${lifecycle.eolDate}` : "has an end-of-life date on AWS's model lifecycle page";
  return {
    level: "warning",
    lifecycle,
    message: `warning: '${modelId.trim()}' calls ${fm}, which is Legacy on Amazon Bedrock and ${until}; calls fail after that${successor}${source}`,
  };
}

/** Throws ModelLifecycleError for an EOL model; returns the Legacy warning (or undefined). */
export function assertNotEndOfLife(modelId: string, foundationModelId?: string, argument = "modelId"): string | undefined {
  const finding = lifecycleFinding(modelId, foundationModelId);
  if (finding?.level === "error") throw new ModelLifecycleError(finding.message, argument);
  return finding?.message;
}

// The successor in the form the user wrote: the same profile prefix, the same kind of identifier.
function suggested(ref: ModelReference, successor: string): string {
  return ref.kind === "system-profile" && !ref.arn ? `${ref.prefix}.${successor}` : successor;
}

// A model's Bedrock lifecycle: Active, Legacy (with its EOL date) or EOL, for a foundation model and so for every
// profile built on one. Read from the model catalog (bundled, or a `bedrock-sfn catalog` file that overrides it).
// The program, the component and the pack judge with the same function, so their messages agree.
import { activeCatalog, type CatalogModel, type LifecycleStatus } from "./catalog";
import { ModelReference, foundationModelOf, parseModelId } from "./model-id";
import { BedrockSfnError } from "../core/errors";

export interface Lifecycle {
  status: LifecycleStatus;
  foundationModelId: string;
  eolDate?: string;
  successor?: string;
  source?: string;
}

/**
 * The lifecycle of a foundation model in a partition; a model the catalog does not list (or lists for other
 * partitions only) counts as Active: AWS adds models monthly, and an unknown is no reason to refuse.
 */
export function lifecycleOf(foundationModelId: string, partition = "aws"): Lifecycle {
  const models = activeCatalog().models;
  const entry: CatalogModel | undefined = Object.hasOwn(models, foundationModelId) ? models[foundationModelId] : undefined;
  if (!entry || !(entry.partitions ?? ["aws"]).includes(partition)) return { status: "ACTIVE", foundationModelId };
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
export function lifecycleFinding(modelId: string, foundationModelId?: string, partition = "aws"): LifecycleFinding | undefined {
  let ref: ModelReference | undefined;
  try {
    ref = parseModelId(modelId);
  } catch {
    return undefined;
  }
  const fm = foundationModelId ?? foundationModelOf(ref);
  if (!fm) return undefined;
  const lifecycle = lifecycleOf(fm, partition);
  if (lifecycle.status === "ACTIVE") return undefined;
  // Messages stay one short line: the catalog (and docs/models.md) carry each entry's source page.
  const successor = lifecycle.successor ? `; use ${suggested(ref, lifecycle.successor)} instead` : "";
  const id = modelId.trim();
  const subject = id === fm ? fm : `'${id}' (model ${fm})`;
  if (lifecycle.status === "EOL") {
    const when = lifecycle.eolDate ? ` on ${lifecycle.eolDate}` : "";
    return { level: "error", lifecycle, message: `${subject} reached end of life on Amazon Bedrock${when}: every call to it fails${successor}` };
  }
  const until = lifecycle.eolDate ? `its end of life is ${lifecycle.eolDate}` : "AWS's model lifecycle page gives its end-of-life date";
  return { level: "warning", lifecycle, message: `warning: ${subject} is Legacy on Amazon Bedrock (${until}; calls fail after it)${successor}` };
}

/** Throws ModelLifecycleError for an EOL model; returns the Legacy warning (or undefined). */
export function assertNotEndOfLife(modelId: string, foundationModelId?: string, partition = "aws"): string | undefined {
  const finding = lifecycleFinding(modelId, foundationModelId, partition);
  if (finding?.level === "error") throw new ModelLifecycleError(finding.message);
  return finding?.message;
}

// The successor in the form the user wrote where it is known to exist: the same profile prefix when the catalog has
// that profile (or the prefix is global, which AWS offers by rule), else the model itself.
function suggested(ref: ModelReference, successor: string): string {
  if (ref.kind !== "system-profile" || ref.arn) return successor;
  const profile = `${ref.prefix}.${successor}`;
  if (ref.prefix === "global" || Object.hasOwn(activeCatalog().profiles, profile)) return profile;
  return `${successor} (through an inference profile your Region offers)`;
}

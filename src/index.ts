// The library's public entry (compiled to lib/ by `npm run build`). Importing it registers nothing: only
// constructing a component does.

// Components, their arguments and outputs.
export { BedrockStateMachine, type BedrockStateMachineArgs } from "../components/bedrock-state-machine";
export { PayloadBucket, type PayloadBucketArgs, payloadBucketName } from "../components/payload-bucket";
export { ApiFrontDoor, type ApiFrontDoorArgs } from "../components/api-front-door";
export { ACCESS_LOG_FORMAT } from "./api/plan";
export type { ResolvedModel, ResolveInput, Routing } from "./bedrock/resolve";
export type { ModelFamily } from "./bedrock/families";
export type { GuardrailOptions, GuardrailTrace } from "./workflow/options";
export type { DefinitionAnalysis } from "./workflow/analysis";

// Errors: one base type with a `kind`, and the argument it is about.
export { BedrockSfnError, type BedrockSfnErrorKind, isBedrockSfnError } from "./core/errors";
export { ModelIdError } from "./bedrock/model-id";
export { RoutingError } from "./bedrock/resolve";
export { UnsupportedModelError } from "./bedrock/families";
export { DefinitionError } from "./workflow/analysis";

// Choices, defaults and the schema of every argument.
export * from "./core/defaults";
export { API_ARGUMENTS, API_DEFAULTS, API_LIMITS, type ArgumentSpec, DEFAULTS, LIMITS, PAYLOAD_BUCKET_ARGUMENTS, STATE_MACHINE_ARGUMENTS } from "../components/arguments";

// The pure domain: model IDs, routing, grants, the catalog, the workflow and its analysis.
export { parseModelId, type ModelReference } from "./bedrock/model-id";
export { resolveModel, routedRegionsOf, routingLookup } from "./bedrock/resolve";
export { catalogProfile, catalogDestinations } from "./bedrock/routing";
export { MODEL_FAMILIES, familyForModel } from "./bedrock/families";
export { rolePolicyDocument } from "./bedrock/role-policy";
export { type PolicyDocument, type PolicyStatement, requiredBedrockStatements, routedRequests, payloadStatements, loggingStatements, tracingStatements } from "./bedrock/grants";
export { buildDefinition } from "./workflow";
export { analyzeDefinition, analyzeGrantable } from "./workflow/analysis";
// The model catalog (routing and lifecycle; a `bedrock-sfn catalog` file has the same shape), lifecycle and request fit.
export { CatalogError, type ModelCatalog, readCatalogFile, useCatalogFile, validateCatalog } from "./bedrock/catalog";
export { type Lifecycle, ModelLifecycleError, lifecycleOf } from "./bedrock/lifecycle";
export { ModelParameterError, generationSettingsFor } from "./bedrock/request-parameters";

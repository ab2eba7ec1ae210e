// The pure domain's entry, without Pulumi: model IDs, routing, ARNs and grants, IAM evaluation, the workflow's
// analysis, the front door's role, the errors. The policy pack imports it as the package `bedrock-sfn/domain` (and
// bundles it); the library's entry (index.ts) adds the components on top. Nothing in src/ imports this file.

export { BedrockSfnError, type BedrockSfnErrorKind, isBedrockSfnError } from "./core/errors";

// Model IDs, routing and the catalog.
export { ModelIdError, PROFILE_PREFIXES, parseModelId, type ModelReference } from "./bedrock/model-id";
export { RoutingError, resolveModel, routedRegionsOf, type ResolvedModel } from "./bedrock/resolve";
export { catalogProfile, catalogProfileIds } from "./bedrock/routing";

// ARNs and the grants a model needs.
export { PLACEHOLDER_ACCOUNT, foundationModelArn, inferenceProfileArn, parseArn, partitionOf, splitResource } from "./bedrock/arn";

// The catalog (routing and lifecycle, bundled or from a catalog file) and lifecycle findings.
export { activeCatalog, useCatalogFile } from "./bedrock/catalog";
export { lifecycleFinding } from "./bedrock/lifecycle";
export {
  type AuthorizationRequest,
  INVOKE_MODEL,
  type PolicyStatement,
  LOG_DELIVERY_ACTIONS,
  PROFILE_ARN_KEY,
  REQUESTED_REGION_KEY,
  TRACING_ACTIONS,
  requiredBedrockStatements,
  routedModelArns,
  routedRequests,
} from "./bedrock/grants";

// IAM: reading documents and evaluating requests as AWS does.
export * from "./iam";

// The workflow: walking a definition and what it needs of a role.
export { analyzeDefinition, modelIdsToResolve, requiredRequests } from "./workflow/analysis";
export { type PayloadLocations, type S3Location, objectArn } from "./workflow/payload-locations";
export { distributedMapRequests } from "./workflow/distributed-map-requests";
export { isInvokeModelResource } from "./workflow/contract";
export { jsonataExpressionOf } from "./workflow/task-arguments";
export { walkStates } from "./workflow/walk";

// The HTTP front door's role.
export { executionArnPattern } from "./api/role-policy";

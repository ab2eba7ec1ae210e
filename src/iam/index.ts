// IAM document reading and matching, small and dependency-free, shared by tests, the policy pack and the local cloud.
// Our own code on purpose: the evaluator we trust as a reference, @cloud-copilot/iam-simulate, is AGPL, so it is a
// dev-only dependency; test/src/iam/cross-check.test.ts compares the two on random policies and on every catalog profile.
//
// The entry point: `new PolicySet(documents, { boundary, context, unknownContextKeys }).evaluate({ action, resource,
// context })` -> Decision (allowed, verdict, the deciding statement, the blocking condition). `evaluateRequest` is
// the same for a one-off call.
export { policySize, readPolicyDocument, statementLabel } from "./document";
export type { Effect, ParsedDocument, ParsedStatement, DocumentDiagnostic, ReadResult } from "./document";
export { evaluateClause, clausesOnKey } from "./conditions";
export type { ConditionClause, ConditionOptions, ConditionOutcome, RequestContext } from "./conditions";
export { PRINCIPAL_ACCOUNT_KEY, PRINCIPAL_ARN_KEY, accountOfArn, awsRequestContext } from "./context";
export type { FilledContext, PrincipalFacts } from "./context";
export { PolicySet, evaluateRequest, evaluateRequests } from "./evaluate";
export type { BlockingCondition, Decision, IamRequest, PolicySetOptions, StatementMatch, StatementRef, Verdict } from "./evaluate";
export { compileGlob, matchGlob } from "./glob";
export type { CompiledGlob, GlobOptions, VariableLookup } from "./glob";
export { hasPolicyVariable, hasWildcard, matchesAction, matchesResource, matchesWildcard, patternArnFields, variablesAsWildcards } from "./wildcard";
export type { MatchOptions, MatchResult } from "./wildcard";
